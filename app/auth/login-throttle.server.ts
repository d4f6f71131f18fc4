import { RateLimiterMemory, type RateLimiterRes } from "rate-limiter-flexible";

// Per client: 5 failures per 15 minutes. Overall: 50 per 15 minutes, because the client key comes
// from headers a caller can vary.
export const LOGIN_THROTTLE = { perClient: 5, overall: 50, windowSeconds: 15 * 60 } as const;
const perClient = new RateLimiterMemory({
  keyPrefix: "login-client",
  points: LOGIN_THROTTLE.perClient,
  duration: LOGIN_THROTTLE.windowSeconds,
});
const overall = new RateLimiterMemory({
  keyPrefix: "login-all",
  points: LOGIN_THROTTLE.overall,
  duration: LOGIN_THROTTLE.windowSeconds,
});

export function clientKey(request: Request) {
  return request.headers.get("x-forwarded-for")?.split(",")[0].trim() || request.headers.get("x-real-ip") || "direct";
}

/** Seconds to wait before the next attempt, or 0 when an attempt is allowed. */
export async function loginRetryAfter(request: Request): Promise<number> {
  const [client, all] = await Promise.all([perClient.get(clientKey(request)), overall.get("all")]);
  const blocked = [client, all].filter((res): res is RateLimiterRes => res !== null && res.remainingPoints <= 0);
  return blocked.length ? Math.ceil(Math.max(...blocked.map((res) => res.msBeforeNext)) / 1000) : 0;
}

export async function recordFailedLogin(request: Request) {
  await Promise.all([perClient.penalty(clientKey(request), 1), overall.penalty("all", 1)]);
}

export async function clearFailedLogins(request: Request) {
  await perClient.delete(clientKey(request));
}

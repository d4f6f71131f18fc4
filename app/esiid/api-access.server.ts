import { RateLimiterMemory, type RateLimiterRes } from "rate-limiter-flexible";
import { getOperator } from "~/auth/operator.server";
import { bearerToken, secretsMatch } from "~/auth/secrets.server";
import { clientLabel } from "~/auth/client.server";
import { guardSecret } from "~/auth/throttle.server";
import { getEnv } from "~/env/env.server";

// Other tools call the JSON search in loops; 120 a minute per client keeps one of them from starving the page.
const perClient = new RateLimiterMemory({ keyPrefix: "esiid-api", points: 120, duration: 60 });

export type ApiAccess = { ok: true } | { ok: false; status: 401 | 429; error: string; retryAfterSeconds?: number };

/** An operator session, or `Authorization: Bearer <ADMIN_TOKEN>` (compared in constant time); then the throttle. */
export async function esiidApiAccess(request: Request): Promise<ApiAccess> {
  const signedIn = Boolean(await getOperator(request));
  // A wrong bearer counts against the same throttle as every other secret check.
  const machine =
    !signedIn && (await guardSecret(request, "api", () => secretsMatch(bearerToken(request), getEnv().adminToken)));
  if (!signedIn && !machine)
    return { ok: false, status: 401, error: "Sign in, or send Authorization: Bearer <ADMIN_TOKEN>." };
  try {
    await perClient.consume(clientLabel(request));
    return { ok: true };
  } catch (rejection) {
    const retryAfterSeconds = Math.ceil((rejection as RateLimiterRes).msBeforeNext / 1000);
    return {
      ok: false,
      status: 429,
      error: `Too many searches; try again in ${retryAfterSeconds} s.`,
      retryAfterSeconds,
    };
  }
}

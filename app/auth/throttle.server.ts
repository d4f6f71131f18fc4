import { json } from "@remix-run/node";
import { RateLimiterMemory, type RateLimiterRes } from "rate-limiter-flexible";
import { clientAddress } from "./client.server";

/** Every secret-guarded entry point: each has its own budget, so noise on one never blocks another. */
export type SecretScope = "login" | "cron" | "webhook" | "health" | "api";

/**
 * perCaller: failures one caller (device cookie, or address behind TRUST_PROXY) may make per window.
 * overall: failures all unrecognised callers together may make per window; past it only recognised callers are heard.
 */
export const SECRET_THROTTLE = { perCaller: 5, overall: 50, windowSeconds: 15 * 60 } as const;
const { perCaller: PER_CALLER_FAILURES, overall: OVERALL_FAILURES, windowSeconds: WINDOW_SECONDS } = SECRET_THROTTLE;
/** How long a caller that authenticated stays recognised, and how many are remembered. */
const RECOGNISED_MS = 30 * 24 * 3600 * 1000;
const RECOGNISED_MAX = 1000;

const limiters = new Map<SecretScope, { perCaller: RateLimiterMemory; overall: RateLimiterMemory }>();
const recognised = new Map<string, number>();

function limitersFor(scope: SecretScope) {
  let pair = limiters.get(scope);
  if (!pair) {
    pair = {
      perCaller: new RateLimiterMemory({
        keyPrefix: `${scope}-caller`,
        points: PER_CALLER_FAILURES,
        duration: WINDOW_SECONDS,
      }),
      overall: new RateLimiterMemory({ keyPrefix: `${scope}-all`, points: OVERALL_FAILURES, duration: WINDOW_SECONDS }),
    };
    limiters.set(scope, pair);
  }
  return pair;
}

function isRecognised(identity: string | null): boolean {
  if (!identity) return false;
  const at = recognised.get(identity);
  return at !== undefined && Date.now() - at < RECOGNISED_MS;
}

function remember(identity: string) {
  recognised.delete(identity);
  recognised.set(identity, Date.now());
  if (recognised.size > RECOGNISED_MAX) recognised.delete(recognised.keys().next().value!);
}

const exhausted = (res: RateLimiterRes | null) => (res !== null && res.remainingPoints <= 0 ? res.msBeforeNext : 0);

function tooManyAttempts(waitMs: number) {
  const seconds = Math.max(1, Math.ceil(waitMs / 1000));
  return json(
    { ok: false, error: `Too many failed attempts. Try again in ${Math.ceil(seconds / 60)} minute(s).` },
    { status: 429, headers: { "Retry-After": String(seconds), "Cache-Control": "no-store" } },
  );
}

export interface GuardOptions {
  /** A signed device id (the operator's browser): it identifies the caller without any header it could forge. */
  device?: string | null;
}

/**
 * The one gate in front of every secret comparison. A blocked caller is refused (429) BEFORE the secret is
 * compared, so a throttled attacker learns nothing.
 * - Each caller (device cookie, else client address behind TRUST_PROXY) has its own small budget.
 * - All unrecognised callers share one overall budget per scope; once it is spent they wait, but a recognised
 *   caller (one that authenticated before: the operator's browser, the usual cron host) still gets in. So an
 *   attacker is slowed to OVERALL_FAILURES guesses per window and cannot lock the operator out.
 */
export async function guardSecret(
  request: Request,
  scope: SecretScope,
  check: () => boolean | Promise<boolean>,
  options: GuardOptions = {},
): Promise<boolean> {
  const { perCaller, overall } = limitersFor(scope);
  const address = clientAddress(request);
  const identity = options.device ? `device:${options.device}` : address ? `address:${address}` : null;
  const [own, all] = await Promise.all([identity ? perCaller.get(identity) : null, overall.get("all")]);
  const ownWait = exhausted(own);
  if (ownWait) throw tooManyAttempts(ownWait);
  const overallWait = exhausted(all);
  const known = isRecognised(identity) || (options.device ? true : false);
  if (overallWait && !known) throw tooManyAttempts(overallWait);

  if (await check()) {
    if (identity) {
      await perCaller.delete(identity);
      remember(identity);
    }
    return true;
  }
  await Promise.all([identity ? perCaller.penalty(identity, 1) : null, known ? null : overall.penalty("all", 1)]);
  return false;
}

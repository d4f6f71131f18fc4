import { createHmac, timingSafeEqual } from "node:crypto";

/**
 * Constant-time comparison of a presented secret with the expected one. Both sides are HMAC'd to a
 * fixed length first, so neither the content nor the length of the secret leaks through timing.
 */
export function secretsMatch(presented: string | null | undefined, expected: string | null | undefined): boolean {
  if (!presented || !expected) return false;
  const key = "secret-comparison";
  const a = createHmac("sha256", key).update(presented).digest();
  const b = createHmac("sha256", key).update(expected).digest();
  return timingSafeEqual(a, b);
}

/** The secret in `Authorization: Bearer …`, if any. */
export function bearerToken(request: Request): string | null {
  const header = request.headers.get("authorization");
  const match = header?.match(/^Bearer\s+(.+)$/i);
  return match ? match[1].trim() : null;
}

/** "•••••••• (32 chars)": how a secret is shown, never the value itself. */
export function maskSecret(value: string | undefined): string {
  if (!value) return "";
  return `•••••••• (${value.length} chars)`;
}

/** The sentence every refused cross-site write gets, from the app's check and from the server's. */
export const CROSS_SITE_REFUSAL = "Cross-site request refused: submit the form from the portal itself.";

const WRITE_METHODS = new Set(["POST", "PUT", "PATCH", "DELETE"]);

/**
 * Remix aborts a page action whose Origin names another host than X-Forwarded-Host (else Host) with an empty
 * 500, before the route's own check can answer (throwIfPotentialCSRFAttack in @remix-run/server-runtime). The
 * server refuses those requests first, with the app's 403. Same inputs as Remix's check, so nothing it lets
 * through is refused here; the app's assertSameOrigin still judges everything else.
 */
export function originDiffersFromHost(
  method: string,
  origin: string | undefined,
  forwardedHost: string | undefined,
  host: string | undefined,
): boolean {
  if (!WRITE_METHODS.has(method.toUpperCase()) || !origin || origin === "null") return false;
  const target = forwardedHost?.split(",")[0]?.trim() || host;
  try {
    return new URL(origin).host !== target;
  } catch {
    return true;
  }
}

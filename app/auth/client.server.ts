import { getEnv } from "~/env/env.server";

/**
 * What the request says about its sender. X-Forwarded-* headers are believed only behind TRUST_PROXY: each
 * trusted proxy appends the address it saw, so the client is the entry `hops` from the right; anything to its
 * left was written by the caller and proves nothing.
 */
function forwarded(request: Request, header: string): string | null {
  const hops = getEnv().trustProxyHops;
  if (hops === 0) return null;
  const values = (request.headers.get(header) ?? "")
    .split(",")
    .map((value) => value.trim())
    .filter(Boolean);
  return values.length ? values[Math.max(0, values.length - hops)] : null;
}

/** The client's address behind a trusted proxy; null when the portal is reached directly (no identity to key on). */
export function clientAddress(request: Request): string | null {
  return forwarded(request, "x-forwarded-for");
}

/** For audit lines: the address, or "direct". */
export function clientLabel(request: Request): string {
  return clientAddress(request) ?? "direct";
}

/** True when the browser used HTTPS: directly, or to a trusted proxy that says so. */
export function requestIsHttps(request: Request): boolean {
  if (new URL(request.url).protocol === "https:") return true;
  return forwarded(request, "x-forwarded-proto")?.toLowerCase() === "https";
}

/** The host the browser used: the trusted proxy's X-Forwarded-Host, else Host. */
export function requestHost(request: Request): string {
  return forwarded(request, "x-forwarded-host") ?? request.headers.get("host") ?? new URL(request.url).host;
}

import { randomBytes } from "node:crypto";
import { requestIsHttps } from "./client.server";

/** A fresh nonce per HTML response: only scripts carrying it (Remix's own inline scripts) may run inline. */
export function createNonce(): string {
  return randomBytes(16).toString("base64");
}

/**
 * The headers every HTML response carries. Scripts only from the portal itself plus the nonced inline scripts
 * Remix needs; styles allow inline `style=""` attributes (components use them, they cannot run code); no framing.
 */
export function securityHeaders(request: Request, nonce: string): Record<string, string> {
  const csp = [
    "default-src 'self'",
    `script-src 'self' 'nonce-${nonce}'`,
    "style-src 'self' 'unsafe-inline'",
    "img-src 'self' data:",
    "font-src 'self'",
    "connect-src 'self'",
    "object-src 'none'",
    "base-uri 'self'",
    "form-action 'self'",
    "frame-ancestors 'none'",
  ].join("; ");
  return {
    "Content-Security-Policy": csp,
    "X-Content-Type-Options": "nosniff",
    "X-Frame-Options": "DENY",
    "Referrer-Policy": "same-origin",
    ...(requestIsHttps(request) ? { "Strict-Transport-Security": "max-age=31536000" } : {}),
  };
}

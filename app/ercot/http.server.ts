import { rootCertificates } from "node:tls";
import { Agent, request, type Dispatcher } from "undici";
import { DEFAULT_RETRY, DEFAULT_TIMEOUTS, type HttpTimeouts, type RetryPolicy } from "~/ercot/config";
import { withRetry } from "~/retry.server";

export type { HttpTimeouts, RetryPolicy } from "~/ercot/config";

/** Client certificate for mutual TLS, always as PEM (PFX is converted beforehand). */
export interface ClientTlsMaterial {
  certPem: string;
  keyPem: string;
  caPem?: string;
}

/**
 * ERCOT_EWS_CA adds to Node's default roots, never replaces them: ERCOT's guide names public roots, and a
 * private CA given for a test or a proxy must not make every public certificate untrusted.
 */
export function trustedCas(caPem?: string): string[] | undefined {
  return caPem ? [...rootCertificates, caPem] : undefined;
}

/**
 * Credentials (client certificate, bearer token, subscription key) go only over HTTPS to the configured
 * ERCOT hosts, never to wherever a response points. `allowedOrigins` are the configured base URLs' origins;
 * plain http is accepted only where the operator configured that exact origin (the local fake).
 */
export function assertCredentialTarget(url: string, allowedOrigins: readonly string[], what: string): void {
  let target: URL;
  try {
    target = new URL(url);
  } catch {
    throw new ErcotHttpError(`ERCOT listed an invalid URL for ${what}; it was not fetched.`, { retryable: false });
  }
  const configured = allowedOrigins.includes(target.origin);
  if (!configured || (target.protocol !== "https:" && target.protocol !== "http:")) {
    throw new ErcotHttpError(
      `ERCOT pointed ${what} at ${target.protocol}//${target.host}, which is not a configured ERCOT host; ` +
        "nothing was sent there. Check ERCOT_EWS_BASE, ERCOT_PAGE_URL and ERCOT_API_BASE.",
      { retryable: false },
    );
  }
}

/** Descriptive, so security pages that refuse blank agents let the credential-free channel through. */
export const ERCOT_USER_AGENT = "ercot-smt-portal/1.0 (TDSP ESIID Extract ingest; node)";

/** One pooled agent per source; the body timeout is the idle gap between chunks, not the total time. */
export function createHttpAgent(overrides: Partial<HttpTimeouts> = {}, tls?: ClientTlsMaterial): Agent {
  const timeouts = { ...DEFAULT_TIMEOUTS, ...overrides };
  return new Agent({
    connectTimeout: timeouts.connectMs,
    headersTimeout: timeouts.headersMs,
    bodyTimeout: timeouts.idleMs,
    connect: tls ? { cert: tls.certPem, key: tls.keyPem, ca: trustedCas(tls.caPem) } : undefined,
  });
}

/** An error whose message an operator can act on; never carries secrets. */
export class ErcotHttpError extends Error {
  readonly status: number | null;
  readonly retryable: boolean;
  constructor(message: string, options: { status?: number | null; retryable: boolean; cause?: unknown }) {
    super(message, { cause: options.cause });
    this.name = "ErcotHttpError";
    this.status = options.status ?? null;
    this.retryable = options.retryable;
  }
}

const RETRYABLE_NETWORK_CODES = new Set([
  "UND_ERR_CONNECT_TIMEOUT",
  "UND_ERR_HEADERS_TIMEOUT",
  "UND_ERR_BODY_TIMEOUT",
  "UND_ERR_SOCKET",
  "UND_ERR_CLOSED",
  "ECONNRESET",
  "ECONNREFUSED",
  "EPIPE",
  "ETIMEDOUT",
  "EAI_AGAIN",
]);

function errorCode(error: unknown): string | undefined {
  const code = (error as { code?: unknown } | null)?.code;
  return typeof code === "string" ? code : undefined;
}

export function isRetryable(error: unknown): boolean {
  if (error instanceof ErcotHttpError) return error.retryable;
  const code = errorCode(error) ?? errorCode((error as { cause?: unknown } | null)?.cause);
  return code !== undefined && RETRYABLE_NETWORK_CODES.has(code);
}

export function isRetryableStatus(status: number): boolean {
  return status === 429 || status >= 500;
}

function networkReason(error: unknown): string {
  switch (errorCode(error) ?? errorCode((error as { cause?: unknown } | null)?.cause)) {
    case "UND_ERR_CONNECT_TIMEOUT":
      return "the connection timed out";
    case "UND_ERR_HEADERS_TIMEOUT":
      return "ERCOT did not start answering in time";
    case "UND_ERR_BODY_TIMEOUT":
      return "the transfer stalled (no data within the idle timeout)";
    case "ECONNREFUSED":
      return "the connection was refused";
    case "ECONNRESET":
    case "UND_ERR_SOCKET":
    case "UND_ERR_CLOSED":
      return "the connection was closed unexpectedly";
    case "ENOTFOUND":
    case "EAI_AGAIN":
      return "the host name could not be resolved";
    default:
      return (error as Error | null)?.message ?? "an unknown network error";
  }
}

/** Host only: query strings may carry ids, and tokens never belong in messages. */
export function hostOf(url: string): string {
  try {
    return new URL(url).host;
  } catch {
    return "an invalid URL";
  }
}

export function networkError(action: string, url: string, error: unknown): ErcotHttpError {
  if (error instanceof ErcotHttpError) return error;
  return new ErcotHttpError(
    `Could not ${action} at ${hostOf(url)}: ${networkReason(error)}. Check network access to ERCOT and try again later.`,
    { retryable: isRetryable(error), cause: error },
  );
}

export function statusError(action: string, url: string, status: number, detail?: string): ErcotHttpError {
  const advice =
    status === 429
      ? "ERCOT is throttling requests; wait a minute and try again."
      : status >= 500
        ? "ERCOT may be down for maintenance; try again later."
        : "Check the ERCOT settings for this source.";
  return new ErcotHttpError(
    `Could not ${action}: ${hostOf(url)} answered HTTP ${status}${detail ? ` (${detail})` : ""}. ${advice}`,
    { status, retryable: isRetryableStatus(status) },
  );
}

/** Where a GET may be redirected: only these origins (the configured ERCOT hosts), at most `maxHops` times. */
export interface RedirectPolicy {
  allowedOrigins: readonly string[];
  maxHops?: number;
}

export const MAX_REDIRECT_HOPS = 5;
const REDIRECT_STATUSES = new Set([301, 302, 303, 307, 308]);

export interface SendOptions {
  agent: Dispatcher;
  method?: Dispatcher.HttpMethod;
  headers?: Record<string, string>;
  body?: string | Buffer;
  signal?: AbortSignal;
  /** Follow redirects under this policy; without it a 3xx is handed to the caller as is. */
  redirects?: RedirectPolicy;
}

/**
 * One HTTP exchange, following redirects when a policy is given; network failures become ErcotHttpError,
 * statuses are left to the caller. Each hop is checked before anything (headers, client certificate) is
 * sent to it.
 */
export async function sendRequest(action: string, url: string, options: SendOptions): Promise<Dispatcher.ResponseData> {
  const visited: string[] = [];
  let target = url;
  for (;;) {
    const response = await sendOnce(action, target, options);
    const location = response.headers.location;
    if (!options.redirects || !REDIRECT_STATUSES.has(response.statusCode) || typeof location !== "string")
      return response;
    await response.body.dump();
    visited.push(target);
    target = nextHop(action, target, location, visited, options.redirects);
  }
}

/**
 * Where a redirect may lead: a configured ERCOT origin, never from https down to http, never back to a URL
 * already visited, and within the hop limit. Plain http is only followed where the operator configured
 * that http origin and the request was already plain (the local fake); real ERCOT hosts are all https.
 */
function nextHop(action: string, from: string, location: string, visited: string[], policy: RedirectPolicy): string {
  let next: URL;
  try {
    next = new URL(location, from);
  } catch {
    throw new ErcotHttpError(`Could not ${action}: ERCOT redirected to an invalid URL; it was not followed.`, {
      retryable: false,
    });
  }
  const refuse = (reason: string) =>
    new ErcotHttpError(`Could not ${action}: ${reason}; nothing was sent there.`, { retryable: false });
  const maxHops = policy.maxHops ?? MAX_REDIRECT_HOPS;
  if (visited.includes(next.toString()))
    throw refuse(`ERCOT's redirects at ${hostOf(from)} loop back to a URL already visited`);
  if (visited.length > maxHops) throw refuse(`ERCOT redirected more than ${maxHops} times`);
  if (next.protocol !== "https:" && (next.protocol !== "http:" || new URL(from).protocol !== "http:"))
    throw refuse(`ERCOT redirected from ${hostOf(from)} to ${next.protocol}//${next.host}, which is not HTTPS`);
  if (!policy.allowedOrigins.includes(next.origin))
    throw refuse(
      `ERCOT redirected to ${next.host}, which is not a configured ERCOT host (check ERCOT_PAGE_URL, ERCOT_API_BASE and ERCOT_EWS_BASE)`,
    );
  return next.toString();
}

async function sendOnce(action: string, url: string, options: SendOptions): Promise<Dispatcher.ResponseData> {
  try {
    return await request(url, {
      dispatcher: options.agent,
      method: options.method ?? "GET",
      headers: { "User-Agent": ERCOT_USER_AGENT, ...options.headers },
      body: options.body,
      signal: options.signal,
    });
  } catch (error) {
    if (options.signal?.aborted) throw error;
    throw networkError(action, url, error);
  }
}

/** Reads a small text body (error pages, JSON lists); larger bodies are cut at `limitBytes`. */
export async function readText(body: Dispatcher.ResponseData["body"], limitBytes = 32 * 1024 * 1024): Promise<string> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of body) {
    chunks.push(chunk as Buffer);
    size += (chunk as Buffer).length;
    if (size >= limitBytes) {
      body.destroy();
      break;
    }
  }
  return Buffer.concat(chunks).toString("utf8");
}

/** A short, log-safe excerpt of an error body. */
export function excerpt(text: string, length = 160): string {
  const flattened = text
    .replace(/<[^>]*>/g, " ")
    .replace(/\s+/g, " ")
    .trim();
  return flattened.length > length ? `${flattened.slice(0, length)}…` : flattened;
}

/**
 * Retries connection errors, timeouts, 5xx and 429 with exponential backoff and jitter;
 * any other failure (4xx, bad content) is final at once.
 */
export function withErcotRetry<T>(
  operation: (attempt: number) => Promise<T>,
  policy: RetryPolicy = DEFAULT_RETRY,
  signal?: AbortSignal,
): Promise<T> {
  return withRetry(operation, { ...policy, shouldRetry: isRetryable, signal });
}

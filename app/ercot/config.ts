import type { Env } from "~/env/env.server";

type ErcotEnv = Env["ercot"];

/**
 * Everything the ERCOT sources need. The environment part is exactly what the env module maps (the one
 * place variables and their documented defaults become values); the tuning knobs are not variables, and
 * each is optional with its default applied where it is used.
 */
export interface ErcotSourcesConfig {
  reportTypeId: string;
  /** The product page; its origin is the MIS base for the JSON list and mirDownload. */
  pageUrl: string;
  api: ErcotEnv["api"] & {
    /** ERCOT documents 30 requests per rolling minute per subscription. */
    pacing?: { requests: number; windowMs: number };
    /** Archive page size (max 1000). */
    pageSize?: number;
  };
  ews: ErcotEnv["ews"] & {
    /** Defaults to the client certificate's subject CN (ERCOT's client guide). */
    source?: string;
    signatureAlgorithm?: EwsSignatureAlgorithm;
    digestAlgorithm?: EwsDigestAlgorithm;
    /** How far back GetReports asks for (StartTime = now - window). */
    lookbackHours?: number;
  };
  timeouts?: Partial<HttpTimeouts>;
  retry?: RetryPolicy;
}

export interface HttpTimeouts {
  connectMs: number;
  headersMs: number;
  /** Longest silence allowed while a body streams. */
  idleMs: number;
}

export interface RetryPolicy {
  /** Total tries, the first included. */
  attempts: number;
  minDelayMs: number;
  maxDelayMs: number;
}

export type EwsSignatureAlgorithm = "rsa-sha1" | "rsa-sha256";
export type EwsDigestAlgorithm = "sha1" | "sha256";

export const DEFAULT_API_PACING = { requests: 30, windowMs: 60_000 } as const;
export const DEFAULT_API_PAGE_SIZE = 1000;
export const DEFAULT_EWS_SIGNATURE_ALGORITHM: EwsSignatureAlgorithm = "rsa-sha1";
export const DEFAULT_EWS_DIGEST_ALGORITHM: EwsDigestAlgorithm = "sha1";
export const DEFAULT_EWS_LOOKBACK_HOURS = 7 * 24;
/** Large FUL zips stream for minutes; the idle timeout is about silence, not total time. */
export const DEFAULT_TIMEOUTS: HttpTimeouts = { connectMs: 30_000, headersMs: 120_000, idleMs: 120_000 };
export const DEFAULT_RETRY: RetryPolicy = { attempts: 4, minDelayMs: 1_000, maxDelayMs: 30_000 };

/** The configured ERCOT hosts (product page/MIS, Public API, EWS): the only places a redirect may lead. */
export function configuredErcotOrigins(config: Pick<ErcotSourcesConfig, "pageUrl" | "api" | "ews">): string[] {
  const urls = [config.pageUrl, config.api.apiBaseUrl, config.ews.baseUrl];
  return [...new Set(urls.flatMap((url) => (url && URL.canParse(url) ? [new URL(url).origin] : [])))];
}

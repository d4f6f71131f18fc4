// The documented defaults (client id, scope, product, report type 203…) live in one place: the env module.
import { ERCOT_DEFAULTS } from "../env/env.server";

/** Everything the ERCOT sources need, as plain values (the env module maps process.env onto this). */
export interface ErcotSourcesConfig {
  reportTypeId: string;
  /** The product page; its origin is the MIS base for the JSON list and mirDownload. */
  pageUrl: string;
  api: {
    subscriptionKey?: string;
    username?: string;
    password?: string;
    tokenUrl: string;
    clientId: string;
    scope: string;
    productId: string;
    apiBaseUrl: string;
    /** Public API allowance; ERCOT documents 30 requests per rolling minute per subscription. */
    requestsPerMinute?: number;
    /** Archive page size (max 1000). */
    pageSize?: number;
  };
  ews: {
    baseUrl?: string;
    reportType: string;
    pfxBase64?: string;
    pfxPassphrase?: string;
    certPem?: string;
    keyPem?: string;
    caPem?: string;
    /** Defaults to the client certificate's subject CN. */
    userId?: string;
    /** Defaults to the client certificate's subject CN. */
    source?: string;
    signatureAlgorithm: EwsSignatureAlgorithm;
    digestAlgorithm: EwsDigestAlgorithm;
    /** How far back GetReports asks for (StartTime = now - window). */
    lookbackHours?: number;
  };
  timeouts: {
    connectMs: number;
    headersMs: number;
    /** Longest silence allowed while a body streams. */
    idleMs: number;
  };
  retry?: {
    /** Total tries per request, the first included. */
    attempts: number;
    minDelayMs: number;
    maxDelayMs: number;
  };
}

export type EwsSignatureAlgorithm = "rsa-sha1" | "rsa-sha256";
export type EwsDigestAlgorithm = "sha1" | "sha256";

export const DEFAULT_API_REQUESTS_PER_MINUTE = 30;
export const DEFAULT_API_PAGE_SIZE = 1000;
export const DEFAULT_EWS_SIGNATURE_ALGORITHM: EwsSignatureAlgorithm = "rsa-sha1";
export const DEFAULT_EWS_DIGEST_ALGORITHM: EwsDigestAlgorithm = "sha1";
export const DEFAULT_EWS_LOOKBACK_HOURS = 7 * 24;
/** Large FUL zips stream for minutes; the idle timeout is about silence, not total time. */
export const DEFAULT_TIMEOUTS = { connectMs: 30_000, headersMs: 120_000, idleMs: 120_000 } as const;
export const DEFAULT_RETRY = { attempts: 4, minDelayMs: 1_000, maxDelayMs: 30_000 } as const;

/** A complete config from a partial one, with the documented defaults filled in. */
export function withErcotDefaults(partial: {
  reportTypeId?: string;
  pageUrl?: string;
  api?: Partial<ErcotSourcesConfig["api"]>;
  ews?: Partial<ErcotSourcesConfig["ews"]>;
  timeouts?: Partial<ErcotSourcesConfig["timeouts"]>;
  retry?: ErcotSourcesConfig["retry"];
}): ErcotSourcesConfig {
  return {
    reportTypeId: partial.reportTypeId ?? ERCOT_DEFAULTS.ERCOT_EWS_REPORTTYPE,
    pageUrl: partial.pageUrl ?? ERCOT_DEFAULTS.ERCOT_PAGE_URL,
    api: {
      tokenUrl: ERCOT_DEFAULTS.ERCOT_TOKEN_URL,
      clientId: ERCOT_DEFAULTS.ERCOT_CLIENT_ID,
      scope: ERCOT_DEFAULTS.ERCOT_SCOPE,
      productId: ERCOT_DEFAULTS.ERCOT_PRODUCT_ID,
      apiBaseUrl: ERCOT_DEFAULTS.ERCOT_API_BASE,
      ...partial.api,
    },
    ews: {
      reportType: ERCOT_DEFAULTS.ERCOT_EWS_REPORTTYPE,
      signatureAlgorithm: DEFAULT_EWS_SIGNATURE_ALGORITHM,
      digestAlgorithm: DEFAULT_EWS_DIGEST_ALGORITHM,
      ...partial.ews,
    },
    timeouts: { ...DEFAULT_TIMEOUTS, ...partial.timeouts },
    retry: partial.retry,
  };
}

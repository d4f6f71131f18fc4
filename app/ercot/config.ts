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

export const DEFAULT_REPORT_TYPE_ID = "203";
export const DEFAULT_PAGE_URL = "https://www.ercot.com/mp/data-products/data-product-details?id=ZP15-612";
export const DEFAULT_TOKEN_URL =
  "https://ercotb2c.b2clogin.com/ercotb2c.onmicrosoft.com/B2C_1_PUBAPI-ROPC-FLOW/oauth2/v2.0/token";
export const DEFAULT_CLIENT_ID = "fec253ea-0d06-4272-a5e6-b478baeecd70";
export const DEFAULT_SCOPE = "openid fec253ea-0d06-4272-a5e6-b478baeecd70 offline_access";
export const DEFAULT_PRODUCT_ID = "ZP15-612";
export const DEFAULT_API_BASE_URL = "https://api.ercot.com";
export const DEFAULT_API_REQUESTS_PER_MINUTE = 30;
export const DEFAULT_API_PAGE_SIZE = 1000;
export const DEFAULT_EWS_REPORT_TYPE = "203";
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
    reportTypeId: partial.reportTypeId ?? DEFAULT_REPORT_TYPE_ID,
    pageUrl: partial.pageUrl ?? DEFAULT_PAGE_URL,
    api: {
      tokenUrl: DEFAULT_TOKEN_URL,
      clientId: DEFAULT_CLIENT_ID,
      scope: DEFAULT_SCOPE,
      productId: DEFAULT_PRODUCT_ID,
      apiBaseUrl: DEFAULT_API_BASE_URL,
      ...partial.api,
    },
    ews: {
      reportType: DEFAULT_EWS_REPORT_TYPE,
      signatureAlgorithm: DEFAULT_EWS_SIGNATURE_ALGORITHM,
      digestAlgorithm: DEFAULT_EWS_DIGEST_ALGORITHM,
      ...partial.ews,
    },
    timeouts: { ...DEFAULT_TIMEOUTS, ...partial.timeouts },
    retry: partial.retry,
  };
}

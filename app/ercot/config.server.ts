import { getEnv, type Env } from "~/env/env.server";
import { withErcotDefaults, type ErcotSourcesConfig } from "./config";

/** The one place the validated environment becomes the sources' config. */
export function ercotSourcesConfig(env: Env = getEnv()): ErcotSourcesConfig {
  const { ercot } = env;
  return withErcotDefaults({
    reportTypeId: ercot.reportTypeId,
    pageUrl: ercot.pageUrl,
    api: {
      subscriptionKey: ercot.api.subscriptionKey,
      username: ercot.api.username,
      password: ercot.api.password,
      tokenUrl: ercot.api.tokenUrl,
      clientId: ercot.api.clientId,
      scope: ercot.api.scope,
      productId: ercot.api.productId,
      apiBaseUrl: ercot.api.apiBaseUrl,
    },
    ews: {
      baseUrl: ercot.ews.baseUrl,
      reportType: ercot.ews.reportType,
      pfxBase64: ercot.ews.pfxBase64,
      pfxPassphrase: ercot.ews.pfxPassphrase,
      certPem: ercot.ews.certPem,
      keyPem: ercot.ews.keyPem,
      caPem: ercot.ews.caPem,
      userId: ercot.ews.userId,
    },
  });
}

export interface RunLeaseSettings {
  /** How long a running row stays valid without a heartbeat. */
  leaseMs: number;
  /** How often the lease is renewed and progress written. */
  tickMs: number;
}

export function runLeaseSettings(): RunLeaseSettings {
  const leaseMs = getEnv().ercot.runLeaseSeconds * 1000;
  // At least four renewals per lease, and progress at most every half second.
  return { leaseMs, tickMs: Math.min(500, Math.floor(leaseMs / 4)) };
}

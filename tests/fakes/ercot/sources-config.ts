import type { ErcotSourcesConfig } from "../../../app/ercot/config";
import { ercotSourcesConfig } from "../../../app/ercot/config.server";
import { parseEnv } from "../../../app/env/env.server";
import type { FakeErcot } from "./server";

export interface SourcesConfigOverrides {
  reportTypeId?: string;
  pageUrl?: string;
  api?: Partial<ErcotSourcesConfig["api"]>;
  ews?: Partial<ErcotSourcesConfig["ews"]>;
  timeouts?: ErcotSourcesConfig["timeouts"];
  retry?: ErcotSourcesConfig["retry"];
}

/**
 * Source config pointing every channel at the fake, mapped by the env module from the variables the fake
 * prints (the same path production takes), with short timeouts and quick retries for tests.
 */
export function sourcesConfigFor(fake: FakeErcot, overrides: SourcesConfigOverrides = {}): ErcotSourcesConfig {
  const base = ercotSourcesConfig(parseEnv({ ADMIN_TOKEN: "fake-ercot-test-admin-token", ...fake.env() }));
  return {
    ...base,
    reportTypeId: overrides.reportTypeId ?? base.reportTypeId,
    pageUrl: overrides.pageUrl ?? base.pageUrl,
    // Tests that exercise pacing set their own; the others should not wait two seconds a request.
    api: { ...base.api, pacing: { requests: 1000, windowMs: 1000 }, ...overrides.api },
    ews: { ...base.ews, ...overrides.ews },
    timeouts: { connectMs: 2_000, headersMs: 2_000, idleMs: 1_000, ...overrides.timeouts },
    retry: overrides.retry ?? { attempts: 3, minDelayMs: 20, maxDelayMs: 100 },
  };
}

/** A fixed "today" for tests that assert dates; the fake's own default is the real today. */
export const FAKE_TODAY = "2026-06-03";
/** FAKE_TODAY's evening, so query windows (EWS, API) cover the default publication. */
export const FAKE_NOW = new Date("2026-06-04T01:00:00Z");

import { withErcotDefaults, type ErcotSourcesConfig } from "../../../app/ercot/config";
import type { FakeErcot } from "./server";

type Overrides = Parameters<typeof withErcotDefaults>[0];

/** Source config pointing every channel at the fake, with short timeouts and quick retries for tests. */
export function sourcesConfigFor(fake: FakeErcot, overrides: Overrides = {}): ErcotSourcesConfig {
  return withErcotDefaults({
    ...overrides,
    pageUrl: overrides.pageUrl ?? fake.pageUrl,
    api: {
      subscriptionKey: fake.credentials.subscriptionKey,
      username: fake.credentials.username,
      password: fake.credentials.password,
      tokenUrl: fake.tokenUrl,
      apiBaseUrl: fake.apiBaseUrl,
      ...overrides.api,
    },
    ews: {
      baseUrl: fake.ewsUrl,
      pfxBase64: fake.tls.clientPfxBase64,
      pfxPassphrase: fake.tls.clientPfxPassphrase,
      caPem: fake.tls.caPem,
      ...overrides.ews,
    },
    timeouts: { connectMs: 2_000, headersMs: 2_000, idleMs: 1_000, ...overrides.timeouts },
    retry: overrides.retry ?? { attempts: 3, minDelayMs: 20, maxDelayMs: 100 },
  });
}

/** The fake's "today" evening, so query windows (EWS, API) cover the default publication. */
export const FAKE_NOW = new Date("2026-06-04T01:00:00Z");

import type { ErcotSourcesConfig } from "~/ercot/config";
import { runIngest, type IngestOptions, type IngestOutcome } from "~/ercot/ingest.server";
import type { FakeErcot } from "../../fakes/ercot/server";
import { FAKE_NOW, sourcesConfigFor } from "../../fakes/ercot/sources-config";

/** What every test run against the fake shares: the fake's "now", warnings ignored, a short lease. */
export const TEST_RUN_SETTINGS = {
  sourceDependencies: { now: () => FAKE_NOW, onWarning: () => undefined },
  lease: { leaseMs: 10_000, tickMs: 100 },
} satisfies Partial<IngestOptions>;

/** The fake's MIS list and product page only: EWS and the public API switched off. */
export const scrapeOnlyConfigFor = (fake: FakeErcot): ErcotSourcesConfig =>
  sourcesConfigFor(fake, { ews: { baseUrl: undefined }, api: { subscriptionKey: undefined } });

/** Runs an ingest to its end with the test settings; a run already going is a test failure. */
export async function completedRun(options: IngestOptions): Promise<IngestOutcome> {
  const outcome = await runIngest({ ...TEST_RUN_SETTINGS, ...options });
  if ("running" in outcome) throw new Error(`run ${outcome.runId} was already going`);
  return outcome;
}

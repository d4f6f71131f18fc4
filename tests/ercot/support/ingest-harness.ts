import { mkdtempSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll, beforeEach } from "vitest";
import { db } from "~/db/prisma.server";
import type { ErcotSourcesConfig } from "~/ercot/config";
import type { IngestOptions, IngestOutcome } from "~/ercot/ingest.server";
import { LocalStorage } from "~/storage/local.server";
import { startFakeErcot, type FakeErcot } from "../../fakes/ercot/server";
import { FAKE_TODAY } from "../../fakes/ercot/sources-config";
import { completedRun, scrapeOnlyConfigFor } from "./test-run";

/**
 * One fake ERCOT per test file, and before each test an empty ErcotIngest/IngestRun and a fresh local store.
 * The getters read the current test's fake and store.
 */
export function useErcotIngestHarness(storePrefix: string) {
  let fake: FakeErcot;
  let store: LocalStorage;
  let root: string;
  beforeAll(async () => {
    fake = await startFakeErcot({ today: FAKE_TODAY });
  });
  afterAll(() => fake.stop());
  beforeEach(async () => {
    fake.reset();
    await db().ercotIngest.deleteMany();
    await db().ingestRun.deleteMany();
    root = mkdtempSync(path.join(os.tmpdir(), storePrefix));
    store = new LocalStorage(root);
  });

  return {
    get fake() {
      return fake;
    },
    get store() {
      return store;
    },
    get root() {
      return root;
    },
    scrapeOnly: () => scrapeOnlyConfigFor(fake),
    /** A manual run at the fake's "now" into the local store; a run already going is a test failure. */
    ingest(config: ErcotSourcesConfig, options: Partial<IngestOptions> = {}): Promise<IngestOutcome> {
      return completedRun({ trigger: "manual", config, storage: store, ...options });
    },
  };
}

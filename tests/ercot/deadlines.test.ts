import { beforeEach, describe, expect, it } from "vitest";
import { db } from "~/db/prisma.server";
import { beginIngest, type IngestOptions } from "~/ercot/ingest.server";
import { storageKeyFor } from "~/ercot/selection.server";
import { type LocalStorage } from "~/storage/local.server";
import { centralInstant } from "../fakes/ercot/publication";
import type { FakeErcot } from "../fakes/ercot/server";
import { useErcotIngestHarness } from "./support/ingest-harness";

/** Issue 9 item 3: a hung ERCOT run ends `failed` with its reason, and a ping finds an overdue run. */
const harness = useErcotIngestHarness("ercot-deadline-");
let fake: FakeErcot;
let store: LocalStorage;
beforeEach(() => ({ fake, store } = harness));

const ingest = (options: Partial<IngestOptions>) => harness.ingest(harness.scrapeOnly(), options);

function publishSlowDrip() {
  fake.clearDocuments();
  const document = fake.publish({
    tdsp: "ONCOR_ELEC",
    publishedAt: centralInstant("2026-06-03", 5, 52, 19, 164),
    csvBytes: 40_000,
  });
  // 16 bytes a second never trips the idle timeout.
  fake.setScenario({ slowBody: { chunkBytes: 16, intervalMs: 1_000 } });
  return document;
}

describe("ERCOT run deadlines", () => {
  it(
    "ends a slow-drip file at its size-derived deadline, and the next run stores it",
    { timeout: 60_000 },
    async () => {
      const document = publishSlowDrip();
      const slow = await ingest({ deadlines: { minBytesPerSecond: 64 * 1024, fileAllowanceMs: 2_000 } });
      expect(slow.status).toBe("failed");
      expect(slow.error).toMatch(/files could not be stored/);
      const file = await db().ercotIngest.findUniqueOrThrow({ where: { docId: document.docId } });
      expect(file.status).toBe("failed");
      expect(file.error).toMatch(/deadline/);
      const run = await db().ingestRun.findUniqueOrThrow({ where: { id: slow.runId } });
      expect(run.status).toBe("failed");
      expect(await store.head(storageKeyFor(document))).toBeNull();

      fake.setScenario("normal");
      const next = await ingest({});
      expect(next.status).toBe("succeeded");
    },
  );

  it("ends a run past its run deadline as failed with the reason", { timeout: 60_000 }, async () => {
    publishSlowDrip();
    const slow = await ingest({ deadlines: { runMs: 1_500 } });
    expect(slow.status).toBe("failed");
    expect(slow.error).toMatch(/run deadline/);
    const run = await db().ingestRun.findUniqueOrThrow({ where: { id: slow.runId } });
    expect(run.status).toBe("failed");
    expect(run.error).toMatch(/run deadline/);
  });

  it("reports a run going for longer than its deadline as overdue to a ping", async () => {
    const started = new Date(Date.now() - 3 * 3600_000);
    const hung = await db().ingestRun.create({
      data: {
        trigger: "cron",
        status: "running",
        startedAt: started,
        leaseExpiresAt: new Date(Date.now() + 60_000),
      },
    });
    const start = await beginIngest({ trigger: "cron", config: harness.scrapeOnly(), deadlines: { runMs: 60_000 } });
    expect(start).toMatchObject({ running: true, runId: hung.id });
    expect(start.running && start.overdue).toMatch(/longer than/);
  });
});

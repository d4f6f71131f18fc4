import { spawn } from "node:child_process";
import { once } from "node:events";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { db } from "~/db/prisma.server";
import { runIngest } from "~/ercot/ingest.server";
import { runProgressSchema } from "~/ercot/run-record";
import { startFakeErcot, type FakeErcot } from "../fakes/ercot/server";

const LEASE_SECONDS = 2;
let fake: FakeErcot;

beforeAll(async () => {
  fake = await startFakeErcot();
  process.env.ERCOT_PAGE_URL = fake.pageUrl;
  process.env.ERCOT_RUN_LEASE_SECONDS = String(LEASE_SECONDS);
});
afterAll(() => fake.stop());

describe("a run killed halfway", () => {
  it("blocks nothing past its lease: the next run marks it abandoned and completes", async () => {
    fake.setScenario({ slowBody: { chunkBytes: 1024, intervalMs: 100 } });
    // One process (tsx as a loader, not its CLI, which would run the script in a grandchild the kill misses).
    const child = spawn(process.execPath, ["--import", "tsx", "tests/ercot/ingest-child.ts"], {
      env: process.env,
      stdio: ["ignore", "pipe", "pipe"],
    });
    let output = "";
    child.stdout.on("data", (chunk) => (output += chunk));
    child.stderr.on("data", (chunk) => (output += chunk));

    // Wait until the child is streaming a file, then kill it without a chance to clean up.
    const killed = await vi.waitFor(
      async () => {
        if (child.exitCode !== null) throw new Error(`the child run ended early:\n${output}`);
        const run = await db().ingestRun.findFirstOrThrow({ where: { status: "running" } });
        expect(runProgressSchema.parse(run.progress).currentBytes).toBeGreaterThan(0);
        return run;
      },
      { timeout: 20_000, interval: 50 },
    );
    child.kill("SIGKILL");
    await once(child, "exit");

    // Its lease is still live: a run now must not start a second one.
    const early = await runIngest({ trigger: "cron" });
    expect(early).toEqual({ running: true, runId: killed.id });

    // Nothing renews the dead run's lease: wait until the database sees it expired.
    await vi.waitFor(
      async () => {
        const [{ expired }] = await db().$queryRaw<{ expired: boolean }[]>`
          SELECT "leaseExpiresAt" <= (now() AT TIME ZONE 'UTC') AS expired FROM "IngestRun" WHERE id = ${killed.id}`;
        expect(expired).toBe(true);
      },
      { timeout: LEASE_SECONDS * 1000 * 5, interval: 100 },
    );
    fake.setScenario("normal");
    const next = await runIngest({ trigger: "cron" });
    if ("running" in next) throw new Error("the next run did not start");
    expect(next.status).toBe("succeeded");
    expect(next.summary.stored).toBe(fake.documents.length);

    const stale = await db().ingestRun.findUniqueOrThrow({ where: { id: killed.id } });
    expect(stale.status).toBe("abandoned");
    expect(stale.finishedAt).not.toBeNull();
    expect(stale.error).toMatch(/lease expired; run \d+ marked it abandoned/);
    expect(await db().ingestRun.count({ where: { status: "running" } })).toBe(0);
    // The file the killed run was writing left neither an object row nor a half-written file.
    expect(await db().ercotIngest.count({ where: { runId: killed.id, status: "stored" } })).toBe(0);
  }, 60_000);
});

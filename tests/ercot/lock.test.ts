import pg from "pg";
import { beforeEach, describe, expect, it } from "vitest";
import { db } from "~/db/prisma.server";
import { connectionConfig, databaseTargetFromEnv } from "~/db/connection.server";
import { acquireRunLease } from "~/ercot/lock.server";
import { activeRun, listRuns } from "~/ercot/runs.server";

const settings = { leaseMs: 5_000, tickMs: 100 };
const emptySummary = {};

beforeEach(async () => {
  await db().ingestRun.deleteMany();
});

describe("one ERCOT run at a time", () => {
  it("answers a second taker with the running run's id, and frees the lock when the run ends", async () => {
    const first = await acquireRunLease("manual", settings);
    if (!first.acquired) throw new Error("the first taker did not get the lock");
    expect(await acquireRunLease("cron", settings)).toEqual({ acquired: false, runId: first.lease.runId });
    expect((await activeRun())?.id).toBe(first.lease.runId);
    await first.lease.finish("succeeded", emptySummary);
    const next = await acquireRunLease("cron", settings);
    expect(next.acquired).toBe(true);
    if (next.acquired) await next.lease.finish("succeeded", emptySummary);
  });

  it("renews the lease and writes progress while the run goes on", async () => {
    const taken = await acquireRunLease("manual", { leaseMs: 400, tickMs: 100 });
    if (!taken.acquired) throw new Error("not acquired");
    taken.lease.reportProgress({
      filesDone: 1,
      filesTotal: 3,
      bytes: 42,
      currentFile: "x.zip",
      currentBytes: 2,
      currentSize: 10,
    });
    await new Promise((resolve) => setTimeout(resolve, 1_000));
    const row = await db().ingestRun.findUniqueOrThrow({ where: { id: taken.lease.runId } });
    expect(row.status).toBe("running");
    expect(row.progress).toMatchObject({ filesDone: 1, filesTotal: 3, bytes: 42, currentFile: "x.zip" });
    await taken.lease.finish("succeeded", emptySummary);
  });

  it("marks a running row abandoned on read once its lease has passed", async () => {
    const stale = await db().ingestRun.create({
      data: { trigger: "cron", leaseExpiresAt: new Date(Date.now() - 60_000) },
    });
    const [run] = await listRuns();
    expect(run).toMatchObject({ id: stale.id, status: "abandoned", error: expect.stringContaining("lease expired") });
  });

  it("ends a wedged holder whose lease expired, so a half-open connection never blocks forever", async () => {
    const wedged = new pg.Client(connectionConfig(databaseTargetFromEnv()));
    wedged.on("error", () => undefined);
    await wedged.connect();
    const { rows } = await wedged.query<{ pid: number }>(
      `SELECT pg_backend_pid() AS pid, pg_advisory_lock(x'4543524f54494e47'::bigint)`,
    );
    const stale = await db().ingestRun.create({
      data: {
        trigger: "schedule",
        leaseExpiresAt: new Date(Date.now() - 60_000),
        progress: { lockBackendPid: rows[0].pid },
      },
    });
    const taken = await acquireRunLease("cron", settings);
    expect(taken.acquired).toBe(true);
    if (taken.acquired) await taken.lease.finish("succeeded", emptySummary);
    expect(await db().ingestRun.findUniqueOrThrow({ where: { id: stale.id } })).toMatchObject({ status: "abandoned" });
    await wedged.end().catch(() => undefined);
  });
});

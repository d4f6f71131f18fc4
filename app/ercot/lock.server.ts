import pg from "pg";
import { connectionConfig } from "~/db/connection.server";
import { appDatabase } from "~/db/target.server";
import type { RunLeaseSettings } from "./config.server";
import type { RunProgress, RunSummary } from "./run-record";

/**
 * One ERCOT run at a time, across processes and instances, in two layers:
 * - a PostgreSQL advisory lock held on a dedicated connection for the whole run: PostgreSQL drops it the
 *   moment that connection dies, so a crashed process never blocks the next run;
 * - the IngestRun row's lease (leaseExpiresAt, renewed by a heartbeat on the same connection): it marks
 *   the row of a dead process `abandoned`, and it stops a second run while a process that lost its lock
 *   connection may still be winding down.
 */

/** "ERCOTING" as a number; advisory locks are per database, so tests in separate databases never meet. */
const INGEST_LOCK_KEY = "4543524f54494e47";
/** A lock holder that started but has not written its row yet gets this long to do so. */
const ROW_WAIT_MS = 5_000;
const LOCK_QUERY_TIMEOUT_MS = 30_000;

const UTC_NOW = `(now() AT TIME ZONE 'UTC')`;

export type RunTrigger = "cron" | "manual" | "schedule";
export type FinishedStatus = "succeeded" | "warning" | "partial" | "failed";

export type { RunProgress } from "./run-record";

export interface RunLease {
  runId: number;
  /** Aborts when the lock connection is lost or the row was taken away: the run must stop. */
  signal: AbortSignal;
  reportProgress(progress: RunProgress): void;
  finish(status: FinishedStatus, summary: RunSummary, error?: string | null): Promise<void>;
}

export type LeaseResult = { acquired: true; lease: RunLease } | { acquired: false; runId: number | null };

function lockClient(): pg.Client {
  // Every lock query is short: a database that stops answering ends the run instead of hanging it.
  return new pg.Client(
    connectionConfig(appDatabase(), {
      applicationName: "ercot-ingest-lock",
      statementTimeoutMs: LOCK_QUERY_TIMEOUT_MS,
    }),
  );
}

async function liveRunningRow(client: pg.Client): Promise<{ id: number } | null> {
  const { rows } = await client.query<{ id: number }>(
    `SELECT id FROM "IngestRun" WHERE status = 'running' AND "leaseExpiresAt" > ${UTC_NOW} ORDER BY id DESC LIMIT 1`,
  );
  return rows[0] ?? null;
}

export const ABANDONED_RUN_ERROR =
  "The run stopped without finishing (its process ended or lost the database) and its lease expired.";

/** Rows whose lease ran out belong to dead processes; a new run closes them (a live run renews its lease). */
async function abandonExpired(query: (text: string, values?: unknown[]) => Promise<unknown>, byRunId: number) {
  await query(
    `UPDATE "IngestRun" SET status = 'abandoned', "finishedAt" = ${UTC_NOW},
       error = $1
     WHERE status = 'running' AND "leaseExpiresAt" <= ${UTC_NOW}`,
    [
      `${ABANDONED_RUN_ERROR.replace(/\.$/, "")}; run ${byRunId} marked it abandoned. Files it had not stored will be fetched by the next run.`,
    ],
  );
}

/**
 * The lock is held elsewhere. If that holder's row has a live lease, it is the active run. If its lease
 * expired, the holder is wedged (e.g. a half-open connection): end its backend so the lock frees.
 */
async function whoHoldsTheLock(client: pg.Client): Promise<{ runId: number } | { terminated: true } | null> {
  const deadline = Date.now() + ROW_WAIT_MS;
  for (;;) {
    const live = await liveRunningRow(client);
    if (live) return { runId: live.id };
    const { rows } = await client.query<{ id: number; holder: number | null }>(
      `SELECT id, (progress->>'lockBackendPid')::int AS holder FROM "IngestRun"
        WHERE status = 'running' AND "leaseExpiresAt" <= ${UTC_NOW} ORDER BY id DESC LIMIT 1`,
    );
    const stale = rows[0];
    if (stale?.holder) {
      await client.query(
        `SELECT pg_terminate_backend(pid) FROM pg_locks
          WHERE locktype = 'advisory' AND granted AND pid = $1 AND objsubid = 1
            AND classid = (x'${INGEST_LOCK_KEY}'::bigint >> 32)::oid AND objid = (x'${INGEST_LOCK_KEY}'::bigint & 4294967295)::oid
            AND database = (SELECT oid FROM pg_database WHERE datname = current_database())`,
        [stale.holder],
      );
      return { terminated: true };
    }
    if (Date.now() > deadline) return null;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

async function tryLock(client: pg.Client): Promise<boolean> {
  const { rows } = await client.query<{ locked: boolean }>(
    `SELECT pg_try_advisory_lock(x'${INGEST_LOCK_KEY}'::bigint) AS locked`,
  );
  return rows[0].locked;
}

/** Takes the run lock and opens the IngestRun row, or says which run is already going. */
export async function acquireRunLease(trigger: RunTrigger, settings: RunLeaseSettings): Promise<LeaseResult> {
  const client = lockClient();
  // A dropped connection must not crash the process; the run is aborted instead (below).
  client.on("error", () => undefined);
  await client.connect();
  try {
    let locked = await tryLock(client);
    if (!locked) {
      const holder = await whoHoldsTheLock(client);
      if (holder && "terminated" in holder) {
        await new Promise((resolve) => setTimeout(resolve, 100));
        locked = await tryLock(client);
      }
      if (!locked) {
        await client.end();
        return { acquired: false, runId: holder && "runId" in holder ? holder.runId : null };
      }
    }
    const live = await liveRunningRow(client);
    if (live) {
      // The lock is free but a lease is live: that process lost its lock connection and is stopping.
      await client.end();
      return { acquired: false, runId: live.id };
    }
    const { rows: created } = await client.query<{ id: number; pid: number }>(
      `INSERT INTO "IngestRun" (trigger, status, "startedAt", "leaseExpiresAt", progress)
       VALUES ($1, 'running', ${UTC_NOW}, ${UTC_NOW} + $2 * interval '1 millisecond',
               jsonb_build_object('lockBackendPid', pg_backend_pid()))
       RETURNING id, pg_backend_pid() AS pid`,
      [trigger, settings.leaseMs],
    );
    const { id: runId, pid } = created[0];
    await abandonExpired((text, values) => client.query(text, values), runId);
    return { acquired: true, lease: holdLease(client, runId, pid, settings) };
  } catch (error) {
    await client.end().catch(() => undefined);
    throw error;
  }
}

function holdLease(client: pg.Client, runId: number, lockBackendPid: number, settings: RunLeaseSettings): RunLease {
  const controller = new AbortController();
  let progress: RunProgress | null = null;
  let writing: Promise<void> = Promise.resolve();
  let finished = false;

  const lose = (reason: string) => {
    if (!controller.signal.aborted) controller.abort(new Error(reason));
  };
  client.on("error", () =>
    lose("The run lost its database connection, so it stopped; the next run will pick up the rest."),
  );
  client.on("end", () => {
    if (!finished) lose("The run lost its database connection, so it stopped; the next run will pick up the rest.");
  });

  const renew = () => {
    writing = writing.then(async () => {
      if (finished) return;
      try {
        const result = await client.query(
          `UPDATE "IngestRun" SET "leaseExpiresAt" = ${UTC_NOW} + $2 * interval '1 millisecond', progress = $3
            WHERE id = $1 AND status = 'running'`,
          [runId, settings.leaseMs, JSON.stringify({ ...progress, lockBackendPid })],
        );
        if (result.rowCount === 0) lose("The run's lease was taken over (it was marked abandoned), so it stopped.");
      } catch {
        lose("The run could not renew its lease in the database, so it stopped; the next run will pick up the rest.");
      }
    });
  };
  const timer = setInterval(renew, settings.tickMs);
  timer.unref();

  return {
    runId,
    signal: controller.signal,
    reportProgress(next) {
      progress = next;
    },
    async finish(status, summary, error = null) {
      clearInterval(timer);
      await writing;
      finished = true;
      try {
        await client.query(
          `UPDATE "IngestRun" SET status = $2, "finishedAt" = ${UTC_NOW}, summary = $3, progress = $4, error = $5
            WHERE id = $1 AND status = 'running'`,
          [runId, status, JSON.stringify(summary), JSON.stringify(progress), error],
        );
        await client.query(`SELECT pg_advisory_unlock(x'${INGEST_LOCK_KEY}'::bigint)`);
      } finally {
        await client.end().catch(() => undefined);
      }
    },
  };
}

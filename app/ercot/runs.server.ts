import { Cron } from "croner";
import { db } from "~/db/prisma.server";
import { ERCOT_JOBS } from "./jobs";
import { ABANDONED_RUN_ERROR } from "./lock.server";
import { parseColumn, runProgressSchema, runSummarySchema, type RunView } from "./run-record";
import { formatCentralWithUtc } from "~/format/time";

/**
 * Run history for the portal: what ran, when, how, and whether the schedule is being kept. Reads only:
 * a row whose lease has passed is shown as abandoned here, and written so by the next run's start.
 */

type RunRow = Awaited<ReturnType<typeof fetchRuns>>[number];

function fetchRuns(limit: number) {
  return db().ingestRun.findMany({ orderBy: { id: "desc" }, take: limit });
}

function toView(run: RunRow, now = new Date()): RunView {
  const summary = parseColumn(runSummarySchema, run.summary);
  const progress = parseColumn(runProgressSchema, run.progress);
  const expired = run.status === "running" && run.leaseExpiresAt <= now;
  return {
    id: run.id,
    trigger: run.trigger,
    status: expired ? "abandoned" : run.status,
    startedAt: run.startedAt.toISOString(),
    finishedAt: expired ? run.leaseExpiresAt.toISOString() : (run.finishedAt?.toISOString() ?? null),
    durationMs: run.finishedAt ? run.finishedAt.getTime() - run.startedAt.getTime() : null,
    files: summary?.stored ?? progress?.filesDone ?? 0,
    bytes: summary?.bytes ?? progress?.bytes ?? 0,
    source: summary?.source ?? null,
    error: expired ? ABANDONED_RUN_ERROR : run.error,
    progress,
    summary,
  };
}

export async function listRuns(limit = 50): Promise<RunView[]> {
  return (await fetchRuns(limit)).map((run) => toView(run));
}

/** The run holding the lease right now, if any. */
export async function activeRun(): Promise<RunView | null> {
  const run = await db().ingestRun.findFirst({
    where: { status: "running", leaseExpiresAt: { gt: new Date() } },
    orderBy: { id: "desc" },
  });
  return run ? toView(run) : null;
}

export async function getRun(runId: number) {
  const run = await db().ingestRun.findUnique({ where: { id: runId } });
  if (!run) return null;
  const files = await db().ercotIngest.findMany({
    where: { runId },
    orderBy: [{ tdsp: "asc" }, { publishedAt: "desc" }],
  });
  return {
    run: toView(run),
    files: files.map((file) => ({
      id: file.id,
      filename: file.filename,
      storageKey: file.storageKey,
      sizeBytes: file.sizeBytes === null ? null : Number(file.sizeBytes),
      status: file.status,
      sha256: file.sha256,
      tdsp: file.tdsp,
      docId: file.docId,
      publishedAt: file.publishedAt.toISOString(),
      source: file.source,
      sourceUrl: file.sourceUrl,
      error: file.error,
      warning: file.warning,
    })),
  };
}

export function getStoredFile(fileId: number) {
  return db().ercotIngest.findFirst({ where: { id: fileId, status: "stored" } });
}

export type ScheduleState = "up" | "late" | "down";

export interface ScheduleStatus {
  state: ScheduleState;
  /** A sentence for the operator. */
  message: string;
  lastSuccessAt: string | null;
  /** The latest scheduled time that has passed. */
  lastDueAt: string;
  nextDueAt: string | null;
}

/** How long after a scheduled time a run may take before the run counts as missed. */
export const LATE_GRACE_MS = 2 * 3600_000;

/**
 * Measured against the primary daily job. Up: a run succeeded after the last scheduled time that is owed
 * (one more than LATE_GRACE_MS ago). Late: the last owed time was missed but the one before was met.
 * Down: two owed times in a row were missed, or nothing ever succeeded.
 */
export function scheduleStatusAt(
  now: Date,
  lastSuccessAt: Date | null,
  pattern = ERCOT_JOBS[0].pattern,
): ScheduleStatus {
  const job = new Cron(pattern, { timezone: "UTC", paused: true });
  const recent = job.previousRuns(3, now);
  const nextDue = job.nextRun(now);
  job.stop();
  // A scheduled time still inside its grace period is not yet owed.
  const owed = now.getTime() - recent[0].getTime() < LATE_GRACE_MS ? recent.slice(1) : recent.slice(0, 2);
  const missed = owed.findIndex((due) => lastSuccessAt !== null && lastSuccessAt >= due);
  const state: ScheduleState = missed === 0 ? "up" : missed === 1 ? "late" : "down";
  const at = (instant: Date) => formatCentralWithUtc(instant, { precision: "minute" });
  const since = `The last successful run finished at ${at(lastSuccessAt ?? now)}.`;
  const message = !lastSuccessAt
    ? "No run has succeeded yet. Press Run now, or check the scheduler (cron/README.md) and CRON_SECRET."
    : state === "up"
      ? `${since} The schedule is being kept.`
      : state === "late"
        ? `${since} The run due at ${at(owed[0])} has not succeeded; check the latest run's errors or press Run now.`
        : `${since} Two or more scheduled runs have not succeeded; check the scheduler (cron/README.md), CRON_SECRET and ERCOT's status.`;
  return {
    state,
    message,
    lastSuccessAt: lastSuccessAt?.toISOString() ?? null,
    lastDueAt: recent[0].toISOString(),
    nextDueAt: nextDue?.toISOString() ?? null,
  };
}

export async function scheduleStatus(now = new Date()): Promise<ScheduleStatus> {
  const lastSuccess = await db().ingestRun.findFirst({
    where: { status: "succeeded" },
    orderBy: { finishedAt: "desc" },
    select: { finishedAt: true },
  });
  return scheduleStatusAt(now, lastSuccess?.finishedAt ?? null);
}

export async function lastRun(): Promise<RunView | null> {
  const [run] = await listRuns(1);
  return run ?? null;
}

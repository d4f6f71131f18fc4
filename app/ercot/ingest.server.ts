import { db } from "~/db/prisma.server";
import { errorMessage, logger } from "~/log/logger.server";
import { storage as defaultStorage, type Storage } from "~/storage/index.server";
import { sweepAbandonedUploads } from "~/storage/sweep.server";
import type { ErcotSourcesConfig } from "./config";
import {
  ercotSourcesConfig,
  runDeadlines,
  runLeaseSettings,
  type RunDeadlines,
  type RunLeaseSettings,
} from "./config.server";
import { startDeadline } from "./deadline.server";
import { acquireRunLease, type FinishedStatus, type RunLease, type RunTrigger } from "./lock.server";
import type { RunProgress, RunSummary } from "./run-record";
import { overdueDailyWarning, planFetch, storedDocIds } from "./selection.server";
import {
  AllSourcesFailedError,
  createErcotSources,
  listWithFallback,
  type SourceDependencies,
} from "./sources/index.server";
import type { ErcotSource } from "./types";
import { ingestFile, messageOf } from "./ingest-file.server";

export type { FileResult, RunSummary } from "./run-record";

export interface IngestOutcome {
  runId: number;
  status: FinishedStatus;
  summary: RunSummary;
  error: string | null;
}

export interface IngestOptions {
  trigger: RunTrigger;
  /** Defaults to the environment's config. */
  config?: ErcotSourcesConfig;
  sourceDependencies?: SourceDependencies;
  /** Defaults to createErcotSources(config). */
  sources?: ErcotSource[];
  storage?: Storage;
  lease?: RunLeaseSettings;
  /**
   * Called after each file is stored, before the next download (the job wires ESIID processing here, so ERCOT
   * never imports it). Its failure is logged and never fails the run.
   */
  afterFileStored?: (docId: string) => Promise<void>;
  /** Only these TDSP codes (`?tdsp=ONCOR_ELEC,CENTERPOINT`); all when absent. */
  tdsps?: readonly string[] | null;
  /** Files one run fetches at most; the rest is left for the next run and counted. */
  maxFiles?: number;
  /** Defaults to the environment's ERCOT deadlines. */
  deadlines?: Partial<RunDeadlines>;
}

/** Enough for a month-start back-fill of the DAILYs and FULs of every TDSP over a few runs. */
export const DEFAULT_MAX_FILES_PER_RUN = 60;

export type IngestStart =
  | { running: true; runId: number | null; overdue?: string }
  | { running: false; runId: number; done: Promise<IngestOutcome> };

/**
 * Takes the lock and starts a run in the background, answering as soon as the run has its id (the Run now
 * button), or says which run is already going. `done` never rejects: failures end up in the outcome.
 */
export async function beginIngest(options: IngestOptions): Promise<IngestStart> {
  if (ownRun) {
    const overdue = overdueMessage(ownRun.runId, ownRun.startedAt, runDeadlines(options.deadlines).runMs);
    return { running: true, runId: ownRun.runId, ...(overdue ? { overdue } : {}) };
  }
  if (acquiring) {
    const start = await acquiring;
    return start.running ? start : { running: true, runId: start.runId };
  }
  acquiring = acquireAndStart(options);
  try {
    return await acquiring;
  } finally {
    acquiring = null;
  }
}

/**
 * The run this process is doing, and a lease being taken: pings during a run (a managed cron may send hundreds)
 * are answered from memory instead of each opening a database connection for the lock.
 */
let ownRun: { runId: number; startedAt: Date } | null = null;
let acquiring: Promise<IngestStart> | null = null;

async function acquireAndStart(options: IngestOptions): Promise<IngestStart> {
  const leaseResult = await acquireRunLease(options.trigger, options.lease ?? runLeaseSettings());
  if (!leaseResult.acquired) {
    const overdue = await overdueRunMessage(leaseResult.runId, runDeadlines(options.deadlines).runMs);
    return { running: true, runId: leaseResult.runId, ...(overdue ? { overdue } : {}) };
  }
  const { lease } = leaseResult;
  const run = { runId: lease.runId, startedAt: new Date() };
  ownRun = run;
  const done = runWithLease(lease, options).finally(() => {
    if (ownRun === run) ownRun = null;
  });
  return { running: false, runId: lease.runId, done };
}

/** A whole run, awaited (cron pings, the schedule, tests). */
export async function runIngest(
  options: IngestOptions,
): Promise<IngestOutcome | { running: true; runId: number | null; overdue?: string }> {
  const start = await beginIngest(options);
  return start.running ? start : start.done;
}

/** A run still going past its deadline (plus a lease of slack to record its end) is hung: say so. */
async function overdueRunMessage(runId: number | null, runMs: number): Promise<string | null> {
  if (runId === null) return null;
  const run = await db().ingestRun.findUnique({ where: { id: runId }, select: { startedAt: true } });
  return run ? overdueMessage(runId, run.startedAt, runMs) : null;
}

function overdueMessage(runId: number, startedAt: Date, runMs: number): string | null {
  const elapsedMs = Date.now() - startedAt.getTime();
  if (elapsedMs <= runMs + runLeaseSettings().leaseMs) return null;
  return `Run ${runId} has been going for ${Math.floor(elapsedMs / 60_000)} minutes, longer than its ${Math.round(runMs / 60_000)}-minute run deadline; it may be hung. Check the portal's ERCOT page and the server logs.`;
}

function emptySummary(): RunSummary {
  return {
    source: null,
    attempts: [],
    listed: 0,
    selected: 0,
    stored: 0,
    skipped: 0,
    failed: 0,
    bytes: 0,
    tdsps: null,
    deferred: 0,
    dropped: 0,
    warnings: [],
    results: [],
  };
}

async function runWithLease(lease: RunLease, options: IngestOptions): Promise<IngestOutcome> {
  const summary = emptySummary();
  const config = options.config ?? ercotSourcesConfig();
  const sources = options.sources ?? createErcotSources(config, options.sourceDependencies);
  const store = options.storage ?? defaultStorage();
  const now = options.sourceDependencies?.now ?? (() => new Date());
  const progress: RunProgress = {
    filesDone: 0,
    filesTotal: 0,
    bytes: 0,
    currentFile: null,
    currentBytes: 0,
    currentSize: null,
  };
  let runError: string | null = null;
  const log = logger().child({ runId: lease.runId, trigger: options.trigger });
  log.info("ERCOT run started");
  await sweepAbandonedUploads(`ERCOT run ${lease.runId}`, store);
  const deadlines = runDeadlines(options.deadlines);
  const run = startDeadline(
    lease.signal,
    deadlines.runMs,
    `The run passed its run deadline (${Math.round(deadlines.runMs / 1000)} s) and was stopped; the next run will pick up the rest.`,
  );
  const signal = run.signal;
  try {
    const listing = await listWithFallback(sources, signal);
    summary.source = listing.source.name;
    summary.attempts = listing.attempts;
    summary.dropped = listing.dropped;
    summary.listed = listing.documents.length;
    const scope = options.tdsps ? new Set(options.tdsps) : null;
    summary.tdsps = options.tdsps ? [...options.tdsps] : null;
    const inScope = scope ? listing.documents.filter((document) => scope.has(document.tdsp)) : listing.documents;
    summary.selected = inScope.length;
    const plan = planFetch(inScope, await storedDocIds(inScope), options.maxFiles ?? DEFAULT_MAX_FILES_PER_RUN);
    for (const document of plan.stored)
      summary.results.push({ tdsp: document.tdsp, kind: document.kind, docId: document.docId, skipped: true });
    summary.deferred = plan.deferred.length;
    progress.filesTotal = plan.toFetch.length;
    lease.reportProgress({ ...progress });
    for (const document of plan.toFetch) {
      if (signal.aborted) throw signal.reason;
      const result = await ingestFile(document, {
        sources,
        store,
        lease,
        runSignal: signal,
        deadlines,
        progress,
        retry: config.retry,
      });
      if ("key" in result && !plan.newest.has(document.docId)) result.backfilled = true;
      if ("key" in result && result.warning) summary.warnings.push(result.warning);
      summary.results.push(result);
      if ("key" in result) summary.bytes += result.bytes;
      if (!("error" in result) && options.afterFileStored) {
        await options
          .afterFileStored(document.docId)
          .catch((error: unknown) =>
            logger().error(
              { runId: lease.runId, docId: document.docId, error: errorMessage(error) },
              "After-store hook failed",
            ),
          );
      }
      progress.filesDone += 1;
      progress.currentFile = null;
      lease.reportProgress({ ...progress });
    }
    if (plan.deferred.length > 0)
      summary.warnings.push(
        `${plan.deferred.length} files not stored yet were left for the next run (this run's cap is ${plan.toFetch.length}).`,
      );
    const overdue = overdueDailyWarning(inScope, now());
    if (overdue && plan.toFetch.length === 0) summary.warnings.push(overdue);
  } catch (error) {
    if (error instanceof AllSourcesFailedError) summary.attempts = error.attempts;
    runError = messageOf(error);
  } finally {
    run.dispose();
  }
  summary.stored = summary.results.filter((result) => "key" in result).length;
  summary.skipped = summary.results.filter((result) => "skipped" in result).length;
  summary.failed = summary.results.filter((result) => "error" in result).length;
  const status: FinishedStatus =
    runError === null && summary.failed === 0 && summary.warnings.length > 0
      ? "warning"
      : runError !== null
        ? summary.stored + summary.skipped > 0
          ? "partial"
          : "failed"
        : summary.failed === 0
          ? "succeeded"
          : summary.stored + summary.skipped > 0
            ? "partial"
            : "failed";
  if (runError === null && summary.failed > 0)
    runError = `${summary.failed} of ${summary.selected} files could not be stored; see the files below.`;
  try {
    await lease.finish(status, summary, runError);
  } catch (error) {
    log.error({ err: error }, "ERCOT run could not record its end");
  }
  log[status === "succeeded" ? "info" : "warn"](
    {
      status,
      source: summary.source,
      stored: summary.stored,
      skipped: summary.skipped,
      failed: summary.failed,
      bytes: summary.bytes,
      error: runError,
    },
    `ERCOT run ${status}`,
  );
  return { runId: lease.runId, status, summary, error: runError };
}

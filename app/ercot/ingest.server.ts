import { pipeline } from "node:stream";
import type { Prisma } from "@prisma/client";
import { db } from "~/db/prisma.server";
import { logger } from "~/log/logger.server";
import { storage as defaultStorage, type Storage } from "~/storage/index.server";
import type { ErcotSourcesConfig } from "./config";
import {
  ercotSourcesConfig,
  runDeadlines,
  runLeaseSettings,
  type RunDeadlines,
  type RunLeaseSettings,
} from "./config.server";
import { fileDeadlineMs, startDeadline } from "./deadline.server";
import { DEFAULT_RETRY } from "./config";
import { isRetryable } from "./http.server";
import { withRetry } from "~/retry.server";
import { acquireRunLease, type FinishedStatus, type RunLease, type RunTrigger } from "./lock.server";
import type { FileResult, RunProgress, RunSummary } from "./run-record";
import { findStoredBySha256, overdueDailyWarning, planFetch, storageKeyFor, storedDocIds } from "./selection.server";
import {
  AllSourcesFailedError,
  createErcotSources,
  downloadDocument,
  listWithFallback,
  type SourceDependencies,
} from "./sources/index.server";
import type { ErcotDocument, ErcotSource } from "./types";
import { createZipVerifier } from "./verify.server";

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
  const leaseResult = await acquireRunLease(options.trigger, options.lease ?? runLeaseSettings());
  if (!leaseResult.acquired) {
    const overdue = await overdueRunMessage(leaseResult.runId, runDeadlines(options.deadlines).runMs);
    return { running: true, runId: leaseResult.runId, ...(overdue ? { overdue } : {}) };
  }
  const { lease } = leaseResult;
  return { running: false, runId: lease.runId, done: runWithLease(lease, options) };
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
  if (!run) return null;
  const minutes = Math.floor((Date.now() - run.startedAt.getTime()) / 60_000);
  if (Date.now() - run.startedAt.getTime() <= runMs + runLeaseSettings().leaseMs) return null;
  return `Run ${runId} has been going for ${minutes} minutes, longer than its ${Math.round(runMs / 60_000)}-minute run deadline; it may be hung. Check the portal's ERCOT page and the server logs.`;
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

function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
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
      summary.results.push(result);
      if ("key" in result) summary.bytes += result.bytes;
      if (!("error" in result) && options.afterFileStored) {
        await options
          .afterFileStored(document.docId)
          .catch((error: unknown) =>
            console.error(`After storing DocID ${document.docId}: ${messageOf(error).split("\n")[0]}`),
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

interface FileContext {
  sources: ErcotSource[];
  store: Storage;
  lease: RunLease;
  /** The lease's signal bounded by the run deadline. */
  runSignal: AbortSignal;
  deadlines: RunDeadlines;
  progress: RunProgress;
  retry: ErcotSourcesConfig["retry"];
}

/**
 * Download → verify → storage.put (which hashes), retried as a whole on transient failures: put is
 * all-or-nothing, so a retry never finds half a file. Then one ErcotIngest row, stored or failed.
 */
async function ingestFile(document: ErcotDocument, context: FileContext): Promise<FileResult> {
  const { store, lease, progress, runSignal } = context;
  const fileMs = fileDeadlineMs(document.contentSize, context.deadlines);
  const file = startDeadline(
    runSignal,
    fileMs,
    `The download did not finish within its deadline (${Math.round(fileMs / 1000)} s for its size at the minimum throughput); it was stopped and will be tried again by the next run.`,
  );
  const key = storageKeyFor(document);
  const base = { tdsp: document.tdsp, kind: document.kind, docId: document.docId };
  const row = {
    filename: document.constructedName,
    sourceUrl: document.downloadUrl,
    tdsp: document.tdsp,
    publishedAt: document.publishedAt,
    source: document.source,
    runId: lease.runId,
  };
  progress.currentFile = document.constructedName;
  progress.currentSize = document.contentSize;
  const bytesBefore = progress.bytes;
  try {
    const stored = await downloadAndStore(document, key, { ...context, signal: file.signal }, () => {
      progress.currentBytes = 0;
      progress.bytes = bytesBefore;
    });
    const duplicate = await findStoredBySha256(stored.sha256, document.docId);
    if (duplicate) {
      // A repost with the bytes we already have: keep one copy, and remember this DocID so reruns skip it.
      if (duplicate.storageKey !== key) await store.delete(key);
      await upsertFile(document.docId, {
        ...row,
        status: "stored",
        storageKey: duplicate.storageKey,
        sizeBytes: stored.sizeBytes,
        sha256: stored.sha256,
        error: null,
      });
      return { ...base, skipped: true, duplicateOf: duplicate.docId ?? undefined };
    }
    await upsertFile(document.docId, {
      ...row,
      status: "stored",
      storageKey: key,
      sizeBytes: stored.sizeBytes,
      sha256: stored.sha256,
      error: null,
    });
    logger().info(
      { runId: lease.runId, docId: document.docId, tdsp: document.tdsp, bytes: stored.sizeBytes },
      "ERCOT file stored",
    );
    return { ...base, key, bytes: stored.sizeBytes };
  } catch (error) {
    const message = messageOf(file.signal.aborted ? file.signal.reason : error);
    await upsertFile(document.docId, {
      ...row,
      status: "failed",
      storageKey: key,
      sizeBytes: null,
      sha256: null,
      error: message,
    }).catch((recordError: unknown) =>
      logger().error(
        { runId: lease.runId, docId: document.docId, err: recordError },
        "ERCOT file failure not recorded",
      ),
    );
    logger().warn(
      { runId: lease.runId, docId: document.docId, tdsp: document.tdsp, error: message },
      "ERCOT file failed",
    );
    if (runSignal.aborted) throw runSignal.reason;
    return { ...base, error: message };
  } finally {
    file.dispose();
  }
}

/**
 * The source already retries until the response starts; this retries a body that broke off midway
 * (truncation, idle timeout) by starting the file again. put() is all-or-nothing, so nothing is half kept.
 */
async function downloadAndStore(
  document: ErcotDocument,
  key: string,
  context: FileContext & { signal: AbortSignal },
  onRestart: () => void,
) {
  const { store, lease, progress, signal } = context;
  // The source already retried until the response started; only a body that broke off is tried again here.
  let bodyStarted = false;
  return withRetry(
    async () => {
      bodyStarted = false;
      onRestart();
      lease.reportProgress({ ...progress });
      const download = await downloadDocument(context.sources, document, signal);
      bodyStarted = true;
      progress.currentSize ??= download.contentLength;
      const bytesBefore = progress.bytes;
      const verifier = createZipVerifier(document, (received) => {
        progress.currentBytes = received;
        progress.bytes = bytesBefore + received;
        lease.reportProgress({ ...progress });
      });
      const body = pipeline(download.body, verifier, () => undefined);
      try {
        return await store.put(key, body, { contentType: "application/zip", signal });
      } finally {
        download.body.destroy();
        verifier.destroy();
      }
    },
    {
      ...(context.retry ?? DEFAULT_RETRY),
      shouldRetry: (error) => bodyStarted && isRetryable(error),
      signal,
    },
  );
}

type FileRow = Omit<Prisma.ErcotIngestUncheckedCreateInput, "docId" | "id" | "createdAt" | "updatedAt">;

async function upsertFile(docId: string, data: FileRow) {
  await db().ercotIngest.upsert({ where: { docId }, create: { docId, ...data }, update: data });
}

import { pipeline } from "node:stream";
import { setTimeout as sleep } from "node:timers/promises";
import type { Prisma } from "@prisma/client";
import { db } from "~/db/prisma.server";
import { storage as defaultStorage, type Storage } from "~/storage/index.server";
import type { ErcotSourcesConfig } from "./config";
import { ercotSourcesConfig, runLeaseSettings, type RunLeaseSettings } from "./config.server";
import { DEFAULT_RETRY } from "./config";
import { isRetryable } from "./http.server";
import { acquireRunLease, type FinishedStatus, type RunLease, type RunProgress, type RunTrigger } from "./lock.server";
import { findStoredBySha256, selectNewest, storageKeyFor, storedDocIds } from "./selection.server";
import {
  AllSourcesFailedError,
  createErcotSources,
  downloadDocument,
  listWithFallback,
  type SourceAttempt,
  type SourceDependencies,
} from "./sources/index.server";
import type { ErcotDocument, ErcotSource, ErcotSourceName } from "./types";
import { createZipVerifier } from "./verify.server";

/** One line of the cron answer (ops checklist): stored, already stored, or failed. */
export type FileResult =
  | { tdsp: string; kind: ErcotDocument["kind"]; docId: string; key: string; bytes: number }
  | { tdsp: string; kind: ErcotDocument["kind"]; docId: string; skipped: true; duplicateOf?: string }
  | { tdsp: string; kind: ErcotDocument["kind"]; docId: string; error: string };

export interface RunSummary {
  /** The source that answered the listing, or null when none did. */
  source: ErcotSourceName | null;
  /** Each source asked, in order, with its error when it failed (the fallback trail). */
  attempts: SourceAttempt[];
  listed: number;
  selected: number;
  stored: number;
  skipped: number;
  failed: number;
  bytes: number;
  results: FileResult[];
}

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
}

export type IngestStart =
  | { running: true; runId: number | null }
  | { running: false; runId: number; done: Promise<IngestOutcome> };

/**
 * Takes the lock and starts a run in the background, answering as soon as the run has its id (the Run now
 * button), or says which run is already going. `done` never rejects: failures end up in the outcome.
 */
export async function beginIngest(options: IngestOptions): Promise<IngestStart> {
  const leaseResult = await acquireRunLease(options.trigger, options.lease ?? runLeaseSettings());
  if (!leaseResult.acquired) return { running: true, runId: leaseResult.runId };
  const { lease } = leaseResult;
  return { running: false, runId: lease.runId, done: runWithLease(lease, options) };
}

/** A whole run, awaited (cron pings, the schedule, tests). */
export async function runIngest(
  options: IngestOptions,
): Promise<IngestOutcome | { running: true; runId: number | null }> {
  const start = await beginIngest(options);
  return start.running ? start : start.done;
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
  const progress: RunProgress = {
    filesDone: 0,
    filesTotal: 0,
    bytes: 0,
    currentFile: null,
    currentBytes: 0,
    currentSize: null,
  };
  let runError: string | null = null;
  try {
    const listing = await listWithFallback(sources, lease.signal);
    summary.source = listing.source.name;
    summary.attempts = listing.attempts;
    summary.listed = listing.documents.length;
    const selected = selectNewest(listing.documents);
    summary.selected = selected.length;
    const alreadyStored = await storedDocIds(selected);
    const toFetch = selected.filter((document) => !alreadyStored.has(document.docId));
    progress.filesTotal = toFetch.length;
    lease.reportProgress({ ...progress });
    for (const document of selected) {
      if (alreadyStored.has(document.docId)) {
        summary.results.push({ tdsp: document.tdsp, kind: document.kind, docId: document.docId, skipped: true });
        continue;
      }
      if (lease.signal.aborted) throw lease.signal.reason;
      const result = await ingestFile(document, { sources, store, lease, progress, retry: config.retry });
      summary.results.push(result);
      if ("key" in result) summary.bytes += result.bytes;
      progress.filesDone += 1;
      progress.currentFile = null;
      lease.reportProgress({ ...progress });
    }
  } catch (error) {
    if (error instanceof AllSourcesFailedError) summary.attempts = error.attempts;
    runError = messageOf(error);
  }
  summary.stored = summary.results.filter((result) => "key" in result).length;
  summary.skipped = summary.results.filter((result) => "skipped" in result).length;
  summary.failed = summary.results.filter((result) => "error" in result).length;
  const status: FinishedStatus =
    runError !== null
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
    await lease.finish(status, summary as unknown as Prisma.InputJsonValue, runError);
  } catch (error) {
    console.error(`ERCOT run ${lease.runId} could not record its end: ${messageOf(error).split("\n")[0]}`);
  }
  return { runId: lease.runId, status, summary, error: runError };
}

interface FileContext {
  sources: ErcotSource[];
  store: Storage;
  lease: RunLease;
  progress: RunProgress;
  retry: ErcotSourcesConfig["retry"];
}

/**
 * Download → verify → storage.put (which hashes), retried as a whole on transient failures: put is
 * all-or-nothing, so a retry never finds half a file. Then one ErcotIngest row, stored or failed.
 */
async function ingestFile(document: ErcotDocument, context: FileContext): Promise<FileResult> {
  const { store, lease, progress } = context;
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
    const stored = await downloadAndStore(document, key, context, () => {
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
    return { ...base, key, bytes: stored.sizeBytes };
  } catch (error) {
    const message = messageOf(lease.signal.aborted ? lease.signal.reason : error);
    await upsertFile(document.docId, {
      ...row,
      status: "failed",
      storageKey: key,
      sizeBytes: null,
      sha256: null,
      error: message,
    }).catch((recordError: unknown) =>
      console.error(`ERCOT file ${document.docId} failure not recorded: ${messageOf(recordError).split("\n")[0]}`),
    );
    if (lease.signal.aborted) throw lease.signal.reason;
    return { ...base, error: message };
  }
}

/**
 * The source already retries until the response starts; this retries a body that broke off midway
 * (truncation, idle timeout) by starting the file again. put() is all-or-nothing, so nothing is half kept.
 */
async function downloadAndStore(document: ErcotDocument, key: string, context: FileContext, onRestart: () => void) {
  const { store, lease, progress } = context;
  const policy = context.retry ?? DEFAULT_RETRY;
  for (let attempt = 1; ; attempt++) {
    onRestart();
    lease.reportProgress({ ...progress });
    const download = await downloadDocument(context.sources, document, lease.signal);
    progress.currentSize ??= download.contentLength;
    const bytesBefore = progress.bytes;
    const verifier = createZipVerifier(document, (received) => {
      progress.currentBytes = received;
      progress.bytes = bytesBefore + received;
      lease.reportProgress({ ...progress });
    });
    const body = pipeline(download.body, verifier, () => undefined);
    try {
      return await store.put(key, body, { contentType: "application/zip", signal: lease.signal });
    } catch (error) {
      if (attempt >= policy.attempts || lease.signal.aborted || !isRetryable(error)) throw error;
      await sleep(Math.min(policy.maxDelayMs, policy.minDelayMs * 2 ** (attempt - 1)), undefined, {
        signal: lease.signal,
      });
    } finally {
      download.body.destroy();
      verifier.destroy();
    }
  }
}

type FileRow = Omit<Prisma.ErcotIngestUncheckedCreateInput, "docId" | "id" | "createdAt" | "updatedAt">;

async function upsertFile(docId: string, data: FileRow) {
  await db().ercotIngest.upsert({ where: { docId }, create: { docId, ...data }, update: data });
}

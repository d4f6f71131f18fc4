// One ERCOT file: download → verify → storage.put → one ErcotIngest row, within the file's deadline.
import { pipeline } from "node:stream";
import type { Prisma } from "@prisma/client";
import { db } from "~/db/prisma.server";
import { logger } from "~/log/logger.server";
import { withRetry } from "~/retry.server";
import type { Storage } from "~/storage/index.server";
import { DEFAULT_RETRY, type ErcotSourcesConfig } from "./config";
import type { RunDeadlines } from "./config.server";
import { fileDeadlineMs, startDeadline } from "./deadline.server";
import { isRetryable } from "./http.server";
import type { RunLease } from "./lock.server";
import type { FileResult, RunProgress } from "./run-record";
import { findStoredBySha256, storageKeyForDocument } from "./selection.server";
import { downloadDocument } from "./sources/index.server";
import type { ErcotDocument, ErcotSource } from "./types";
import { contentSizeWarning, createZipVerifier } from "./verify.server";
import { createZipSpool } from "./zip-spool.server";

/** The whole message (a source trail can span lines), for stored run and file errors. */
export function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

export interface FileContext {
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
export async function ingestFile(document: ErcotDocument, context: FileContext): Promise<FileResult> {
  const { store, lease, progress, runSignal } = context;
  const key = await storageKeyForDocument(document);
  const fileMs = fileDeadlineMs(document.contentSize, context.deadlines);
  const file = startDeadline(
    runSignal,
    fileMs,
    `The download did not finish within its deadline (${Math.round(fileMs / 1000)} s for its size at the minimum throughput); it was stopped and will be tried again by the next run.`,
  );
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
        warning: stored.warning,
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
      warning: stored.warning,
    });
    logger().info(
      { runId: lease.runId, docId: document.docId, tdsp: document.tdsp, bytes: stored.sizeBytes },
      "ERCOT file stored",
    );
    if (stored.warning) logger().warn({ runId: lease.runId, docId: document.docId }, stored.warning);
    return { ...base, key, bytes: stored.sizeBytes, ...(stored.warning ? { warning: stored.warning } : {}) };
  } catch (error) {
    const message = messageOf(file.signal.aborted ? file.signal.reason : error);
    await upsertFile(document.docId, {
      ...row,
      status: "failed",
      storageKey: key,
      sizeBytes: null,
      sha256: null,
      error: message,
      warning: null,
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
      const spool = await createZipSpool(document);
      try {
        const download = await downloadDocument(context.sources, document, signal);
        bodyStarted = true;
        progress.currentSize ??= download.contentLength;
        const bytesBefore = progress.bytes;
        const verifier = createZipVerifier(document, (received) => {
          progress.currentBytes = received;
          progress.bytes = bytesBefore + received;
          lease.reportProgress({ ...progress });
        });
        const body = pipeline(download.body, verifier, spool.tee, () => undefined);
        try {
          const stored = await store.put(key, body, { contentType: "application/zip", signal });
          // A zip cut short where the transport could not tell, or with a bad CRC, must not stay `stored`.
          await spool.verify().catch(async (error: unknown) => {
            await store.delete(key);
            throw error;
          });
          return { ...stored, warning: contentSizeWarning(document, stored.sizeBytes) };
        } finally {
          download.body.destroy();
          verifier.destroy();
        }
      } finally {
        await spool.dispose();
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

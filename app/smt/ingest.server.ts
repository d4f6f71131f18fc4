import { createReadStream } from "node:fs";
import type { SmtFileSource } from "@prisma/client";
import type pg from "pg";
import { db } from "~/db/prisma.server";
import { openClient } from "~/db/connection.server";
import { appDatabase } from "~/db/target.server";
import { storage } from "~/storage/index.server";
import type { IngestResult } from "./ingest-result";
import { parseFile } from "./file-worker.server";
import { FileOutcome, type SettledOutcome } from "./outcome";
import { detectSmtFile, type SmtFileDetection } from "./parse/detect";
import { RowWriter } from "./row-writer.server";
import type { SpooledFile } from "./spooled-file";
import { resultFromRow } from "./stored-result.server";

export interface IngestRequest {
  file: SpooledFile;
  source: SmtFileSource;
  /** Sent alongside the file by droplets; checked against the file, never trusted over it. */
  esiid?: string;
  meter?: string;
}

/** The storage key: the content hash plus a sanitised basename; the sender's name is never a path. */
export function rawFileKey(sha256: string, filename: string): string {
  return `smt/raw/${sha256.slice(0, 2)}/${sha256}/${filename}`;
}

/**
 * Stores one SMT file and loads its rows. The SmtRawFile row, the rows and the final status commit together in
 * one transaction, so a crash at any point leaves nothing behind and the next post of the same bytes reads the
 * file again. A file with malformed rows keeps its raw row as `failed` and no rows. A file already processed
 * (same SHA-256) is not read again: the answer is the earlier outcome with duplicate: true.
 */
export async function ingestSmtFile(request: IngestRequest): Promise<IngestResult> {
  const { file } = request;
  const earlier = await db().smtRawFile.findUnique({ where: { sha256: file.sha256 } });
  // `received` is never committed today; such a row was left by a crashed older version and is read again.
  if (earlier && earlier.status !== "received") return resultFromRow(earlier, true);

  const detection = detectSmtFile(file.filename, file.head);
  // The raw copy is stored while the rows are read; the transaction commits only once it is stored.
  const stored = storage().put(rawFileKey(file.sha256, file.filename), createReadStream(file.path), {
    contentType: file.contentType,
  });
  stored.catch(() => undefined);

  const loaded = await inFileTransaction(async (client) => {
    const outcome = await loadInTransaction(client, request, detection);
    await stored;
    return outcome;
  });
  if (!loaded) {
    // The same bytes posted twice at once: the other request processed the file while this one waited.
    const winner = await db().smtRawFile.findUniqueOrThrow({ where: { sha256: file.sha256 } });
    return resultFromRow(winner, true);
  }
  const row = await db().smtRawFile.findUniqueOrThrow({ where: { id: loaded.rawFileId } });
  return { ...resultFromRow(row, false), message: loaded.outcome.message, entries: loaded.outcome.entries };
}

async function inFileTransaction<T>(work: (client: pg.Client) => Promise<T>): Promise<T> {
  const client = await openClient(appDatabase(), { applicationName: "smt-ingest" });
  try {
    await client.query("BEGIN");
    const result = await work(client);
    await client.query("COMMIT");
    return result;
  } catch (error) {
    await client.query("ROLLBACK").catch(() => undefined);
    throw error;
  } finally {
    await client.end();
  }
}

/** Null when another transaction holds or has committed the same SHA-256. */
async function loadInTransaction(
  client: pg.Client,
  request: IngestRequest,
  detection: SmtFileDetection,
): Promise<{ rawFileId: number; outcome: SettledOutcome } | null> {
  const { file } = request;
  await client.query(`DELETE FROM "SmtRawFile" WHERE "sha256" = $1 AND "status" = 'received'`, [file.sha256]);
  // A concurrent insert of the same SHA-256 waits here until the other transaction ends.
  const inserted = await client.query<{ id: number }>(
    `INSERT INTO "SmtRawFile" ("sha256", "filename", "sizeBytes", "storageKey", "source", "status", "kind",
       "esiid", "meter", "head")
     VALUES ($1, $2, $3, $4, $5, 'received', $6, $7, $8, $9)
     ON CONFLICT ("sha256") DO NOTHING RETURNING "id"`,
    [
      file.sha256,
      file.filename,
      file.sizeBytes,
      rawFileKey(file.sha256, file.filename),
      request.source,
      detection.kind,
      request.esiid ?? null,
      request.meter ?? null,
      file.head.subarray(0, 512),
    ],
  );
  const rawFileId = inserted.rows[0]?.id;
  if (rawFileId === undefined) return null;

  let outcome: SettledOutcome;
  if (detection.kind === "unknown") {
    const rejected = new FileOutcome(detection.kind);
    rejected.reject(detection.reason);
    outcome = rejected.settle(request.esiid);
  } else {
    await client.query("SAVEPOINT smt_rows");
    // A large file is parsed in a worker thread; its rows come back in bounded batches and are written here.
    outcome = await parseFile(
      {
        file: { path: file.path, sizeBytes: file.sizeBytes },
        kind: detection.kind,
        rawFileId,
        declaredEsiid: request.esiid,
      },
      new RowWriter(client, rawFileId),
    );
    // A file with errors writes no rows; its raw row stays, marked failed.
    if (outcome.failed) await client.query("ROLLBACK TO SAVEPOINT smt_rows");
  }

  const summary = outcome.columns;
  const status = outcome.failed ? "failed" : "parsed";
  await client.query(
    `UPDATE "SmtRawFile" SET "status" = $2, "esiid" = $3, "rowsParsed" = $4, "rowsInserted" = $5,
       "rowsUpdated" = $6, "rowsSkipped" = $7, "firstDay" = $8, "lastDay" = $9, "esiids" = $10,
       "warningCount" = $11, "errorCount" = $12, "warnings" = $13, "errors" = $14
     WHERE "id" = $1`,
    [
      rawFileId,
      status,
      request.esiid ?? (summary.esiids.length === 1 ? summary.esiids[0] : null),
      summary.rowsParsed,
      summary.rowsInserted,
      summary.rowsUpdated,
      summary.rowsSkipped,
      summary.firstDay,
      summary.lastDay,
      summary.esiids,
      summary.warningCount,
      summary.errorCount,
      JSON.stringify(summary.warnings),
      JSON.stringify(summary.errors),
    ],
  );
  return { rawFileId, outcome };
}

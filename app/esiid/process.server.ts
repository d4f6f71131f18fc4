import type { Readable } from "node:stream";
import type pg from "pg";
import { newClient } from "~/db/connection.server";
import { appDatabase } from "~/db/target.server";
import { storage as defaultStorage, type Storage } from "~/storage/index.server";
import { applyDaily } from "./daily.server";
import { dropOrphanStagingTables, loadFul, type LoadResult } from "./load.server";
import { ExtractFormatError, type PremiseProvenance } from "./parse.server";
import { openStoredExtract } from "./zip.server";

/** Held for the whole of a processing pass, so ingest hooks, the button and the backfill never interleave. */
const PROCESSING_LOCK_KEY = 0x45_53_49_49; // "ESII"

export type ExtractKind = "FUL" | "DAILY";

export interface StoredExtract {
  docId: string;
  tdsp: string;
  kind: ExtractKind | null;
  publishedAt: Date;
  storageKey: string;
  filename: string;
}

export interface FileOutcome {
  docId: string;
  tdsp: string;
  kind: ExtractKind | null;
  status: "applied" | "skipped" | "failed";
  rows: number;
  changes: number;
  message: string | null;
}

export type ProcessOutcome = { busy: true } | { busy: false; files: FileOutcome[] };

export interface ProcessOptions {
  /** Re-apply files already processed (the backfill's --all): the result is the same, by design. */
  reprocess?: boolean;
  /** Wait for a pass already running instead of answering busy. */
  wait?: boolean;
  storage?: Storage;
}

/** FUL or DAILY from the stored file name (ConstructedName or FriendlyName ends in _FUL / _DAILY). */
export function extractKind(filename: string): ExtractKind | null {
  const match = /_(FUL|DAILY)(?:\.zip)?$/i.exec(filename);
  return match ? (match[1].toUpperCase() as ExtractKind) : null;
}

function byPublishOrder(a: StoredExtract, b: StoredExtract) {
  return a.publishedAt.getTime() - b.publishedAt.getTime() || a.docId.localeCompare(b.docId);
}

interface Step {
  file: StoredExtract;
  skip?: string;
  /** A DAILY applied again after its FUL was (re)loaded: its change rows are recomputed against that FUL. */
  replay?: boolean;
}

/**
 * Per TDSP: the newest stored FUL (loaded when it is not the snapshot already), then every DAILY published after
 * it in publish order. After loading a FUL every later DAILY is applied again; otherwise only unprocessed ones.
 * Older FULs and DAILYs not newer than the FUL are recorded as skipped.
 */
export function planSteps(stored: StoredExtract[], processed: Set<string>, reprocess: boolean): Step[] {
  const steps: Step[] = [];
  const byTdsp = new Map<string, StoredExtract[]>();
  for (const file of [...stored].sort(byPublishOrder)) {
    if (!file.kind) {
      if (reprocess || !processed.has(file.docId))
        steps.push({ file, skip: "The file name says neither FUL nor DAILY; it was not applied." });
      continue;
    }
    byTdsp.set(file.tdsp, [...(byTdsp.get(file.tdsp) ?? []), file]);
  }
  for (const files of byTdsp.values()) {
    const fuls = files.filter((file) => file.kind === "FUL");
    const newestFul = fuls.at(-1);
    const loadFulNow = newestFul !== undefined && (reprocess || !processed.has(newestFul.docId));
    for (const file of files) {
      const pending = reprocess || !processed.has(file.docId);
      if (file.kind === "FUL") {
        if (file === newestFul) {
          if (loadFulNow) steps.push({ file });
        } else if (pending) {
          steps.push({ file, skip: `A newer FUL (DocID ${newestFul!.docId}) replaces this one; it was not loaded.` });
        }
        continue;
      }
      if (newestFul && byPublishOrder(file, newestFul) <= 0) {
        if (pending)
          steps.push({
            file,
            skip: `Published before the TDSP's current FUL (DocID ${newestFul.docId}); the FUL already holds it.`,
          });
        continue;
      }
      if (loadFulNow) steps.push({ file, replay: true });
      else if (pending) steps.push({ file });
    }
  }
  return steps;
}

async function recordOutcome(
  client: pg.ClientBase,
  file: StoredExtract,
  outcome: Omit<FileOutcome, "docId" | "tdsp" | "kind">,
  layout: number | null,
) {
  await client.query(
    `INSERT INTO "EsiidExtractFile" ("docId", "tdsp", "kind", "publishedAt", "status", "layout", "rows", "changes", "message", "processedAt")
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, now())
     ON CONFLICT ("docId") DO UPDATE SET "status" = $5, "layout" = $6, "rows" = $7, "changes" = $8, "message" = $9,
       "processedAt" = now()`,
    [
      file.docId,
      file.tdsp,
      file.kind ?? "unknown",
      file.publishedAt.toISOString(),
      outcome.status,
      layout,
      outcome.rows,
      outcome.changes,
      outcome.message,
    ],
  );
}

function operatorMessage(error: unknown): string {
  if (error instanceof ExtractFormatError) return error.message;
  const text = error instanceof Error ? error.message.split("\n")[0] : String(error);
  return `The file could not be applied (${text}). Process it again from the run page or with npm run esiid:backfill.`;
}

async function runStep(client: pg.Client, step: Step, store: Storage): Promise<FileOutcome> {
  const { file } = step;
  const base = { docId: file.docId, tdsp: file.tdsp, kind: file.kind };
  if (step.skip) {
    const outcome = { status: "skipped" as const, rows: 0, changes: 0, message: step.skip };
    await recordOutcome(client, file, outcome, null);
    return { ...base, ...outcome };
  }
  const provenance = { tdsp: file.tdsp, docId: file.docId, publishedAt: file.publishedAt };
  const record = (result: LoadResult) => async (target: pg.ClientBase) =>
    recordOutcome(
      target,
      file,
      { status: "applied", rows: result.rows, changes: result.changes, message: null },
      result.layout,
    );
  try {
    const extract = await openStoredExtract(store, file.storageKey);
    try {
      const recordState = (target: pg.ClientBase, loaded: LoadResult) => record(loaded)(target);
      const result =
        file.kind === "FUL"
          ? await loadFulWithHelper(client, provenance, extract.stream, recordState)
          : await applyDaily(client, provenance, extract.stream, recordState, { replay: step.replay ?? false });
      return { ...base, status: "applied", rows: result.rows, changes: result.changes, message: null };
    } finally {
      await extract.close();
    }
  } catch (error) {
    const message = operatorMessage(error);
    if (!(error instanceof ExtractFormatError))
      console.error(`ESIID DocID ${file.docId}: ${error instanceof Error ? error.stack : error}`);
    await recordOutcome(client, file, { status: "failed", rows: 0, changes: 0, message }, null);
    return { ...base, status: "failed", rows: 0, changes: 0, message };
  }
}

/** A FUL builds its trigram index on a second connection while the btrees build on the first. */
async function loadFulWithHelper(
  client: pg.Client,
  provenance: PremiseProvenance,
  csv: Readable,
  recordState: (client: pg.ClientBase, result: LoadResult) => Promise<void>,
) {
  const helper = connectEsiidClient();
  await helper.connect();
  try {
    return await loadFul(client, helper, provenance, csv, recordState);
  } finally {
    await helper.end().catch(() => {});
  }
}

export function connectEsiidClient(): pg.Client {
  return newClient(appDatabase(), { applicationName: "esiid", serverSettings: "-c TimeZone=UTC" });
}

export type ProcessStart = { busy: true } | { busy: false; done: Promise<FileOutcome[]> };

/**
 * Takes the processing lock (or says another pass holds it) and starts a pass in the background: every stored
 * extract not yet processed, in publish order per TDSP (see planSteps), each outcome recorded in
 * EsiidExtractFile. It loops until nothing is pending, so files stored meanwhile are included.
 */
export async function beginProcessing(options: ProcessOptions = {}): Promise<ProcessStart> {
  const store = options.storage ?? defaultStorage();
  const client = connectEsiidClient();
  await client.connect();
  try {
    if (options.wait) await client.query(`SELECT pg_advisory_lock($1)`, [PROCESSING_LOCK_KEY]);
    else {
      const { rows } = await client.query<{ locked: boolean }>(`SELECT pg_try_advisory_lock($1) AS locked`, [
        PROCESSING_LOCK_KEY,
      ]);
      if (!rows[0].locked) {
        await client.end();
        return { busy: true };
      }
    }
  } catch (error) {
    await client.end().catch(() => {});
    throw error;
  }
  const done = (async () => {
    try {
      await dropOrphanStagingTables(client);
      const files: FileOutcome[] = [];
      let reprocess = options.reprocess ?? false;
      for (;;) {
        const stored = await storedExtracts(client);
        const { rows: done } = await client.query<{ docId: string }>(`SELECT "docId" FROM "EsiidExtractFile"`);
        const steps = planSteps(stored, new Set(done.map((row) => row.docId)), reprocess);
        if (steps.length === 0) return files;
        for (const step of steps) files.push(await runStep(client, step, store));
        // Every step recorded its outcome, so the next pass holds only files stored meanwhile.
        reprocess = false;
      }
    } finally {
      await client.end().catch(() => {});
    }
  })();
  return { busy: false, done };
}

/** A whole pass, awaited (the ingest hook, the backfill command, tests). */
export async function processStoredExtracts(options: ProcessOptions = {}): Promise<ProcessOutcome> {
  const start = await beginProcessing(options);
  return start.busy ? start : { busy: false, files: await start.done };
}

async function storedExtracts(client: pg.ClientBase): Promise<StoredExtract[]> {
  const { rows } = await client.query<Omit<StoredExtract, "kind">>(
    `SELECT "docId", "tdsp", "publishedAt" AT TIME ZONE 'UTC' AS "publishedAt", "storageKey", "filename"
       FROM "ErcotIngest" WHERE "status" = 'stored'`,
  );
  return rows.map((row) => ({ ...row, kind: extractKind(row.filename) }));
}

/** The ERCOT ingest's afterFileStored hook: waits its turn, then applies whatever is pending. */
export async function processAfterErcotStore(): Promise<void> {
  await processStoredExtracts({ wait: true });
}

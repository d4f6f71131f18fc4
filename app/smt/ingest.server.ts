import { createReadStream } from "node:fs";
import { readFile } from "node:fs/promises";
import { Readable } from "node:stream";
import { pipeline } from "node:stream/promises";
import pg from "pg";
import { from as copyFrom } from "pg-copy-streams";
import { Prisma, type SmtFileSource, type SmtRawFile } from "@prisma/client";
import { db } from "~/db/prisma.server";
import { connectionConfig } from "~/db/connection.server";
import { appDatabase } from "~/db/target.server";
import { storage } from "~/storage/index.server";
import { parseBillingCsv, type BillingRead, type BillingSummary } from "./parse/billing-csv";
import { chicagoDayLengthMinutes, formatLocalDate } from "~/time/chicago";
import { detectSmtFile, type SmtFileKind } from "./parse/detect";
import { normalizeEsiid, unknownEsiidWarning } from "./parse/esiid";
import type { IntervalRow, IntervalSummary } from "./parse/interval";
import { parseIntervalCsv } from "./parse/interval-csv";
import { parseIntervalJson } from "./parse/interval-json";
import { HeaderError, inBatches, type ParseRun } from "./parse/types";
import { ZipRejectedError, openCsvZip } from "./parse/zip";
import { HEAD_BYTES, type SpooledFile } from "./upload.server";

/** Rows per INSERT … SELECT FROM unnest(…): large enough to amortise the round trip, small enough for memory. */
export const BATCH_ROWS = 5000;
/** SMT JSON payloads cover days, not years; parseIntervalJson reads the payload whole. */
const JSON_MAX_BYTES = 64 * 1024 * 1024;
/** Issues kept per file in SmtRawFile and in answers; the counts stay exact. */
const ISSUES_KEPT = 200;

export interface IngestIssue {
  line?: number;
  /** The ZIP entry the issue belongs to. */
  entry?: string;
  message: string;
}

export interface IngestEntry {
  name: string;
  kind: SmtFileKind;
  rowsParsed: number;
  rowsInserted: number;
  rowsUpdated: number;
  rowsSkipped: number;
}

export type IngestStatus = "parsed" | "failed";

/** What one file came to: the JSON the webhook answers and the card the upload page shows. */
export interface IngestResult {
  ok: boolean;
  duplicate: boolean;
  /** HTTP status for an answer about this file alone. */
  httpStatus: 200 | 422;
  status: IngestStatus | "received";
  /** One sentence for the operator. */
  message: string;
  rawFileId: number;
  receivedAt: string;
  filename: string;
  sha256: string;
  sizeBytes: number;
  storageKey: string;
  kind: SmtFileKind;
  rowsParsed: number;
  rowsInserted: number;
  rowsUpdated: number;
  rowsSkipped: number;
  firstDay: string | null;
  lastDay: string | null;
  esiids: string[];
  warnings: IngestIssue[];
  errors: IngestIssue[];
  warningCount: number;
  errorCount: number;
  entries: IngestEntry[];
}

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
 * Stores one SMT file and loads its rows. The raw file is kept whatever happens (SmtRawFile + storage); its rows
 * are written in one transaction, so a file with malformed rows leaves status failed and no rows behind.
 * A file already received (same SHA-256) is not read again: the answer is the earlier outcome with duplicate: true.
 */
export async function ingestSmtFile(request: IngestRequest): Promise<IngestResult> {
  const { file } = request;
  const earlier = await db().smtRawFile.findUnique({ where: { sha256: file.sha256 } });
  if (earlier) return resultFromRow(earlier, true);

  const detection = detectSmtFile(file.filename, file.head);
  const storageKey = rawFileKey(file.sha256, file.filename);
  await storage().put(storageKey, createReadStream(file.path), { contentType: file.contentType });

  let raw: SmtRawFile;
  try {
    raw = await db().smtRawFile.create({
      data: {
        sha256: file.sha256,
        filename: file.filename,
        sizeBytes: BigInt(file.sizeBytes),
        storageKey,
        source: request.source,
        status: "received",
        kind: detection.kind,
        esiid: request.esiid ?? null,
        meter: request.meter ?? null,
        head: new Uint8Array(file.head.subarray(0, 512)),
      },
    });
  } catch (error) {
    // The same bytes posted twice at once: the other request owns the file.
    if (error instanceof Prisma.PrismaClientKnownRequestError && error.code === "P2002") {
      const winner = await db().smtRawFile.findUnique({ where: { sha256: file.sha256 } });
      if (winner) return resultFromRow(winner, true);
    }
    throw error;
  }

  const outcome = new FileOutcome(detection.kind);
  if (detection.kind === "unknown") {
    outcome.reject(detection.reason);
  } else {
    try {
      await loadRows(raw.id, file, detection.kind, outcome);
    } catch (error) {
      // Not the file's fault (the database went away): forget the row so the sender's retry is read again.
      await db()
        .smtRawFile.delete({ where: { id: raw.id } })
        .catch(() => undefined);
      throw error;
    }
  }
  outcome.checkDeclaredEsiid(request.esiid);
  outcome.noteCalendar();

  const status: IngestStatus = outcome.errorCount > 0 ? "failed" : "parsed";
  const updated = await db().smtRawFile.update({
    where: { id: raw.id },
    data: {
      status,
      esiid: request.esiid ?? (outcome.esiids.size === 1 ? [...outcome.esiids][0] : null),
      rowsParsed: outcome.rowsParsed,
      rowsInserted: outcome.rowsInserted,
      rowsUpdated: outcome.rowsUpdated,
      rowsSkipped: outcome.rowsSkipped,
      warnings: outcome.issuesJson("warnings"),
      errors: outcome.issuesJson("errors"),
    },
  });
  return { ...resultFromRow(updated, false), message: outcome.message(status), entries: outcome.entries };
}

/** Parses the spooled file and writes its rows in one transaction; parse problems land in `outcome`. */
async function loadRows(rawFileId: number, file: SpooledFile, kind: SmtFileKind, outcome: FileOutcome): Promise<void> {
  const client = new pg.Client(connectionConfig(appDatabase(), { applicationName: "smt-ingest" }));
  await client.connect();
  try {
    await client.query("BEGIN");
    const writer = new RowWriter(client, rawFileId);
    try {
      if (kind === "zip") await loadZip(file.path, writer, outcome);
      else await loadOne(kind, createReadStream(file.path), file.sizeBytes, writer, outcome, undefined);
    } catch (error) {
      if (!(error instanceof HeaderError || error instanceof ZipRejectedError)) throw error;
      outcome.reject(error.message);
    }
    if (outcome.errorCount > 0) {
      await client.query("ROLLBACK");
      outcome.discardWrites();
    } else {
      await client.query("COMMIT");
    }
  } catch (error) {
    await client.query("ROLLBACK").catch(() => undefined);
    throw error;
  } finally {
    await client.end();
  }
}

async function loadZip(zipPath: string, writer: RowWriter, outcome: FileOutcome): Promise<void> {
  const zip = await openCsvZip(zipPath);
  try {
    for (const skipped of zip.skipped) outcome.warn(`ZIP entry ${skipped.name} was not read: ${skipped.reason}.`);
    let usable = 0;
    for await (const entry of zip.entries()) {
      const { head, body } = await peekHead(entry.stream, HEAD_BYTES);
      const detection = detectSmtFile(entry.name, head);
      if (detection.kind !== "interval-csv" && detection.kind !== "billing-csv") {
        body.destroy();
        outcome.warn(`ZIP entry ${entry.name} was not read: ${detection.reason}`, { entry: entry.name });
        continue;
      }
      usable++;
      try {
        await loadOne(detection.kind, body, entry.uncompressedSize, writer, outcome, entry.name);
      } catch (error) {
        if (!(error instanceof HeaderError)) throw error;
        outcome.error({ entry: entry.name, message: error.message });
      }
    }
    if (usable === 0) {
      throw new ZipRejectedError(
        "The ZIP holds no SMT interval or billing CSV. Expected IntervalMeterUsage…csv or a billing CSV inside.",
      );
    }
  } finally {
    zip.close();
  }
}

async function loadOne(
  kind: SmtFileKind,
  input: Readable,
  sizeBytes: number,
  writer: RowWriter,
  outcome: FileOutcome,
  entry: string | undefined,
): Promise<void> {
  const tally = outcome.startEntry(entry ?? "", kind);
  if (kind === "interval-csv" || kind === "interval-json") {
    let run: ParseRun<IntervalRow, IntervalSummary>;
    if (kind === "interval-json") {
      if (sizeBytes > JSON_MAX_BYTES) {
        input.destroy();
        throw new HeaderError(
          `The JSON file is ${sizeBytes} bytes; SMT interval payloads are far smaller, so it was not read. Send intervals as CSV.`,
          [],
          [],
        );
      }
      run = parseIntervalJson(await readAll(input));
    } else {
      run = parseIntervalCsv(input);
    }
    // The database merges one batch while the parser reads the next.
    let inFlight: Promise<void> = Promise.resolve();
    for await (const batch of inBatches(run.rows, BATCH_ROWS)) {
      outcome.countIntervals(batch);
      await inFlight;
      inFlight = writer.intervals(batch).then((counts) => tally.add(counts));
      inFlight.catch(() => undefined);
    }
    await inFlight;
    outcome.addSummary(run.summary(), tally, entry);
    return;
  }
  if (kind === "billing-csv") {
    const run = parseBillingCsv(input);
    for await (const batch of inBatches(run.rows, BATCH_ROWS)) tally.add(await writer.billingReads(batch));
    outcome.addSummary(run.summary(), tally, entry);
    return;
  }
  input.destroy();
  throw new HeaderError(`This is not an SMT file this portal reads (${kind}).`, [], []);
}

async function readAll(input: Readable): Promise<Buffer> {
  if ("path" in input && typeof input.path === "string") {
    input.destroy();
    return readFile(input.path);
  }
  const chunks: Buffer[] = [];
  for await (const chunk of input) chunks.push(Buffer.from(chunk));
  return Buffer.concat(chunks);
}

/** The first `bytes` of a stream for detection, and a stream that still yields everything. */
async function peekHead(stream: Readable, bytes: number): Promise<{ head: Buffer; body: Readable }> {
  const iterator = stream[Symbol.asyncIterator]() as AsyncIterator<Buffer>;
  const taken: Buffer[] = [];
  let length = 0;
  while (length < bytes) {
    const next = await iterator.next();
    if (next.done) break;
    taken.push(next.value);
    length += next.value.length;
  }
  const body = Readable.from(
    (async function* () {
      yield* taken;
      for (let next = await iterator.next(); !next.done; next = await iterator.next()) yield next.value;
    })(),
    { objectMode: false },
  );
  body.on("close", () => stream.destroy());
  return { head: Buffer.concat(taken).subarray(0, bytes), body };
}

interface Written {
  inserted: number;
  updated: number;
  /** Rows the database already held at the same or a newer revision. */
  unchanged: number;
}

/**
 * Multi-row upserts through unnest arrays on one connection inside the file's transaction. An interval is
 * replaced only by the same or a newer revision (REVISION_DATE), and only when something differs.
 */
class RowWriter {
  private staging = false;

  constructor(
    private readonly client: pg.Client,
    private readonly rawFileId: number,
  ) {}

  async intervals(batch: IntervalRow[]): Promise<Written> {
    // ON CONFLICT DO UPDATE refuses a key twice in one statement; keep the latest revision of each.
    const latest = new Map<string, IntervalRow>();
    for (const row of batch) {
      const key = `${row.esiid}|${row.channel}|${row.intervalStart.getTime()}`;
      const kept = latest.get(key);
      if (!kept || kept.revisionAt.getTime() <= row.revisionAt.getTime()) latest.set(key, row);
    }
    const rows = latest.size === batch.length ? batch : [...latest.values()];
    if (!this.staging) {
      // Rows reach PostgreSQL through COPY into an unindexed temporary table (no WAL, no parameter encoding),
      // then one INSERT … SELECT merges them: measured about twice as fast as multi-row unnest parameters.
      await this.client.query(`CREATE TEMP TABLE smt_interval_stage (
          "esiid" text, "channel" "SmtChannel", "intervalStart" timestamp(3), "kwh" numeric(12,4),
          "estimated" boolean, "revisionAt" timestamp(3)) ON COMMIT DROP`);
      this.staging = true;
    }
    let text = "";
    // Prisma keeps DateTime as UTC in timestamp(3) columns; PostgreSQL ignores the Z for that type.
    for (const row of rows) {
      text += `${row.esiid}\t${row.channel}\t${row.intervalStart.toISOString()}\t${row.kwh ?? "\\N"}\t${
        row.estimated ? "t" : "f"
      }\t${row.revisionAt.toISOString()}\n`;
    }
    await pipeline(Readable.from([text]), this.client.query(copyFrom(`COPY smt_interval_stage FROM STDIN`)));
    const result = await this.client.query<{ inserted: string; updated: string }>({
      name: "smt-interval-merge",
      text: `WITH upserted AS (
          INSERT INTO "SmtInterval" ("esiid", "channel", "intervalStart", "kwh", "estimated", "revisionAt", "rawFileId")
          SELECT "esiid", "channel", "intervalStart", "kwh", "estimated", "revisionAt", $1 FROM smt_interval_stage
          ON CONFLICT ("esiid", "channel", "intervalStart") DO UPDATE
            SET "kwh" = EXCLUDED."kwh", "estimated" = EXCLUDED."estimated",
                "revisionAt" = EXCLUDED."revisionAt", "rawFileId" = EXCLUDED."rawFileId"
            WHERE EXCLUDED."revisionAt" >= COALESCE("SmtInterval"."revisionAt", '-infinity'::timestamp)
              AND (EXCLUDED."kwh", EXCLUDED."estimated", EXCLUDED."revisionAt")
                  IS DISTINCT FROM ("SmtInterval"."kwh", "SmtInterval"."estimated", "SmtInterval"."revisionAt")
          RETURNING (xmax = 0) AS inserted
        )
        SELECT count(*) FILTER (WHERE inserted) AS inserted, count(*) FILTER (WHERE NOT inserted) AS updated FROM upserted`,
      values: [this.rawFileId],
    });
    await this.client.query(`TRUNCATE smt_interval_stage`);
    return written(result.rows[0], batch.length);
  }

  async billingReads(batch: BillingRead[]): Promise<Written> {
    const result = await this.client.query<{ inserted: string; updated: string }>({
      name: "smt-billing-upsert",
      text: `WITH upserted AS (
          INSERT INTO "SmtBillingRead" ("esiid", "meter", "readStart", "readEnd", "kwh", "extra", "rawFileId", "updatedAt")
          SELECT u.esiid, u.meter, u.read_start, u.read_end, u.kwh, u.extra, $7, now()
          FROM unnest($1::text[], $2::text[], $3::date[], $4::date[], $5::numeric[], $6::jsonb[])
            AS u(esiid, meter, read_start, read_end, kwh, extra)
          ON CONFLICT ("esiid", "meter", "readStart", "readEnd") DO UPDATE
            SET "kwh" = EXCLUDED."kwh", "extra" = EXCLUDED."extra", "rawFileId" = EXCLUDED."rawFileId", "updatedAt" = now()
            WHERE (EXCLUDED."kwh", EXCLUDED."extra") IS DISTINCT FROM ("SmtBillingRead"."kwh", "SmtBillingRead"."extra")
          RETURNING (xmax = 0) AS inserted
        )
        SELECT count(*) FILTER (WHERE inserted) AS inserted, count(*) FILTER (WHERE NOT inserted) AS updated FROM upserted`,
      values: [
        batch.map((read) => read.esiid),
        batch.map((read) => read.meter),
        batch.map((read) => read.readStart),
        batch.map((read) => read.readEnd),
        batch.map((read) => read.kwh),
        batch.map((read) => JSON.stringify(read.extra)),
        this.rawFileId,
      ],
    });
    return written(result.rows[0], batch.length);
  }
}

function written(counts: { inserted: string; updated: string }, offered: number): Written {
  const inserted = Number(counts.inserted);
  const updated = Number(counts.updated);
  return { inserted, updated, unchanged: offered - inserted - updated };
}

class EntryTally {
  rowsInserted = 0;
  rowsUpdated = 0;
  rowsUnchanged = 0;
  constructor(readonly entry: IngestEntry) {}
  add(counts: Written) {
    this.rowsInserted += counts.inserted;
    this.rowsUpdated += counts.updated;
    this.rowsUnchanged += counts.unchanged;
  }
}

/** Everything learnt about one file while it is read: counts, dates, ESIIDs, warnings and errors. */
class FileOutcome {
  rowsParsed = 0;
  rowsInserted = 0;
  rowsUpdated = 0;
  rowsSkipped = 0;
  readonly esiids = new Set<string>();
  firstDay: string | null = null;
  lastDay: string | null = null;
  readonly warnings: IngestIssue[] = [];
  readonly errors: IngestIssue[] = [];
  warningCount = 0;
  errorCount = 0;
  readonly entries: IngestEntry[] = [];
  private estimated = 0;
  private missing = 0;
  private unchanged = 0;
  private rejection: string | null = null;

  constructor(readonly kind: SmtFileKind) {}

  warn(message: string, where: { line?: number; entry?: string } = {}) {
    this.warningCount++;
    if (this.warnings.length < ISSUES_KEPT) this.warnings.push({ ...where, message });
  }

  error(issue: IngestIssue) {
    this.errorCount++;
    if (this.errors.length < ISSUES_KEPT) this.errors.push(issue);
  }

  /** The file as a whole cannot be read (wrong header, unknown format, refused ZIP): HTTP 422. */
  reject(message: string) {
    this.rejection ??= message;
    this.error({ message });
  }

  startEntry(name: string, kind: SmtFileKind): EntryTally {
    const entry: IngestEntry = { name, kind, rowsParsed: 0, rowsInserted: 0, rowsUpdated: 0, rowsSkipped: 0 };
    if (name !== "") this.entries.push(entry);
    return new EntryTally(entry);
  }

  countIntervals(batch: IntervalRow[]) {
    for (const row of batch) {
      if (row.estimated) this.estimated++;
      if (row.kwh === null) this.missing++;
    }
  }

  addSummary(summary: IntervalSummary | BillingSummary, tally: EntryTally, entry: string | undefined) {
    const skipped = summary.rowsSkipped + tally.rowsUnchanged;
    Object.assign(tally.entry, {
      rowsParsed: summary.rowsParsed,
      rowsInserted: tally.rowsInserted,
      rowsUpdated: tally.rowsUpdated,
      rowsSkipped: skipped,
    });
    this.rowsParsed += summary.rowsParsed;
    this.rowsInserted += tally.rowsInserted;
    this.rowsUpdated += tally.rowsUpdated;
    this.rowsSkipped += skipped;
    this.unchanged += tally.rowsUnchanged;
    for (const esiid of summary.esiids) this.esiids.add(esiid);
    if (summary.firstDay && (!this.firstDay || summary.firstDay < this.firstDay)) this.firstDay = summary.firstDay;
    if (summary.lastDay && (!this.lastDay || summary.lastDay > this.lastDay)) this.lastDay = summary.lastDay;
    const where = entry ? { entry } : {};
    for (const warning of summary.warnings) this.warn(warning.message, { ...where, line: warning.line });
    this.warningCount += summary.warningCount - summary.warnings.length;
    for (const error of summary.errors) this.error({ ...where, line: error.line, message: error.message });
    this.errorCount += summary.errorCount - summary.errors.length;
  }

  /** A failed file's writes were rolled back: nothing was inserted or updated. */
  discardWrites() {
    this.rowsInserted = 0;
    this.rowsUpdated = 0;
    for (const entry of this.entries) entry.rowsInserted = entry.rowsUpdated = 0;
  }

  checkDeclaredEsiid(declared: string | undefined) {
    if (!declared) return;
    const checked = normalizeEsiid(declared);
    if (!checked.ok) this.warn(`The esiid sent with the file cannot be used: ${checked.message}`);
    else if (!checked.knownFormat) this.warn(unknownEsiidWarning(checked.esiid));
    else if (this.esiids.size > 0 && !this.esiids.has(checked.esiid)) {
      this.warn(
        `The esiid sent with the file (${checked.esiid}) is not one of the ESIIDs inside it (${[...this.esiids].join(", ")}).`,
      );
    }
  }

  /** Warnings about the readings themselves: estimates, gaps, DST days and rows left as they were. */
  noteCalendar() {
    if (this.estimated > 0) {
      this.warn(
        `${this.estimated} interval${plural(this.estimated)} ${this.estimated === 1 ? "is" : "are"} estimated (E); a later SMT revision with actual readings will replace them.`,
      );
    }
    if (this.missing > 0) {
      this.warn(
        `${this.missing} interval${plural(this.missing)} had a blank kWh and ${this.missing === 1 ? "was" : "were"} stored as missing, not as zero.`,
      );
    }
    if (this.unchanged > 0) {
      this.warn(
        `${this.unchanged} row${plural(this.unchanged)} matched what was already stored at the same or a newer revision and ${this.unchanged === 1 ? "was" : "were"} left as ${this.unchanged === 1 ? "it was" : "they were"}.`,
      );
    }
    if (!this.firstDay || !this.lastDay) return;
    for (const { day, minutes } of dstDaysBetween(this.firstDay, this.lastDay)) {
      if (this.warnings.some((warning) => warning.message.includes(`DST`) && warning.message.includes(day))) continue;
      this.warn(
        minutes === 1500
          ? `DST fall-back day ${day}: its 100 intervals were placed by position, the repeated 01:00–01:45 hour as CST (SMT misprints its first row as 02:00).`
          : `DST spring-forward day ${day}: 02:00–02:45 does not exist in Central time, so that day has 92 intervals.`,
      );
    }
  }

  message(status: IngestStatus): string {
    if (this.rejection) return this.rejection;
    if (status === "failed") {
      const first = this.errors[0];
      return (
        `${this.errorCount} row${plural(this.errorCount)} could not be read (first: ${first?.line ? `line ${first.line}: ` : ""}${first?.message.replace(/\.$/, "")}); ` +
        "no rows from this file were written. The raw file is kept; fix the file and upload it again."
      );
    }
    return `Read ${this.rowsParsed} row${plural(this.rowsParsed)}: ${this.rowsInserted} inserted, ${this.rowsUpdated} updated, ${this.rowsSkipped} skipped.`;
  }

  issuesJson(which: "warnings" | "errors"): Prisma.InputJsonValue {
    const list = which === "warnings" ? this.warnings : this.errors;
    const count = which === "warnings" ? this.warningCount : this.errorCount;
    const value: {
      count: number;
      items: IngestIssue[];
      firstDay?: string | null;
      lastDay?: string | null;
      esiids?: string[];
    } = { count, items: list };
    // The summary fields without their own columns ride along with the warnings.
    if (which === "warnings")
      Object.assign(value, { firstDay: this.firstDay, lastDay: this.lastDay, esiids: [...this.esiids].sort() });
    return value as unknown as Prisma.InputJsonValue;
  }
}

const plural = (count: number) => (count === 1 ? "" : "s");

/** Central DST days (23- or 25-hour) from `firstDay` to `lastDay`, both `YYYY-MM-DD`. */
function dstDaysBetween(firstDay: string, lastDay: string): { day: string; minutes: number }[] {
  const found: { day: string; minutes: number }[] = [];
  for (let year = Number(firstDay.slice(0, 4)); year <= Number(lastDay.slice(0, 4)); year++) {
    for (const [month, from] of [
      [3, 8],
      [11, 1],
    ]) {
      for (let day = from; day < from + 7; day++) {
        const date = { year, month, day };
        const minutes = chicagoDayLengthMinutes(date);
        const text = formatLocalDate(date);
        if (minutes !== 1440 && text >= firstDay && text <= lastDay) found.push({ day: text, minutes });
      }
    }
  }
  return found;
}

interface StoredIssues {
  count?: number;
  items?: IngestIssue[];
  firstDay?: string | null;
  lastDay?: string | null;
  esiids?: string[];
}

/** The answer for a stored SmtRawFile row (a fresh ingest, a duplicate, or the recent-files list). */
export function resultFromRow(row: SmtRawFile, duplicate: boolean): IngestResult {
  const warnings = (row.warnings ?? {}) as StoredIssues;
  const errors = (row.errors ?? {}) as StoredIssues;
  const status = row.status;
  const failed = status === "failed";
  return {
    ok: !failed,
    duplicate,
    httpStatus: failed && !duplicate ? 422 : 200,
    status,
    message: duplicate
      ? `This file was already received on ${row.receivedAt.toISOString()} (same SHA-256); it was not read again.`
      : failed
        ? (errors.items?.[0]?.message ?? "The file could not be read.")
        : `Read ${row.rowsParsed} rows: ${row.rowsInserted} inserted, ${row.rowsUpdated} updated, ${row.rowsSkipped} skipped.`,
    rawFileId: row.id,
    receivedAt: row.receivedAt.toISOString(),
    filename: row.filename,
    sha256: row.sha256,
    sizeBytes: Number(row.sizeBytes),
    storageKey: row.storageKey,
    kind: (row.kind ?? "unknown") as SmtFileKind,
    rowsParsed: row.rowsParsed,
    rowsInserted: row.rowsInserted,
    rowsUpdated: row.rowsUpdated,
    rowsSkipped: row.rowsSkipped,
    firstDay: warnings.firstDay ?? null,
    lastDay: warnings.lastDay ?? null,
    esiids: warnings.esiids ?? [],
    warnings: warnings.items ?? [],
    errors: errors.items ?? [],
    warningCount: warnings.count ?? 0,
    errorCount: errors.count ?? 0,
    entries: [],
  };
}

/** The most recent files, newest first, for the upload page. */
export async function recentSmtFiles(limit = 20): Promise<IngestResult[]> {
  const rows = await db().smtRawFile.findMany({ orderBy: { receivedAt: "desc" }, take: limit });
  return rows.map((row) => resultFromRow(row, false));
}

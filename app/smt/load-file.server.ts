import { createReadStream } from "node:fs";
import { readFile } from "node:fs/promises";
import { Readable } from "node:stream";
import type { FileOutcome } from "./outcome";
import { parseBillingCsv } from "./parse/billing-csv";
import { detectSmtFile, type SmtFileKind } from "./parse/detect";
import type { IntervalRow, IntervalSummary } from "./parse/interval";
import { parseIntervalCsv } from "./parse/interval-csv";
import { parseIntervalJson } from "./parse/interval-json";
import { HeaderError, inBatches, type ParseRun } from "./parse/types";
import { ZipRejectedError, openCsvZip } from "./parse/zip";
import { DayBuffer } from "./interval-days";
import type { RowSink } from "./row-sink";
import { HEAD_BYTES, type SpooledFile } from "./spooled-file";

/** Rows the parser hands over at a time. */
export const BATCH_ROWS = 5000;
/** Day rows per merge statement (about 25,000 intervals): large enough to amortise the round trips. */
const FLUSH_DAYS = 256;
/** SMT JSON payloads cover days, not years; parseIntervalJson reads the payload whole. */
const JSON_MAX_BYTES = 64 * 1024 * 1024;

/** The file cannot be read as a whole (bad header, refused or damaged ZIP): the file's fault, HTTP 422. */
export function isFileFault(error: unknown): error is Error {
  return error instanceof HeaderError || error instanceof ZipRejectedError;
}

/** The spooled file, its kind, and its SmtRawFile id (the day rows record which file wrote each slot). */
export interface FileToLoad {
  file: Pick<SpooledFile, "path" | "sizeBytes">;
  kind: SmtFileKind;
  rawFileId: number;
}

/** Where a file's rows go, and the file id its day rows carry. */
interface Writer {
  sink: RowSink;
  rawFileId: number;
}

/** Parses the spooled file and hands its rows to `sink`; problems with the bytes land in `outcome`. */
export async function loadFile({ file, kind, rawFileId }: FileToLoad, sink: RowSink, outcome: FileOutcome) {
  const writer = { sink, rawFileId };
  try {
    if (kind === "zip") await loadZip(file.path, writer, outcome);
    else await loadOne(kind, createReadStream(file.path), file.sizeBytes, writer, outcome, undefined);
  } catch (error) {
    if (!isFileFault(error)) throw error;
    outcome.reject(error.message);
  }
}

async function loadZip(zipPath: string, writer: Writer, outcome: FileOutcome): Promise<void> {
  const zip = await openCsvZip(zipPath);
  try {
    for (const skipped of zip.skipped) outcome.warn(`ZIP entry ${skipped.name} was not read: ${skipped.reason}.`);
    let usable = 0;
    const entries = zip.entries();
    for (;;) {
      const next = await entries.next().catch((error: unknown) => {
        throw damaged("the next entry", error);
      });
      if (next.done) break;
      const entry = next.value;
      const { head, body } = await peekHead(entry.stream, HEAD_BYTES, entry.name);
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

/** Inflate errors, size mismatches, bad CRCs and truncated entries are the bytes' fault, never the server's. */
function damaged(entryName: string, error: unknown): ZipRejectedError {
  const reason = error instanceof Error ? error.message.replace(/\.$/, "") : String(error);
  return new ZipRejectedError(
    `The ZIP is damaged: ${entryName === "the next entry" ? entryName : `entry "${entryName}"`} cannot be unpacked ` +
      `(${reason}). No rows from this file were written; send an intact copy.`,
  );
}

async function loadOne(
  kind: SmtFileKind,
  input: Readable,
  sizeBytes: number,
  { sink, rawFileId }: Writer,
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
    // The database merges one set of days while the parser reads the next; never more than one set waits.
    const days = new DayBuffer();
    let inFlight: Promise<void> = Promise.resolve();
    for await (const batch of run.batches) {
      outcome.countIntervals(batch);
      days.add(batch);
      if (days.size < FLUSH_DAYS) continue;
      await inFlight;
      inFlight = sink.writeDays(days.take(rawFileId)).then((counts) => tally.add(counts));
      inFlight.catch(() => undefined);
    }
    await inFlight;
    tally.add(await sink.writeDays(days.take(rawFileId)));
    outcome.addSummary(run.summary(), tally, entry);
    return;
  }
  if (kind === "billing-csv") {
    const run = parseBillingCsv(input);
    for await (const batch of inBatches(run.batches, BATCH_ROWS)) tally.add(await sink.billingReads(batch));
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

/**
 * The first `bytes` of a ZIP entry for detection, and a stream that still yields everything. A read error of
 * the entry surfaces from either as a ZipRejectedError naming the entry.
 */
async function peekHead(stream: Readable, bytes: number, entryName: string): Promise<{ head: Buffer; body: Readable }> {
  const iterator = stream[Symbol.asyncIterator]() as AsyncIterator<Buffer>;
  const next = () =>
    iterator.next().catch((error: unknown) => {
      throw damaged(entryName, error);
    });
  const taken: Buffer[] = [];
  let length = 0;
  while (length < bytes) {
    const read = await next();
    if (read.done) break;
    taken.push(read.value);
    length += read.value.length;
  }
  const body = Readable.from(
    (async function* () {
      yield* taken;
      for (let read = await next(); !read.done; read = await next()) yield read.value;
    })(),
    { objectMode: false },
  );
  body.on("close", () => stream.destroy());
  return { head: Buffer.concat(taken).subarray(0, bytes), body };
}

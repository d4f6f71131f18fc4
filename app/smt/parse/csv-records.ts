import { CsvError } from "csv-parse";
import { parse as parseSync } from "csv-parse/sync";
import type { Readable } from "node:stream";
import { StringDecoder } from "node:string_decoder";

/**
 * CSV records (RFC 4180: quoted delimiters, doubled quotes and quoted line breaks kept exactly as written).
 * Whitespace around fields is trimmed, never inside quotes; blank lines are skipped; a BOM is dropped; lines may end
 * in CRLF or LF.
 */
export interface CsvRecord {
  fields: string[];
  /** 1-based physical line where the record starts. */
  line: number;
}

/** The bytes stop being CSV (an unclosed quote, an absurdly long record); `line` is where it was noticed. */
export class CsvSyntaxError extends Error {
  override readonly name = "CsvSyntaxError";
  constructor(
    readonly line: number,
    message: string,
  ) {
    super(message);
  }
}

export interface CsvReadOptions {
  delimiter?: string;
  /** Longest record accepted, in characters, so a binary or unterminated file cannot grow memory without end. */
  maxRecordLength?: number;
}

/**
 * Records in arrays (one per chunk read), so a 10-million-row file does not cost a promise per row. A line without
 * a quote is split and trimmed here (SMT exports never quote, and csv-parse cost 3× the rest of the ingest); a
 * record with quotes, gathered over its lines until its quotes pair up, goes to csv-parse with the same options,
 * so quoted fields follow RFC 4180 exactly (docs/decisions/022-smt-interval-day-rows.md).
 */
export async function* readCsvRecords(input: Readable, options: CsvReadOptions = {}): AsyncGenerator<CsvRecord[]> {
  const reader = new RecordReader(options.delimiter ?? ",", options.maxRecordLength ?? 64 * 1024);
  const decoder = new StringDecoder("utf8");
  let pending = "";
  let started = false;
  const take = function* (text: string, final: boolean): Generator<CsvRecord[]> {
    if (!started && text.length > 0) {
      started = true;
      if (text.charCodeAt(0) === 0xfeff) text = text.slice(1);
    }
    let from = 0;
    // A line that breaks throws before its chunk's records are handed over (the file fails as a whole), as with
    // csv-parse: a break in the first chunk reads as a file that cannot be read as CSV.
    for (let end = text.indexOf("\n"); end >= 0; end = text.indexOf("\n", from)) {
      reader.line(text.slice(from, end));
      from = end + 1;
    }
    pending = text.slice(from);
    if (final && pending.length > 0) reader.line(pending);
    if (final) reader.end();
    else reader.checkLength(pending.length);
    if (reader.records.length > 0) yield reader.drain();
  };
  for await (const chunk of input) yield* take(pending + decoder.write(chunk), false);
  yield* take(pending + decoder.end(), true);
}

/** Splits lines into records; `records` collects them until drained. */
class RecordReader {
  records: CsvRecord[] = [];
  private lineNumber = 0;
  /** A record with an odd number of quotes so far: its lines, joined by LF (a CR before it stays in the text). */
  private quoted: { text: string; line: number; quotes: number } | null = null;

  constructor(
    private readonly delimiter: string,
    private readonly maxRecordLength: number,
  ) {}

  drain(): CsvRecord[] {
    const records = this.records;
    this.records = [];
    return records;
  }

  /** One physical line without its LF. */
  line(raw: string): void {
    const line = ++this.lineNumber;
    if (this.quoted) {
      this.quoted.text += `\n${raw}`;
      this.quoted.quotes += countQuotes(raw);
      this.checkLength(this.quoted.text.length, this.quoted.line);
      if (this.quoted.quotes % 2 === 0) this.parseQuoted();
      return;
    }
    this.checkLength(raw.length, line);
    if (raw.includes('"')) {
      this.quoted = { text: raw, line, quotes: countQuotes(raw) };
      if (this.quoted.quotes % 2 === 0) this.parseQuoted();
      return;
    }
    const fields = raw.split(this.delimiter);
    for (let i = 0; i < fields.length; i++) fields[i] = trimField(fields[i]);
    // A blank line, or whitespace alone on a line, is no record.
    if (fields.length === 1 && fields[0] === "") return;
    this.records.push({ fields, line });
  }

  end(): void {
    if (this.quoted) throw new CsvSyntaxError(this.quoted.line, "a quoted field is never closed");
  }

  checkLength(length: number, line = this.lineNumber + 1): void {
    if (length > this.maxRecordLength) {
      throw new CsvSyntaxError(line, `a record is longer than ${this.maxRecordLength} characters`);
    }
  }

  private parseQuoted(): void {
    const { text, line } = this.quoted!;
    this.quoted = null;
    let parsed: string[][];
    try {
      parsed = parseSync(text.endsWith("\r") ? text.slice(0, -1) : text, {
        delimiter: this.delimiter,
        trim: true,
        relax_column_count: true,
        record_delimiter: ["\r\n", "\n"],
      }) as string[][];
    } catch (error) {
      if (error instanceof CsvError)
        throw new CsvSyntaxError(line + lineOf(error) - 1, describe(error, this.maxRecordLength));
      throw error;
    }
    for (const fields of parsed) this.records.push({ fields, line });
  }
}

function countQuotes(text: string): number {
  let quotes = 0;
  for (let at = text.indexOf('"'); at >= 0; at = text.indexOf('"', at + 1)) quotes++;
  return quotes;
}

/** csv-parse's `trim`: CR, LF, form feed, space and tab around an unquoted field. */
function isTrimmed(code: number): boolean {
  return code === 32 || code === 9 || code === 13 || code === 10 || code === 12;
}

function trimField(field: string): string {
  let start = 0;
  let end = field.length;
  while (start < end && isTrimmed(field.charCodeAt(start))) start++;
  while (end > start && isTrimmed(field.charCodeAt(end - 1))) end--;
  return start === 0 && end === field.length ? field : field.slice(start, end);
}

function lineOf(error: CsvError): number {
  const lines = (error as CsvError & { lines?: unknown }).lines;
  return typeof lines === "number" && lines > 0 ? lines : 1;
}

function describe(error: CsvError, maxRecordLength: number): string {
  switch (error.code) {
    case "CSV_QUOTE_NOT_CLOSED":
      return "a quoted field is never closed";
    case "CSV_MAX_RECORD_SIZE":
      return `a record is longer than ${maxRecordLength} characters`;
    case "CSV_INVALID_CLOSING_QUOTE":
      return "a closing quote is followed by something other than a delimiter";
    case "INVALID_OPENING_QUOTE":
      return "a quote appears inside an unquoted field";
    default:
      return error.message.replace(/\.$/, "");
  }
}

/**
 * A copy of a field that does not keep its chunk alive. Fields are slices of the decoded chunk, and V8 keeps the
 * whole chunk for as long as any slice of it lives: a field kept past its line (a cache key, an ESIID) would pin
 * one chunk per distinct value.
 */
export function ownCopy(field: string): string {
  return Buffer.from(field, "utf8").toString("utf8");
}

import { CsvError, parse } from "csv-parse";
import type { Readable } from "node:stream";

/**
 * CSV records through csv-parse (RFC 4180: quoted delimiters, doubled quotes and quoted line breaks kept exactly as
 * written). Whitespace around fields is trimmed, never inside quotes; blank lines are skipped; a BOM is dropped;
 * lines may end in CRLF or LF. bench/smt-csv-reader.ts measured csv-parse at under a third of the whole ingest's
 * time, so it is not worth a reader of our own (docs/decisions/009-smt-csv-reader.md).
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

/** What csv-parse yields with `info: true`. */
interface ParsedRecord {
  record: string[];
  info: { lines: number };
}

/** Records in arrays (all that one read gives), so a 10-million-row file does not cost a promise per row. */
export async function* readCsvRecords(input: Readable, options: CsvReadOptions = {}): AsyncGenerator<CsvRecord[]> {
  const maxRecordLength = options.maxRecordLength ?? 64 * 1024;
  const parser = parse({
    delimiter: options.delimiter ?? ",",
    bom: true,
    trim: true,
    relax_column_count: true,
    skip_empty_lines: true,
    record_delimiter: ["\r\n", "\n"],
    max_record_size: maxRecordLength,
    info: true,
  });
  const startLine = lineCounter();
  input.on("error", (error) => parser.destroy(error));
  input.pipe(parser);
  try {
    for (;;) {
      const records: CsvRecord[] = [];
      for (let read: ParsedRecord | null = parser.read(); read; read = parser.read()) {
        // Whitespace alone on a line is a blank line too.
        if (read.record.length === 1 && read.record[0] === "") continue;
        records.push({ fields: read.record, line: startLine(read) });
      }
      if (records.length > 0) yield records;
      else if (parser.readableEnded) return;
      else await readableOrEnd(parser);
    }
  } catch (error) {
    if (error instanceof CsvError) throw new CsvSyntaxError(lineOf(error), describe(error, maxRecordLength));
    throw error;
  } finally {
    input.unpipe(parser);
    parser.destroy();
  }
}

/**
 * The physical line a record starts on. csv-parse's info.lines is the line the record ends on, and it counts a
 * CRLF inside quotes as two lines; `drift` carries those extra counts from one record to the next.
 */
function lineCounter(): (read: ParsedRecord) => number {
  let drift = 0;
  return ({ record, info }) => {
    let inside = 0;
    for (const field of record) {
      for (let at = field.indexOf("\n"); at >= 0; at = field.indexOf("\n", at + 1)) {
        inside++;
        if (field.charCodeAt(at - 1) === 13) drift++;
      }
    }
    return info.lines - drift - inside;
  };
}

function readableOrEnd(parser: ReturnType<typeof parse>): Promise<void> {
  if (parser.errored) return Promise.reject(parser.errored);
  return new Promise((resolve, reject) => {
    const settle = (error?: Error) => {
      parser.off("readable", settle).off("end", settle).off("error", settle);
      if (error) reject(error);
      else resolve();
    };
    parser.once("readable", settle).once("end", settle).once("error", settle);
  });
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

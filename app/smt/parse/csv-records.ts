import { StringDecoder } from "node:string_decoder";
import type { Readable } from "node:stream";

/**
 * A small streaming CSV reader, kept because csv-parse is the bottleneck of the whole ingest: bench/smt-csv-reader.ts
 * measures csv-parse alone slower than this reader plus parsing plus the database writes (docs/decisions/
 * smt-csv-reader.md). SMT files never quote, so the common line takes a plain split; lines with quotes get
 * RFC 4180 handling: quoted delimiters, doubled quotes and quoted line breaks (CRLF kept) exactly as written.
 * It reads as csv-parse does with { bom, trim, skip_empty_lines, relax_column_count }, which
 * csv-records.test.ts checks on a corpus; it also skips lines of whitespace alone.
 */
export interface CsvRecord {
  /** Fields with whitespace around them trimmed; quoted content is kept as written. */
  fields: string[];
  /** 1-based physical line where the record starts. */
  line: number;
}

/** The bytes stop being CSV (an unclosed quote, an absurdly long line); `line` is where it starts. */
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

/** Records in arrays, one array per input chunk, so a 10-million-row file does not cost a promise per row. */
export async function* readCsvRecords(input: Readable, options: CsvReadOptions = {}): AsyncGenerator<CsvRecord[]> {
  const delimiter = options.delimiter ?? ",";
  const maxRecordLength = options.maxRecordLength ?? 64 * 1024;
  const decoder = new StringDecoder("utf8");
  let carry = "";
  let lineNumber = 0;
  let pending: { text: string; line: number } | null = null;

  const take = (physicalLine: string, records: CsvRecord[]) => {
    lineNumber++;
    // The CR of a line break inside quotes belongs to the field, so it is only dropped once the record ends.
    let text = physicalLine;
    if (lineNumber === 1 && text.charCodeAt(0) === 0xfeff) text = text.slice(1);
    const start = pending ?? { text: "", line: lineNumber };
    const joined = pending ? `${pending.text}\n${text}` : text;
    if (joined.length > maxRecordLength) {
      throw new CsvSyntaxError(start.line, `a record is longer than ${maxRecordLength} characters`);
    }
    const fields = splitRecord(joined.endsWith("\r") ? joined.slice(0, -1) : joined, delimiter, start.line);
    if (!fields) {
      pending = { text: joined, line: start.line };
      return;
    }
    pending = null;
    if (fields.length === 1 && fields[0] === "") return;
    records.push({ fields, line: start.line });
  };

  for await (const chunk of input) {
    const text = carry + (typeof chunk === "string" ? chunk : decoder.write(chunk));
    const lines = text.split("\n");
    carry = lines.pop() ?? "";
    if (carry.length > maxRecordLength) {
      throw new CsvSyntaxError(lineNumber + lines.length + 1, `a line is longer than ${maxRecordLength} characters`);
    }
    const records: CsvRecord[] = [];
    for (const line of lines) take(line, records);
    if (records.length > 0) yield records;
  }
  const records: CsvRecord[] = [];
  const rest = carry + decoder.end();
  if (rest !== "") take(rest, records);
  if (pending) throw new CsvSyntaxError((pending as { line: number }).line, "a quoted field is never closed");
  if (records.length > 0) yield records;
}

/** Whitespace csv-parse's `trim` removes around fields: space, tab, CR, LF and form feed. */
const AROUND = /^[ \t\r\n\f]+|[ \t\r\n\f]+$/g;

function trimmed(field: string): string {
  const first = field.charCodeAt(0);
  const last = field.charCodeAt(field.length - 1);
  return first <= 32 || last <= 32 ? field.replace(AROUND, "") : field;
}

/** Fields of one record, or null when a quoted field runs on past the end of the text (a quoted line break). */
function splitRecord(text: string, delimiter: string, line: number): string[] | null {
  if (!text.includes('"')) {
    const fields = text.split(delimiter);
    for (let i = 0; i < fields.length; i++) fields[i] = trimmed(fields[i]);
    return fields;
  }
  const fields: string[] = [];
  let position = 0;
  for (;;) {
    while (text[position] === " " || text[position] === "\t") position++;
    let field = "";
    if (text[position] === '"') {
      position++;
      for (;;) {
        const close = text.indexOf('"', position);
        if (close < 0) return null;
        field += text.slice(position, close);
        if (text[close + 1] === '"') {
          field += '"';
          position = close + 2;
        } else {
          position = close + 1;
          break;
        }
      }
      const next = text.indexOf(delimiter, position);
      const after = text.slice(position, next < 0 ? text.length : next);
      if (trimmed(after) !== "") {
        throw new CsvSyntaxError(line, "a closing quote is followed by something other than a delimiter");
      }
      position = next < 0 ? text.length : next;
    } else {
      const next = text.indexOf(delimiter, position);
      field = trimmed(text.slice(position, next < 0 ? text.length : next));
      if (field.includes('"')) throw new CsvSyntaxError(line, "a quote appears inside an unquoted field");
      position = next < 0 ? text.length : next;
    }
    fields.push(field);
    if (position >= text.length) return fields;
    position += delimiter.length;
  }
}

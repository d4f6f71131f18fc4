import { Transform, type TransformCallback } from "node:stream";
import { parse } from "csv-parse";
import { premiseSearchText } from "./address";
import { EXTRACT_COLUMNS, FIELD_POSITIONS, type ExtractLayout } from "./columns";

/** The extract cannot be read as a TDSP ESIID Extract; the message names the line and what to do. */
export class ExtractFormatError extends Error {
  override readonly name = "ExtractFormatError";
}

/** Written beside the extract columns on every premise row (COPY column order after the 22 extract columns). */
export interface PremiseProvenance {
  tdsp: string;
  docId: string;
  publishedAt: Date;
}

export const COPY_COLUMNS = [
  ...EXTRACT_COLUMNS.map(({ column }) => column),
  "tdsp",
  "searchText",
  "sourceDocId",
  "publishedAt",
  "lastChangedAt",
] as const;

/** The headerless, quoted-when-non-empty CSV of §5 (see docs/esiid.md); CRLF or LF, any quoted commas. */
export function createExtractCsvParser() {
  return parse({
    delimiter: ",",
    quote: '"',
    escape: '"',
    relax_column_count: true,
    skip_empty_lines: true,
    info: true,
  });
}

export interface ParseTally {
  layout: ExtractLayout | null;
  rows: number;
}

function layoutOf(count: number, line: number): ExtractLayout {
  if (count === 22 || count === 19) return count;
  throw new ExtractFormatError(
    `Line ${line} has ${count} columns; a TDSP ESIID Extract has 22 (current layout) or 19 (legacy layout). ` +
      "The file was not applied; check that it is an ESIID extract.",
  );
}

function copyText(value: string | null): string {
  if (value === null) return "\\N";
  return /[\\\t\n\r]/.test(value)
    ? value.replace(/[\\\t\n\r]/g, (c) => ({ "\\": "\\\\", "\t": "\\t", "\n": "\\n", "\r": "\\r" })[c]!)
    : value;
}

/**
 * Parsed CSV records → PostgreSQL COPY text rows (COPY_COLUMNS order). The first record fixes the layout
 * (22 or 19 columns); a record of any other count, or of the other layout, stops the file naming its line.
 * Empty fields become NULL; fields are trimmed at both ends, Oncor's inner padding is kept as received.
 */
export function createCopyRowEncoder(provenance: PremiseProvenance, tally: ParseTally) {
  const suffix = `\t${copyText(provenance.tdsp)}`;
  const stamp = provenance.publishedAt.toISOString();
  const tail = `\t${copyText(provenance.docId)}\t${stamp}\t${stamp}\n`;
  // Rows are sent in ~64 KiB chunks: one CopyData message per row would cost more than the parse.
  let pending: string[] = [];
  let pendingChars = 0;
  return new Transform({
    writableObjectMode: true,
    flush(callback: TransformCallback) {
      callback(null, pending.length ? pending.join("") : undefined);
    },
    transform(record: { record: string[]; info: { lines: number } }, _encoding, callback: TransformCallback) {
      try {
        const fields = record.record;
        const line = record.info.lines;
        const layout = layoutOf(fields.length, line);
        if (tally.layout === null) tally.layout = layout;
        else if (layout !== tally.layout) {
          throw new ExtractFormatError(
            `Line ${line} has ${fields.length} columns but the file started with ${tally.layout}; ` +
              "a file must use one layout. The file was not applied.",
          );
        }
        const values = FIELD_POSITIONS[layout].map((position) => {
          const value = position < 0 ? "" : fields[position].trim();
          return value === "" ? null : value;
        });
        if (values[0] === null) throw new ExtractFormatError(`Line ${line} has no ESIID; the file was not applied.`);
        const searchText = premiseSearchText({
          address: values[1],
          addressOverflow: values[2],
          city: values[3],
          zipcode: values[5],
        });
        tally.rows += 1;
        const row = values.map(copyText).join("\t") + suffix + `\t${copyText(searchText)}` + tail;
        pending.push(row);
        pendingChars += row.length;
        if (pendingChars < 64 * 1024) return callback();
        const chunk = pending.join("");
        pending = [];
        pendingChars = 0;
        callback(null, chunk);
      } catch (error) {
        callback(error as Error);
      }
    },
  });
}

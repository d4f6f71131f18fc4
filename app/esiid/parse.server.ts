import { Readable } from "node:stream";
import { parse } from "csv-parse/sync";
import { EXTRACT_COLUMNS, FIELD_POSITIONS, type ExtractColumn, type ExtractLayout } from "./columns";

/** The extract cannot be read as a TDSP ESIID Extract; the message names the line and what to do. */
export class ExtractFormatError extends Error {
  override readonly name = "ExtractFormatError";
}

/** Written beside the extract columns on every premise row. */
export interface PremiseProvenance {
  tdsp: string;
  docId: string;
  publishedAt: Date;
}

const NOT_APPLIED = "The file was not applied; check that it is an ESIID extract.";
const LAYOUTS = "a TDSP ESIID Extract has 22 (current layout) or 19 (legacy layout)";
/** The first record of a real extract is a few hundred bytes; this much always holds it. */
const HEAD_BYTES = 64 * 1024;

/** The extract columns a layout carries, in file order. */
export function layoutColumns(layout: ExtractLayout): ExtractColumn[] {
  return EXTRACT_COLUMNS.filter((_, index) => FIELD_POSITIONS[layout][index] >= 0).map(({ column }) => column);
}

/**
 * The layout, from the first record (read with csv-parse: quoted commas and line breaks count right), and the
 * whole CSV again as one stream. PostgreSQL's COPY then parses the bulk and refuses any line of another count.
 */
export async function detectLayout(csv: Readable): Promise<{ layout: ExtractLayout; csv: Readable }> {
  const chunks: Buffer[] = [];
  let size = 0;
  const iterator: AsyncIterator<Buffer> = csv[Symbol.asyncIterator]();
  let ended = false;
  while (size < HEAD_BYTES) {
    const next = await iterator.next();
    if (next.done) {
      ended = true;
      break;
    }
    chunks.push(next.value);
    size += next.value.length;
  }
  const head = Buffer.concat(chunks);
  let first: { record: string[]; info: { lines: number } } | undefined;
  try {
    [first] = parse(head, { to: 1, skip_empty_lines: true, relax_column_count: true, info: true }) as unknown as Array<{
      record: string[];
      info: { lines: number };
    }>;
  } catch (error) {
    throw new ExtractFormatError(`The first line cannot be read as CSV (${(error as Error).message}). ${NOT_APPLIED}`);
  }
  if (!first) throw new ExtractFormatError("The extract holds no rows; the file was not applied.");
  const count = first.record.length;
  if (count !== 22 && count !== 19)
    throw new ExtractFormatError(`Line ${first.info.lines} has ${count} columns; ${LAYOUTS}. ${NOT_APPLIED}`);
  async function* whole() {
    yield head;
    if (ended) return;
    for (;;) {
      const next = await iterator.next();
      if (next.done) return;
      yield next.value;
    }
  }
  return { layout: count, csv: Readable.from(whole(), { objectMode: false }) };
}

const BAD_COPY_FORMAT = "22P04";
const NOT_NULL = "23502";
const CHECK_FAILED = "23514";
const BAD_ENCODING = "22021";

/**
 * PostgreSQL's COPY errors name the line in `where` ("COPY …, line 3: …"); this turns the ones a bad file
 * causes into the operator's sentence. Anything else is not the file's fault and is returned as it is.
 */
export function copyErrorSentence(error: unknown, layout: ExtractLayout): ExtractFormatError | null {
  const { code, message, where } = error as { code?: string; message?: string; where?: string };
  const line = /line (\d+)/.exec(where ?? "")?.[1];
  if (!line) return null;
  const at = `Line ${line}`;
  if (code === BAD_COPY_FORMAT && message?.startsWith("missing data for column"))
    return new ExtractFormatError(
      `${at} has fewer columns than the file's first line (${layout}); ${LAYOUTS}, one layout per file. ${NOT_APPLIED}`,
    );
  if (code === BAD_COPY_FORMAT && message?.startsWith("extra data after last expected column"))
    return new ExtractFormatError(
      `${at} has more columns than the file's first line (${layout}); ${LAYOUTS}, one layout per file. ${NOT_APPLIED}`,
    );
  if (code === BAD_COPY_FORMAT)
    return new ExtractFormatError(`${at} cannot be read as CSV (${message}). ${NOT_APPLIED}`);
  if (code === NOT_NULL || code === CHECK_FAILED)
    return new ExtractFormatError(`${at} has no ESIID; the file was not applied.`);
  if (code === BAD_ENCODING) return new ExtractFormatError(`${at} is not valid UTF-8 text; the file was not applied.`);
  return null;
}

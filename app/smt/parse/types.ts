import { Readable } from "node:stream";

export interface ParseWarning {
  line?: number;
  message: string;
}

export interface ParseError {
  line: number;
  message: string;
}

/** The file's header is not one this parser reads; `message` is the sentence for the operator (HTTP 422). */
export class HeaderError extends Error {
  override readonly name = "HeaderError";
  constructor(
    message: string,
    readonly expected: readonly string[],
    readonly found: readonly string[],
  ) {
    super(message);
  }
}

/**
 * What a parser hands back: rows to stream once, in arrays as the parser settles them (a day, a chunk of lines), so
 * a 10-million-row file does not cost a promise per row; and a summary readable after the rows are exhausted.
 */
export interface ParseRun<Row, Summary> {
  batches: AsyncIterable<Row[]>;
  /** Throws until every row has been read. */
  summary(): Summary;
}

export interface IssueCounts {
  warnings: ParseWarning[];
  errors: ParseError[];
  /** Totals; the lists keep only the first ISSUE_LIST_LIMIT of each so a garbage file cannot exhaust memory. */
  warningCount: number;
  errorCount: number;
}

export const ISSUE_LIST_LIMIT = 1000;

export class IssueLog {
  readonly warnings: ParseWarning[] = [];
  readonly errors: ParseError[] = [];
  warningCount = 0;
  errorCount = 0;
  private readonly onceKeys = new Set<string>();

  warn(message: string, line?: number): void {
    this.warningCount++;
    if (this.warnings.length < ISSUE_LIST_LIMIT)
      this.warnings.push(line === undefined ? { message } : { line, message });
  }

  /** Warns the first time `key` is seen, so a problem repeated on every row is reported once. */
  warnOnce(key: string, message: string, line?: number): void {
    if (this.onceKeys.has(key)) return;
    this.onceKeys.add(key);
    this.warn(message, line);
  }

  error(line: number, message: string): void {
    this.errorCount++;
    if (this.errors.length < ISSUE_LIST_LIMIT) this.errors.push({ line, message });
  }

  counts(): IssueCounts {
    return {
      warnings: this.warnings,
      errors: this.errors,
      warningCount: this.warningCount,
      errorCount: this.errorCount,
    };
  }
}

/** A stream, or chunks (an async generator, or an array in tests). */
export type ByteSource = Readable | AsyncIterable<Buffer | Uint8Array | string> | Iterable<Buffer | Uint8Array>;

export function toReadable(source: ByteSource): Readable {
  return source instanceof Readable ? source : Readable.from(source, { objectMode: false });
}

/** Regroups arrays of rows into arrays of `size` for batched database writes; pulls the next array only when asked. */
export async function* inBatches<Row>(arrays: AsyncIterable<Row[]>, size: number): AsyncGenerator<Row[]> {
  let batch: Row[] = [];
  for await (const rows of arrays) {
    for (const row of rows) {
      batch.push(row);
      if (batch.length >= size) {
        yield batch;
        batch = [];
      }
    }
  }
  if (batch.length > 0) yield batch;
}

/** Wraps a generator that fills `summary` as it runs, so `summary()` refuses to answer before the end. */
export function parseRun<Row, Summary>(
  generate: () => AsyncGenerator<Row[]>,
  buildSummary: () => Summary,
): ParseRun<Row, Summary> {
  let finished = false;
  let started = false;
  return {
    batches: {
      async *[Symbol.asyncIterator]() {
        if (started) throw new Error("These rows have already been read; parse the file again to re-read them.");
        started = true;
        yield* generate();
        finished = true;
      },
    },
    summary() {
      if (!finished) throw new Error("The summary is ready only after every row has been read.");
      return buildSummary();
    },
  };
}

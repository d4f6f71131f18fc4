import { dstDaysBetween } from "./dst-days";
import type { IngestEntry, IngestIssue, IngestStatus } from "./ingest-result";
import type { BillingSummary } from "./parse/billing-csv";
import { normalizeEsiid, unknownEsiidWarning } from "./parse/esiid";
import type { SmtFileKind } from "./parse/detect";
import type { IntervalRow, IntervalSummary } from "./parse/interval";

/** Issues kept per file in SmtRawFile and in answers; the counts stay exact. */
export const ISSUES_KEPT = 200;

/** What one batch did to the database. */
export interface Written {
  inserted: number;
  updated: number;
  /** Rows the database already held at the same or a newer revision. */
  unchanged: number;
}

/** The summary of a file as SmtRawFile stores it. */
export interface OutcomeColumns {
  rowsParsed: number;
  rowsInserted: number;
  rowsUpdated: number;
  rowsSkipped: number;
  firstDay: string | null;
  lastDay: string | null;
  esiids: string[];
  warningCount: number;
  errorCount: number;
  warnings: IngestIssue[];
  errors: IngestIssue[];
}

/** A file's outcome once every row has been handled; plain data (it crosses from the worker thread). */
export interface SettledOutcome {
  /** The file has errors: its rows are to be rolled back (the counts already say nothing was written). */
  failed: boolean;
  columns: OutcomeColumns;
  message: string;
  entries: IngestEntry[];
}

export class EntryTally {
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

/** Everything learnt about one file while it is read: counts, dates, ESIIDs, warnings and errors, in English. */
export class FileOutcome {
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

  /** The file as a whole cannot be read (wrong header, unknown format, refused or damaged ZIP): HTTP 422. */
  reject(message: string) {
    this.rejection ??= message;
    this.error({ message });
  }

  get status(): IngestStatus {
    return this.errorCount > 0 ? "failed" : "parsed";
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

  /** After the last row: drops the writes of a failed file, adds the file-wide warnings, and sums up. */
  settle(declaredEsiid: string | undefined): SettledOutcome {
    const failed = this.status === "failed";
    if (failed) this.discardWrites();
    this.checkDeclaredEsiid(declaredEsiid);
    this.noteCalendar();
    return { failed, columns: this.columns(), message: this.message(), entries: this.entries };
  }

  message(): string {
    if (this.rejection) return this.rejection;
    if (this.status === "failed") {
      const first = this.errors[0];
      return (
        `${this.errorCount} row${plural(this.errorCount)} could not be read (first: ${first?.line ? `line ${first.line}: ` : ""}${first?.message.replace(/\.$/, "")}); ` +
        "no rows from this file were written. The raw file is kept; fix the file and upload it again."
      );
    }
    return `Read ${this.rowsParsed} row${plural(this.rowsParsed)}: ${this.rowsInserted} inserted, ${this.rowsUpdated} updated, ${this.rowsSkipped} skipped.`;
  }

  columns(): OutcomeColumns {
    return {
      rowsParsed: this.rowsParsed,
      rowsInserted: this.rowsInserted,
      rowsUpdated: this.rowsUpdated,
      rowsSkipped: this.rowsSkipped,
      firstDay: this.firstDay,
      lastDay: this.lastDay,
      esiids: [...this.esiids].sort(),
      warningCount: this.warningCount,
      errorCount: this.errorCount,
      warnings: this.warnings,
      errors: this.errors,
    };
  }
}

const plural = (count: number) => (count === 1 ? "" : "s");

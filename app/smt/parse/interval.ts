import { dayNumber, formatLocalDate, type LocalDate } from "../../time/chicago";
import { parseDecimal, type DecimalLimits } from "./fields";
import type { IssueCounts, IssueLog } from "./types";

/** Matches the Prisma enum SmtChannel. */
export type SmtChannel = "consumption" | "generation";

/** One 15-minute reading: slot (esiid, channel, intervalStart) of its Central day's SmtIntervalDay row. */
export interface IntervalRow {
  esiid: string;
  channel: SmtChannel;
  /** Start of the interval, UTC. */
  intervalStart: Date;
  /** Exact decimal text (`"0.430"`, `"1"`), null when SMT has no reading for the interval. */
  kwh: string | null;
  estimated: boolean;
  /** SMT's REVISION_DATE (Central) as UTC: the newest revision of an interval wins. */
  revisionAt: Date;
  /** CSV: 1-based physical line (the header is line 1). JSON: 1-based position in `energyData`. */
  line: number;
}

export interface IntervalSummary extends IssueCounts {
  /** Data records read from the file (CSV lines after the header, JSON slots). */
  rowsRead: number;
  /** Rows yielded. */
  rowsParsed: number;
  /** Records read but not yielded for a reason that is not an error: DST placeholders, superseded revisions, repeats. */
  rowsSkipped: number;
  esiids: string[];
  /** Central usage dates, `YYYY-MM-DD`; null when no row was parsed. */
  firstDay: string | null;
  lastDay: string | null;
}

/** A reading has at most 8 integer and 4 fraction digits (SMT's precision); SmtIntervalDay.kwh holds DECIMAL(14,5). */
export const INTERVAL_KWH_LIMITS: DecimalLimits = { integerDigits: 8, fractionDigits: 4 };

/**
 * One interval reading as exact decimal text. Negative readings are refused: SMT reports surplus generation on
 * its own channel as a positive figure, so a minus sign means a damaged or hand-edited file.
 */
export function parseIntervalKwh(text: string): { value: string } | { error: string } {
  const parsed = parseDecimal(text, INTERVAL_KWH_LIMITS);
  if ("value" in parsed && parsed.value.startsWith("-")) {
    return { error: `${text} is negative; interval readings are never below zero` };
  }
  return parsed;
}

/** `Consumption`, `Surplus Generation` and the variants other tools write (`SurplusGeneration`, `C`, `G`). */
export function parseChannel(text: string): SmtChannel | null {
  switch (text.toLowerCase().replace(/[\s_-]+/g, "")) {
    case "consumption":
    case "c":
      return "consumption";
    case "surplusgeneration":
    case "generation":
    case "g":
      return "generation";
    default:
      return null;
  }
}

/**
 * Settles each (esiid, channel, day) before its rows leave the parser: within the file the latest REVISION_DATE
 * wins per interval, and a day met again further on is skipped when older or re-emitted when newer (the database
 * upsert keeps the newest revisionAt). Remembers one number per day emitted, never the rows.
 */
export class IntervalDayLedger {
  rowsParsed = 0;
  rowsSkipped = 0;
  private readonly esiids = new Set<string>();
  private firstDay: number | null = null;
  private lastDay: number | null = null;
  private readonly emittedRevision = new Map<string, Map<number, number>>();

  constructor(private readonly issues: IssueLog) {}

  skip(count = 1): void {
    this.rowsSkipped += count;
  }

  /** `candidates` are the day's rows in file order, possibly from several revisions. Returns the rows to yield. */
  settle(esiid: string, channel: SmtChannel, date: LocalDate, candidates: IntervalRow[]): IntervalRow[] {
    if (candidates.length === 0) return [];
    const where = `${formatLocalDate(date)} (${esiid}, ${channel})`;
    const firstLine = candidates[0].line;
    const byStart = new Map<number, IntervalRow>();
    let newestRevision = 0;
    for (const row of candidates) {
      const startMs = row.intervalStart.getTime();
      const revisionMs = row.revisionAt.getTime();
      newestRevision = Math.max(newestRevision, revisionMs);
      const kept = byStart.get(startMs);
      if (kept) {
        this.rowsSkipped++;
        const keptRevision = kept.revisionAt.getTime();
        if (keptRevision === revisionMs) {
          this.issues.warnOnce(
            `duplicate:${where}`,
            `Day ${where} lists the same interval twice (lines ${kept.line} and ${row.line}); the later line was kept.`,
            row.line,
          );
        } else {
          this.issues.warnOnce(
            `revised:${where}`,
            `Day ${where} appears with more than one REVISION_DATE; the latest revision of each interval was kept.`,
            row.line,
          );
        }
        if (keptRevision > revisionMs) continue;
      }
      byStart.set(startMs, row);
    }

    const key = `${esiid}|${channel}`;
    let days = this.emittedRevision.get(key);
    if (!days) this.emittedRevision.set(key, (days = new Map()));
    const day = dayNumber(date);
    const emittedRevision = days.get(day);
    if (emittedRevision !== undefined) {
      if (newestRevision < emittedRevision) {
        this.rowsSkipped += byStart.size;
        this.issues.warn(
          `Day ${where} appears again at line ${firstLine} with an older REVISION_DATE than earlier in the file; ` +
            "those rows were skipped.",
          firstLine,
        );
        return [];
      }
      this.issues.warn(
        `Day ${where} appears again at line ${firstLine}, apart from its earlier rows; its rows were emitted again ` +
          "and the database keeps the newest revision of each interval.",
        firstLine,
      );
    }
    days.set(day, Math.max(newestRevision, emittedRevision ?? 0));

    const rows = [...byStart.values()].sort((a, b) => a.intervalStart.getTime() - b.intervalStart.getTime());
    this.rowsParsed += rows.length;
    this.esiids.add(esiid);
    if (this.firstDay === null || day < this.firstDay) this.firstDay = day;
    if (this.lastDay === null || day > this.lastDay) this.lastDay = day;
    return rows;
  }

  summary(rowsRead: number): IntervalSummary {
    const asDate = (day: number | null) =>
      day === null ? null : new Date(day * 86_400_000).toISOString().slice(0, 10);
    return {
      rowsRead,
      rowsParsed: this.rowsParsed,
      rowsSkipped: this.rowsSkipped,
      esiids: [...this.esiids].sort(),
      firstDay: asDate(this.firstDay),
      lastDay: asDate(this.lastDay),
      ...this.issues.counts(),
    };
  }
}

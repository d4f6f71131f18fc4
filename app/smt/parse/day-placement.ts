import {
  chicagoDayLengthMinutes,
  chicagoDayStart,
  chicagoInstants,
  dayNumber,
  formatLocalDate,
  type LocalDate,
} from "../../time/chicago";
import type { IssueLog } from "./types";

/**
 * Where each line of one day (one ESIID, channel and revision) sits in time. SMT writes a day as a fixed
 * sequence of rows, so a row's instant comes from its position, not its labels (docs/smt.md, DST days): the
 * fall-back day has 100 rows with the repeated hour as CST, the spring-forward day 92 rows, or 96 with four
 * blank placeholders. A day of any other shape is placed by its time labels, with a warning.
 */
export const SLOT_SECONDS = 900;
export const DAY_SECONDS = 86_400;

/** One CSV line, checked field by field, waiting for its day to be complete. */
export interface IntervalLine {
  line: number;
  startSecond: number;
  endSecond: number;
  kwh: string | null;
  estimated: boolean;
  revisionAt: Date;
}

/** Where a line at a given position sits: its labels, and its minutes after local midnight (null: DST placeholder). */
interface Slot {
  startSecond: number;
  /** The fall-back day's first repeated row is printed `02:00,01:15` by SMT. */
  misprintedStartSecond?: number;
  endSecond: number;
  elapsedMinutes: number | null;
}

function slot(labelMinutes: number, elapsedMinutes: number | null): Slot {
  const startSecond = labelMinutes * 60;
  return { startSecond, endSecond: (startSecond + SLOT_SECONDS) % DAY_SECONDS, elapsedMinutes };
}

const range = (count: number) => Array.from({ length: count }, (_, index) => index);

/** Day layouts SMT writes, by the length of the Central day in minutes (spec §1.6). */
const LAYOUTS: Record<number, Slot[][]> = {
  1440: [range(96).map((i) => slot(15 * i, 15 * i))],
  1380: [
    // Portal: 96 rows, the four nonexistent 02:00–02:45 slots present and blank.
    range(96).map((i) => slot(15 * i, i < 8 ? 15 * i : i < 12 ? null : 15 * (i - 4))),
    range(92).map((i) => slot(i < 8 ? 15 * i : 15 * (i + 4), 15 * i)),
  ],
  1500: [
    range(100).map((i) => {
      const labelled = slot(i < 8 ? 15 * i : 15 * (i - 4), 15 * i);
      return i === 8 ? { ...labelled, misprintedStartSecond: 2 * 3600 } : labelled;
    }),
  ],
};

function layoutFor(lines: IntervalLine[], dayMinutes: number): Slot[] | null {
  return (
    LAYOUTS[dayMinutes]?.find(
      (layout) =>
        layout.length === lines.length &&
        layout.every(
          (expected, index) =>
            lines[index].endSecond % DAY_SECONDS === expected.endSecond &&
            (lines[index].startSecond === expected.startSecond ||
              lines[index].startSecond === expected.misprintedStartSecond),
        ),
    ) ?? null
  );
}

const clock = (second: number) =>
  `${String(Math.floor(second / 3600)).padStart(2, "0")}:${String(Math.floor(second / 60) % 60).padStart(2, "0")}`;

export interface PlacedDay {
  placed: [IntervalLine, Date][];
  /** Lines read but not placed for a reason that is not an error (DST placeholders, ambiguous repeats). */
  skipped: number;
}

/** Lays one revision of a day out in time; problems go to `issues`, prefixed with `where`. */
export function placeDay(lines: IntervalLine[], date: LocalDate, where: string, issues: IssueLog): PlacedDay {
  const dayMinutes = chicagoDayLengthMinutes(date);
  const layout = layoutFor(lines, dayMinutes);
  if (!layout) return placeByLabels(lines, date, dayMinutes, where, issues);
  const dayStartMs = chicagoDayStart(date).getTime();
  const placed: [IntervalLine, Date][] = [];
  let placeholders = 0;
  layout.forEach((expected, index) => {
    const line = lines[index];
    if (expected.elapsedMinutes !== null) {
      placed.push([line, new Date(dayStartMs + expected.elapsedMinutes * 60_000)]);
    } else if (line.kwh === null) {
      placeholders++;
    } else {
      issues.error(line.line, `${where}: a reading is given for ${clock(line.startSecond)}, ${SPRING_GAP}`);
    }
  });
  if (placeholders > 0) {
    issues.warnOnce(
      `spring:${dayNumber(date)}`,
      `DST spring-forward day ${formatLocalDate(
        date,
      )}: the blank rows for 02:00–02:45, an hour that does not exist in Central time, were skipped.`,
      lines[8]?.line,
    );
  }
  return { placed, skipped: placeholders };
}

const SPRING_GAP = "a time that does not exist on the DST spring-forward day.";

function placeByLabels(
  lines: IntervalLine[],
  date: LocalDate,
  dayMinutes: number,
  where: string,
  issues: IssueLog,
): PlacedDay {
  const expectedRows = dayMinutes === 1500 ? 100 : 96;
  issues.warn(
    `Day ${where} has ${lines.length} rows (lines ${lines[0].line}–${lines[lines.length - 1].line}) where SMT ` +
      `writes ${expectedRows}; its timestamps were taken from the time labels. Check that the file is complete.`,
    lines[0].line,
  );
  const startOf = (line: IntervalLine) =>
    (line.startSecond + SLOT_SECONDS) % DAY_SECONDS === line.endSecond % DAY_SECONDS
      ? line.startSecond
      : (line.endSecond - SLOT_SECONDS + DAY_SECONDS) % DAY_SECONDS;
  const occurrences = new Map<number, number>();
  for (const line of lines) occurrences.set(startOf(line), (occurrences.get(startOf(line)) ?? 0) + 1);
  const seen = new Map<number, number>();
  const placed: [IntervalLine, Date][] = [];
  let skipped = 0;
  for (const line of lines) {
    const startSecond = startOf(line);
    const instants = chicagoInstants(date, startSecond);
    const occurrence = seen.get(startSecond) ?? 0;
    seen.set(startSecond, occurrence + 1);
    if (instants.length === 1) {
      placed.push([line, instants[0]]);
    } else if (instants.length === 0) {
      if (line.kwh === null) skipped++;
      else issues.error(line.line, `${where}: a reading is given for ${clock(startSecond)}, ${SPRING_GAP}`);
    } else if (occurrences.get(startSecond) === instants.length) {
      placed.push([line, instants[occurrence]]);
    } else {
      skipped++;
      issues.warn(
        `${where}: ${clock(
          startSecond,
        )} occurs twice on the DST fall-back day and this partial day does not say which; the row was skipped.`,
        line.line,
      );
    }
  }
  return { placed, skipped };
}

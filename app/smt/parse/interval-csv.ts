import { parse } from "csv-parse";
import { pipeline } from "node:stream";
import {
  chicagoDayLengthMinutes,
  chicagoDayStart,
  chicagoInstants,
  chicagoToUtc,
  formatLocalDate,
  type LocalDate,
} from "./chicago-time";
import { parseClock, parseDecimal, parseLocalDate, parseLocalDateTime } from "./fields";
import {
  EsiidReader,
  INTERVAL_KWH_LIMITS,
  IntervalDayLedger,
  dayNumber,
  parseChannel,
  type IntervalRow,
  type IntervalSummary,
  type SmtChannel,
} from "./interval";
import { HeaderError, IssueLog, parseRun, toReadable, type ByteSource, type ParseRun } from "./types";

export const INTERVAL_CSV_HEADER = [
  "ESIID",
  "USAGE_DATE",
  "REVISION_DATE",
  "USAGE_START_TIME",
  "USAGE_END_TIME",
  "USAGE_KWH",
  "ESTIMATED_ACTUAL",
  "CONSUMPTION_SURPLUSGENERATION",
] as const;

type Column = (typeof INTERVAL_CSV_HEADER)[number];

const SLOT_SECONDS = 900;
const DAY_SECONDS = 86_400;

/** One CSV line, checked field by field, waiting for its day to be complete. */
interface IntervalLine {
  line: number;
  startSecond: number;
  endSecond: number;
  kwh: string | null;
  estimated: boolean;
  revisionAt: Date;
}

/** The open day of one (esiid, channel): at most ~100 lines per revision seen. */
interface OpenDay {
  esiid: string;
  channel: SmtChannel;
  date: LocalDate;
  day: number;
  /** Keyed by revisionAt ms: each revision of the day is laid out on its own before they are merged. */
  revisions: Map<number, IntervalLine[]>;
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

/**
 * Streams SMT's 15-minute interval CSV (portal export, e-mail subscription, or an Excel re-save) into
 * SmtInterval rows. Memory stays bounded: only the open day of each (esiid, channel) is held, because a row's
 * timestamp comes from its position within the day (spec §1.6), not from its time labels.
 *
 * Throws HeaderError before the first row when the header is not the interval header.
 */
export function parseIntervalCsv(source: ByteSource): ParseRun<IntervalRow, IntervalSummary> {
  const issues = new IssueLog();
  const ledger = new IntervalDayLedger(issues);
  let rowsRead = 0;

  async function* generate(): AsyncGenerator<IntervalRow> {
    const parser = parse({
      bom: true,
      trim: true,
      skip_empty_lines: true,
      relax_column_count: true,
      relax_quotes: true,
      max_record_size: 64 * 1024,
      info: true,
    });
    pipeline(toReadable(source), parser, () => {});

    const esiids = new EsiidReader(issues);
    const openDays = new Map<string, OpenDay>();
    const dates = new Map<string, LocalDate | null>();
    const revisions = new Map<string, Date | string>();
    let columns: Record<Column, number> | null = null;
    let columnCount = 0;

    const readDate = (text: string) => {
      let date = dates.get(text);
      if (date === undefined) {
        date = parseLocalDate(text);
        if (dates.size > 1000) dates.clear();
        dates.set(text, date);
      }
      return date;
    };
    const readRevision = (text: string): Date | string => {
      let revision = revisions.get(text);
      if (revision === undefined) {
        const local = parseLocalDateTime(text);
        const instant = local && chicagoToUtc(local.date, local.secondOfDay);
        revision = local
          ? (instant ?? `REVISION_DATE "${text}" falls in the hour skipped by daylight saving time.`)
          : `REVISION_DATE "${text}" is not a date and time (expected MM/DD/YYYY HH:MM:SS).`;
        if (revisions.size > 1000) revisions.clear();
        revisions.set(text, revision);
      }
      return revision;
    };

    function* settle(open: OpenDay): Generator<IntervalRow> {
      const candidates: IntervalRow[] = [];
      for (const lines of open.revisions.values()) {
        for (const [line, intervalStart] of timestamps(open, lines)) {
          candidates.push({
            esiid: open.esiid,
            channel: open.channel,
            intervalStart,
            kwh: line.kwh,
            estimated: line.estimated,
            revisionAt: line.revisionAt,
            line: line.line,
          });
        }
      }
      candidates.sort((a, b) => a.line - b.line);
      yield* ledger.settle(open.esiid, open.channel, open.date, candidates);
    }

    /** Lays one revision of a day out in time: by position when the day has SMT's shape, else by its labels. */
    function timestamps(open: OpenDay, lines: IntervalLine[]): [IntervalLine, Date][] {
      const dayMinutes = chicagoDayLengthMinutes(open.date);
      const where = `${formatLocalDate(open.date)} (${open.esiid}, ${open.channel})`;
      const layout = layoutFor(lines, dayMinutes);
      if (layout) {
        const dayStartMs = chicagoDayStart(open.date).getTime();
        const placed: [IntervalLine, Date][] = [];
        let placeholders = 0;
        layout.forEach((expected, index) => {
          const line = lines[index];
          if (expected.elapsedMinutes !== null) {
            placed.push([line, new Date(dayStartMs + expected.elapsedMinutes * 60_000)]);
          } else if (line.kwh === null) {
            placeholders++;
          } else {
            issues.error(line.line, `${where}: a reading is given for ${clock(line.startSecond)}, a time that does not exist on the DST spring-forward day.`);
          }
        });
        if (placeholders > 0) {
          ledger.skip(placeholders);
          issues.warnOnce(
            `spring:${open.day}`,
            `DST spring-forward day ${formatLocalDate(open.date)}: the blank rows for 02:00–02:45, an hour that does not exist in Central time, were skipped.`,
            lines[8]?.line,
          );
        }
        return placed;
      }
      return timestampsFromLabels(lines, open.date, dayMinutes, where);
    }

    function timestampsFromLabels(lines: IntervalLine[], date: LocalDate, dayMinutes: number, where: string): [IntervalLine, Date][] {
      const expectedRows = dayMinutes === 1500 ? 100 : 96;
      issues.warn(
        `Day ${where} has ${lines.length} rows (lines ${lines[0].line}–${lines[lines.length - 1].line}) where SMT writes ${expectedRows}; ` +
          "its timestamps were taken from the time labels. Check that the file is complete.",
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
      for (const line of lines) {
        const startSecond = startOf(line);
        const instants = chicagoInstants(date, startSecond);
        const occurrence = seen.get(startSecond) ?? 0;
        seen.set(startSecond, occurrence + 1);
        if (instants.length === 1) {
          placed.push([line, instants[0]]);
        } else if (instants.length === 0) {
          if (line.kwh === null) ledger.skip();
          else issues.error(line.line, `${where}: a reading is given for ${clock(startSecond)}, a time that does not exist on the DST spring-forward day.`);
        } else if (occurrences.get(startSecond) === instants.length) {
          placed.push([line, instants[occurrence]]);
        } else {
          ledger.skip();
          issues.warn(
            `${where}: ${clock(startSecond)} occurs twice on the DST fall-back day and this partial day does not say which; the row was skipped.`,
            line.line,
          );
        }
      }
      return placed;
    }

    try {
      for await (const { record, info } of parser as AsyncIterable<{ record: string[]; info: { lines: number } }>) {
        const line = info.lines;
        if (!columns) {
          columns = readHeader(record);
          columnCount = record.length;
          if (columnCount > INTERVAL_CSV_HEADER.length) {
            issues.warn(`The header has ${columnCount - INTERVAL_CSV_HEADER.length} column(s) beyond SMT's eight; they were ignored.`, line);
          }
          continue;
        }
        if (record.every((field) => field === "")) continue;
        rowsRead++;
        if (record.length !== columnCount) {
          issues.error(line, `The row has ${record.length} fields; the header has ${columnCount}.`);
          continue;
        }
        const field = (column: Column) => record[columns![column]];

        const esiid = esiids.read(field("ESIID"), line);
        if ("message" in esiid) {
          issues.error(line, esiid.message);
          continue;
        }
        const date = readDate(field("USAGE_DATE"));
        if (!date) {
          issues.error(line, `USAGE_DATE "${field("USAGE_DATE")}" is not a date (expected MM/DD/YYYY).`);
          continue;
        }
        const revisionAt = readRevision(field("REVISION_DATE"));
        if (typeof revisionAt === "string") {
          issues.error(line, revisionAt);
          continue;
        }
        const startSecond = parseClock(field("USAGE_START_TIME"));
        const endSecond = parseClock(field("USAGE_END_TIME"));
        if (startSecond === null || startSecond >= DAY_SECONDS || endSecond === null) {
          const [name, text] =
            startSecond === null || startSecond >= DAY_SECONDS
              ? ["USAGE_START_TIME", field("USAGE_START_TIME")]
              : ["USAGE_END_TIME", field("USAGE_END_TIME")];
          issues.error(line, `${name} "${text}" is not a time of day (expected HH:MM).`);
          continue;
        }
        const kwhText = field("USAGE_KWH");
        let kwh: string | null = null;
        if (kwhText !== "") {
          const parsed = parseDecimal(kwhText, INTERVAL_KWH_LIMITS);
          if ("error" in parsed) {
            issues.error(line, `USAGE_KWH: ${parsed.error}.`);
            continue;
          }
          kwh = parsed.value;
        }
        const flag = field("ESTIMATED_ACTUAL").toUpperCase();
        if (flag !== "" && flag !== "A" && flag !== "E") {
          issues.error(line, `ESTIMATED_ACTUAL "${field("ESTIMATED_ACTUAL")}" should be A (actual) or E (estimated).`);
          continue;
        }
        const channel = parseChannel(field("CONSUMPTION_SURPLUSGENERATION"));
        if (!channel) {
          issues.error(
            line,
            `CONSUMPTION_SURPLUSGENERATION "${field("CONSUMPTION_SURPLUSGENERATION")}" is not a known channel (expected Consumption or Surplus Generation).`,
          );
          continue;
        }

        const key = `${esiid.esiid}|${channel}`;
        const day = dayNumber(date);
        let open = openDays.get(key);
        if (open && open.day !== day) {
          openDays.delete(key);
          yield* settle(open);
          open = undefined;
        }
        if (!open) {
          open = { esiid: esiid.esiid, channel, date, day, revisions: new Map() };
          openDays.set(key, open);
        }
        const revisionMs = revisionAt.getTime();
        let lines = open.revisions.get(revisionMs);
        if (!lines) open.revisions.set(revisionMs, (lines = []));
        lines.push({ line, startSecond, endSecond, kwh, estimated: flag === "E", revisionAt });
      }
    } catch (error) {
      if (error instanceof HeaderError || !isCsvError(error)) throw error;
      if (!columns) throw new HeaderError(`The file could not be read as CSV: ${error.message}`, INTERVAL_CSV_HEADER, []);
      issues.error(error.lines ?? 0, `The file stops being valid CSV here (${error.message}); the rest was not read.`);
    }
    if (!columns) throw new HeaderError("The file is empty; expected an SMT 15-minute interval CSV.", INTERVAL_CSV_HEADER, []);
    for (const open of [...openDays.values()].sort((a, b) => a.day - b.day)) yield* settle(open);
  }

  return parseRun(generate, () => ledger.summary(rowsRead));
}

function readHeader(record: string[]): Record<Column, number> {
  const found = record.map((name) => name.toUpperCase());
  const missing = INTERVAL_CSV_HEADER.filter((name) => !found.includes(name));
  if (missing.length > 0) {
    throw new HeaderError(
      `This is not an SMT 15-minute interval CSV: the first line should be "${INTERVAL_CSV_HEADER.join(",")}", ` +
        `but ${missing.join(", ")} ${missing.length === 1 ? "is" : "are"} missing.`,
      INTERVAL_CSV_HEADER,
      record,
    );
  }
  return Object.fromEntries(INTERVAL_CSV_HEADER.map((name) => [name, found.indexOf(name)])) as Record<Column, number>;
}

/** csv-parse's own errors (CsvError) carry a `CSV_…` code. */
export function isCsvError(error: unknown): error is Error & { code: string; lines?: number } {
  const code = (error as { code?: unknown } | null)?.code;
  return error instanceof Error && typeof code === "string" && code.startsWith("CSV_");
}

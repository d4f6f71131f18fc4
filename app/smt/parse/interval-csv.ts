import { chicagoDayLengthMinutes, chicagoToUtc, dayNumber, formatLocalDate, type LocalDate } from "../../time/chicago";
import { CsvSyntaxError, readCsvRecords } from "./csv-records";
import { BoundedCache } from "./field-cache";
import { DAY_SECONDS, SLOT_SECONDS, placeDay, type IntervalLine } from "./day-placement";
import { parseClock, parseLocalDate, parseLocalDateTime } from "./fields";
import { EsiidReader } from "./esiid";
import {
  IntervalDayLedger,
  parseChannel,
  parseIntervalKwh,
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

/**
 * Days held open at once. SMT writes each day's rows together, so a file has one or two open days (consumption and
 * generation); a retailer's daily file of every meter would otherwise hold every meter's day to the end of the file.
 */
const MAX_OPEN_DAYS = 64;

/** The open day of one (esiid, channel): at most ~100 lines per revision seen. */
interface OpenDay {
  esiid: string;
  channel: SmtChannel;
  date: LocalDate;
  day: number;
  /** Keyed by revisionAt ms: each revision of the day is laid out on its own before they are merged. */
  revisions: Map<number, IntervalLine[]>;
}

/**
 * Streams SMT's 15-minute interval CSV (portal export, e-mail subscription, or an Excel re-save) into
 * interval rows (stored by day in SmtIntervalDay). Memory stays bounded: only the open day of each (esiid, channel) is held, because a row's
 * timestamp comes from its position within the day (spec §1.6), not from its time labels.
 *
 * Throws HeaderError before the first row when the header is not the interval header.
 */
export function parseIntervalCsv(source: ByteSource): ParseRun<IntervalRow, IntervalSummary> {
  const issues = new IssueLog();
  const ledger = new IntervalDayLedger(issues);
  let rowsRead = 0;

  async function* generate(): AsyncGenerator<IntervalRow[]> {
    const fieldsReader = new IntervalFieldsReader(issues);
    // In order of last use: the first entry is the day least recently written to.
    const openDays = new Map<string, OpenDay>();
    let last: OpenDay | undefined;
    let columns: Record<Column, number> | null = null;
    let columnCount = 0;

    try {
      for await (const records of readCsvRecords(toReadable(source)))
        for (const { fields: record, line } of records) {
          if (!columns) {
            columns = readHeader(record);
            columnCount = record.length;
            if (columnCount > INTERVAL_CSV_HEADER.length) {
              issues.warn(
                `The header has ${
                  columnCount - INTERVAL_CSV_HEADER.length
                } column(s) beyond SMT's eight; they were ignored.`,
                line,
              );
            }
            continue;
          }
          if (record.every((field) => field === "")) continue;
          rowsRead++;
          if (record.length !== columnCount) {
            issues.error(line, `The row has ${record.length} fields; the header has ${columnCount}.`);
            continue;
          }
          const intervalLine = fieldsReader.read(record, columns, line);
          if (!intervalLine) continue;
          const { esiid, channel, date } = fieldsReader;
          // Rows of one day come together: the open day of the previous row is found without a lookup.
          if (last && last.esiid === esiid && last.channel === channel && last.date === date) {
            addLine(last, intervalLine);
            continue;
          }
          const key = `${esiid}|${channel}`;
          const day = dayNumber(date);
          let open = openDays.get(key);
          if (open && open.day !== day) {
            openDays.delete(key);
            yield settleDay(open, issues, ledger);
            open = undefined;
          }
          if (!open) {
            open = { esiid, channel, date, day, revisions: new Map() };
            openDays.set(key, open);
            if (openDays.size > MAX_OPEN_DAYS) {
              const [oldestKey, oldest] = openDays.entries().next().value as [string, OpenDay];
              openDays.delete(oldestKey);
              if (oldest === last) last = undefined;
              yield settleDay(oldest, issues, ledger);
            }
          } else if (open !== last) {
            openDays.delete(key);
            openDays.set(key, open);
          }
          last = open;
          addLine(open, intervalLine);
        }
    } catch (error) {
      if (!(error instanceof CsvSyntaxError)) throw error;
      if (!columns)
        throw new HeaderError(`The file could not be read as CSV: ${error.message}.`, INTERVAL_CSV_HEADER, []);
      issues.error(error.line, `The file stops being valid CSV here (${error.message}); the rest was not read.`);
    }
    if (!columns)
      throw new HeaderError("The file is empty; expected an SMT 15-minute interval CSV.", INTERVAL_CSV_HEADER, []);
    for (const open of [...openDays.values()].sort((a, b) => a.day - b.day)) yield settleDay(open, issues, ledger);
  }

  return parseRun(generate, () => ledger.summary(rowsRead));
}

/** Files a line under its revision of the open day. */
function addLine(open: OpenDay, line: IntervalLine): void {
  const revisionMs = line.revisionAt.getTime();
  let lines = open.revisions.get(revisionMs);
  if (!lines) open.revisions.set(revisionMs, (lines = []));
  lines.push(line);
}

/** Places every revision of a finished day in time and lets the ledger keep the latest of each interval. */
function settleDay(open: OpenDay, issues: IssueLog, ledger: IntervalDayLedger): IntervalRow[] {
  const where = `${formatLocalDate(open.date)} (${open.esiid}, ${open.channel})`;
  const candidates: IntervalRow[] = [];
  for (const lines of open.revisions.values()) {
    const { placed, skipped } = placeDay(lines, open.date, where, issues);
    ledger.skip(skipped);
    for (const [line, intervalStart] of placed) {
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
  return ledger.settle(open.esiid, open.channel, open.date, candidates);
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

/**
 * Checks one record's fields; values repeated on every row (ESIID, dates, time labels) are parsed once. After a
 * successful `read`, `esiid`, `channel` and `date` are the record's (the same objects for the same text).
 */
class IntervalFieldsReader {
  esiid = "";
  channel: SmtChannel = "consumption";
  date: LocalDate = { year: 0, month: 0, day: 0 };
  private readonly esiids: EsiidReader;
  private readonly dates = new BoundedCache<LocalDate | null>();
  private readonly revisions = new BoundedCache<Date | string>();
  private readonly channels = new BoundedCache<SmtChannel | null>();
  /** Readings repeat across a file (thousandths of a kWh), so most rows skip the decimal check. */
  private readonly readings = new BoundedCache<ReturnType<typeof parseIntervalKwh>>(50_000);

  constructor(private readonly issues: IssueLog) {
    this.esiids = new EsiidReader(issues);
  }

  read(record: string[], columns: Record<Column, number>, line: number): IntervalLine | null {
    const esiid = this.esiids.read(record[columns.ESIID], line);
    if ("message" in esiid) return this.fail(line, esiid.message);
    const dateText = record[columns.USAGE_DATE];
    const date = this.dates.get(dateText, parseLocalDate);
    if (!date) return this.fail(line, `USAGE_DATE "${dateText}" is not a date (expected MM/DD/YYYY).`);
    const revisionAt = this.revisions.get(record[columns.REVISION_DATE], parseRevision);
    if (typeof revisionAt === "string") return this.fail(line, revisionAt);
    const startText = record[columns.USAGE_START_TIME];
    const startSecond = parseClock(startText);
    if (startSecond === null || startSecond >= DAY_SECONDS) {
      return this.fail(line, `USAGE_START_TIME "${startText}" is not a time of day (expected HH:MM).`);
    }
    if (startSecond % SLOT_SECONDS !== 0) {
      return this.fail(line, `USAGE_START_TIME "${startText}" is not on a 15-minute boundary (:00, :15, :30 or :45).`);
    }
    const endText = record[columns.USAGE_END_TIME];
    const endSecond = parseClock(endText);
    if (endSecond === null)
      return this.fail(line, `USAGE_END_TIME "${endText}" is not a time of day (expected HH:MM).`);
    if (!endsOneSlotLater(startSecond, endSecond, date)) {
      return this.fail(line, `USAGE_END_TIME "${endText}" should be 15 minutes after USAGE_START_TIME "${startText}".`);
    }
    const kwhText = record[columns.USAGE_KWH];
    let kwh: string | null = null;
    if (kwhText !== "") {
      const parsed = this.readings.get(kwhText, parseIntervalKwh);
      if ("error" in parsed) return this.fail(line, `USAGE_KWH: ${parsed.error}.`);
      kwh = parsed.value;
    }
    const flagText = record[columns.ESTIMATED_ACTUAL];
    const flag = flagText.toUpperCase();
    if (flag !== "" && flag !== "A" && flag !== "E") {
      return this.fail(line, `ESTIMATED_ACTUAL "${flagText}" should be A (actual) or E (estimated).`);
    }
    const channelText = record[columns.CONSUMPTION_SURPLUSGENERATION];
    const channel = this.channels.get(channelText, parseChannel);
    if (!channel) {
      return this.fail(
        line,
        `CONSUMPTION_SURPLUSGENERATION "${channelText}" is not a known channel (expected Consumption or Surplus Generation).`,
      );
    }
    this.esiid = esiid.esiid;
    this.channel = channel;
    this.date = date;
    return { line, startSecond, endSecond, kwh, estimated: flag === "E", revisionAt };
  }

  private fail(line: number, message: string): null {
    this.issues.error(line, message);
    return null;
  }
}

/** An interval ends 15 minutes after it starts; SMT's fall-back day prints its first repeated row `02:00,01:15`. */
function endsOneSlotLater(startSecond: number, endSecond: number, date: LocalDate): boolean {
  if ((startSecond + SLOT_SECONDS) % DAY_SECONDS === endSecond % DAY_SECONDS) return true;
  return startSecond === 2 * 3600 && endSecond === 3600 + SLOT_SECONDS && chicagoDayLengthMinutes(date) === 1500;
}

function parseRevision(text: string): Date | string {
  const local = parseLocalDateTime(text);
  if (!local) return `REVISION_DATE "${text}" is not a date and time (expected MM/DD/YYYY HH:MM:SS).`;
  return (
    chicagoToUtc(local.date, local.secondOfDay) ??
    `REVISION_DATE "${text}" falls in the hour skipped by daylight saving time.`
  );
}

import { Readable } from "node:stream";
import { formatLocalDate, type LocalDate } from "../../time/chicago";
import { CsvSyntaxError, readCsvRecords } from "./csv-records";
import { EsiidReader } from "./esiid";
import { parseDecimal, parseLocalDate, parseLocalDateTime, type DecimalLimits } from "./fields";
import { HeaderError, IssueLog, parseRun, toReadable, type ByteSource, type IssueCounts, type ParseRun } from "./types";

/** One billing or daily read, shaped for SmtBillingRead (unique esiid, meter, readStart, readEnd). */
export interface BillingRead {
  esiid: string;
  /** "" when the file has no meter column (the table's default). */
  meter: string;
  /** Central dates, `YYYY-MM-DD`; a file with a single read date gives readStart = readEnd. */
  readStart: string;
  readEnd: string;
  /** Exact decimal text, null when blank. */
  kwh: string | null;
  /** Columns without a table column: known ones (kw, startReading, endReading) by that name, others by their header. */
  extra: Record<string, string>;
  line: number;
}

export interface BillingSummary extends IssueCounts {
  rowsRead: number;
  rowsParsed: number;
  /** Rows repeating an (esiid, meter, readStart, readEnd) already read. */
  rowsSkipped: number;
  esiids: string[];
  firstDay: string | null;
  lastDay: string | null;
  /** Which header each field was read from, and the headers kept in `extra` as they were. */
  columns: { recognised: Partial<Record<BillingField, string>>; extra: string[] };
}

type BillingField =
  | "esiid"
  | "meter"
  | "readStart"
  | "readEnd"
  | "readDate"
  | "kwh"
  | "kw"
  | "startReading"
  | "endReading";

/**
 * SMT's DailyMeterUsage and MonthlyBilling CSV layouts are undocumented (spec §8), so columns are found by name.
 * Names are compared lowercased without spaces, underscores or punctuation: `ESI_ID`, `Meter Number` and
 * `meterNumber` all match.
 */
const ALIASES: Record<BillingField, string[]> = {
  esiid: ["esiid", "esiidnumber", "esiidno", "esi", "esinumber", "esid"],
  meter: ["meter", "meternumber", "meterno", "meterid", "meterserialnumber", "utilitymeterid"],
  readStart: [
    "readstart",
    "readstartdate",
    "startdate",
    "startreaddate",
    "fromdate",
    "periodstart",
    "periodstartdate",
    "servicestartdate",
    "billingstartdate",
  ],
  readEnd: [
    "readend",
    "readenddate",
    "enddate",
    "endreaddate",
    "todate",
    "periodend",
    "periodenddate",
    "serviceenddate",
    "billingenddate",
  ],
  readDate: ["readdate", "usagedate", "date", "servicedate", "readingdate", "meterreaddate"],
  kwh: ["kwh", "actualkwh", "usagekwh", "energydatakwh", "totalkwh", "consumptionkwh", "billedkwh", "meteredkwh"],
  kw: ["kw", "meteredkw", "actualkw", "demandkw", "billedkw"],
  startReading: ["startreading", "beginreading", "previousreading", "startread"],
  endReading: ["endreading", "currentreading", "endread"],
};

const FIELD_BY_ALIAS = new Map(
  Object.entries(ALIASES).flatMap(([field, aliases]) => aliases.map((alias) => [alias, field as BillingField])),
);

/** SmtBillingRead.kwh is DECIMAL(14, 4). */
const BILLING_KWH_LIMITS: DecimalLimits = { integerDigits: 10, fractionDigits: 4 };

const DELIMITERS = [",", ";", "\t", "|"];

/**
 * Streams a billing or daily-read CSV into SmtBillingRead rows. Comma, semicolon, tab and pipe delimiters are
 * recognised from the header line. Throws HeaderError when no ESIID column or no date column is found.
 */
export function parseBillingCsv(source: ByteSource): ParseRun<BillingRead, BillingSummary> {
  const issues = new IssueLog();
  const esiids = new Set<string>();
  const recognised: Partial<Record<BillingField, string>> = {};
  const extraHeaders: string[] = [];
  let rowsRead = 0;
  let rowsParsed = 0;
  let rowsSkipped = 0;
  let firstDay: string | null = null;
  let lastDay: string | null = null;

  async function* generate(): AsyncGenerator<BillingRead[]> {
    const { head, input } = await peekFirstLine(toReadable(source));

    const esiidReader = new EsiidReader(issues);
    const firstLineOf = new Map<string, number>();
    let columns: Map<BillingField, number> | null = null;
    let headers: string[] = [];
    let recognisedIndexes = new Set<number>();

    try {
      for await (const records of readCsvRecords(input, { delimiter: chooseDelimiter(head) })) {
        const reads: BillingRead[] = [];
        for (const { fields: record, line } of records) {
          if (!columns) {
            headers = record;
            columns = readHeader(record);
            recognisedIndexes = new Set(columns.values());
            for (const [field, index] of columns) recognised[field] = record[index];
            extraHeaders.push(...record.filter((_, index) => !recognisedIndexes.has(index)));
            if (!columns.has("kwh")) issues.warn("No kWh column was recognised; kwh is left empty on every row.", line);
            continue;
          }
          if (record.every((field) => field === "")) continue;
          rowsRead++;
          if (record.length !== headers.length) {
            issues.error(line, `The row has ${record.length} fields; the header has ${headers.length}.`);
            continue;
          }
          const field = (name: BillingField) => {
            const index = columns!.get(name);
            return index === undefined ? "" : record[index];
          };

          const esiid = esiidReader.read(field("esiid"), line);
          if ("message" in esiid) {
            issues.error(line, esiid.message);
            continue;
          }
          const dates: Partial<Record<"readStart" | "readEnd" | "readDate", LocalDate>> = {};
          let badDate: string | null = null;
          for (const name of ["readStart", "readEnd", "readDate"] as const) {
            const text = field(name);
            if (text === "") continue;
            const date = parseLocalDate(text) ?? parseLocalDateTime(text)?.date;
            if (date) dates[name] = date;
            else badDate = `${recognised[name]} "${text}" is not a date (expected MM/DD/YYYY or YYYY-MM-DD).`;
          }
          if (badDate) {
            issues.error(line, badDate);
            continue;
          }
          const start = dates.readStart ?? dates.readDate ?? dates.readEnd;
          const end = dates.readEnd ?? dates.readDate ?? dates.readStart;
          if (!start || !end) {
            issues.error(line, "The row has no read date.");
            continue;
          }
          const readStart = formatLocalDate(start);
          const readEnd = formatLocalDate(end);
          if (readEnd < readStart) {
            issues.error(line, `The read ends (${readEnd}) before it starts (${readStart}).`);
            continue;
          }
          let kwh: string | null = null;
          if (field("kwh") !== "") {
            const parsed = parseDecimal(field("kwh").replace(/,/g, ""), BILLING_KWH_LIMITS);
            if ("error" in parsed) {
              issues.error(line, `${recognised.kwh}: ${parsed.error}.`);
              continue;
            }
            kwh = parsed.value;
          }
          const meter = field("meter").replace(/^'/, "");

          const key = `${esiid.esiid}|${meter}|${readStart}|${readEnd}`;
          const firstLine = firstLineOf.get(key);
          if (firstLine !== undefined) {
            rowsSkipped++;
            issues.warn(
              `The read for ${esiid.esiid} meter "${meter}" ${readStart}–${readEnd} repeats line ${firstLine}; the first was kept.`,
              line,
            );
            continue;
          }
          firstLineOf.set(key, line);

          const extra: Record<string, string> = {};
          for (const name of ["kw", "startReading", "endReading"] as const)
            if (field(name) !== "") extra[name] = field(name);
          headers.forEach((header, index) => {
            if (record[index] !== "" && !recognisedIndexes.has(index)) extra[header] = record[index];
          });

          rowsParsed++;
          esiids.add(esiid.esiid);
          if (firstDay === null || readStart < firstDay) firstDay = readStart;
          if (lastDay === null || readEnd > lastDay) lastDay = readEnd;
          reads.push({ esiid: esiid.esiid, meter, readStart, readEnd, kwh, extra, line });
        }
        if (reads.length > 0) yield reads;
      }
    } catch (error) {
      if (!(error instanceof CsvSyntaxError)) throw error;
      if (!columns) throw new HeaderError(`The file could not be read as CSV: ${error.message}.`, REQUIRED_HEADERS, []);
      issues.error(error.line, `The file stops being valid CSV here (${error.message}); the rest was not read.`);
    }
    if (!columns)
      throw new HeaderError("The file is empty; expected a billing CSV with a header line.", REQUIRED_HEADERS, []);
  }

  return parseRun(generate, () => ({
    rowsRead,
    rowsParsed,
    rowsSkipped,
    esiids: [...esiids].sort(),
    firstDay,
    lastDay,
    columns: { recognised, extra: extraHeaders },
    ...issues.counts(),
  }));
}

const REQUIRED_HEADERS = ["ESIID", "a read date (start/end date, read date or usage date)"];

export function normalizeHeader(name: string): string {
  return name.toLowerCase().replace(/[^a-z0-9]/g, "");
}

/** The field each known alias names, or undefined. Exposed for file detection. */
export function billingFieldFor(header: string): BillingField | undefined {
  return FIELD_BY_ALIAS.get(normalizeHeader(header));
}

function readHeader(record: string[]): Map<BillingField, number> {
  const columns = new Map<BillingField, number>();
  record.forEach((header, index) => {
    const field = billingFieldFor(header);
    if (field && !columns.has(field)) columns.set(field, index);
  });
  const hasDate = columns.has("readStart") || columns.has("readEnd") || columns.has("readDate");
  if (!columns.has("esiid") || !hasDate) {
    const missing = [
      !columns.has("esiid") && "an ESIID column (esiid, esi_id)",
      !hasDate && "a date column (start/end date, read date, usage date)",
    ]
      .filter(Boolean)
      .join(" and ");
    throw new HeaderError(
      `This billing CSV cannot be read: its header (${record.slice(0, 12).join(", ")}) has no ${missing}.`,
      REQUIRED_HEADERS,
      record,
    );
  }
  return columns;
}

/** Reads until the first line break so the delimiter can be chosen, then hands back a stream of every byte. */
async function peekFirstLine(input: Readable): Promise<{ head: string; input: Readable }> {
  const iterator = input[Symbol.asyncIterator]() as AsyncIterator<Buffer | string>;
  const chunks: Buffer[] = [];
  let length = 0;
  let done = false;
  while (length < 64 * 1024) {
    const next = await iterator.next();
    if (next.done) {
      done = true;
      break;
    }
    const chunk = Buffer.from(next.value);
    chunks.push(chunk);
    length += chunk.length;
    if (chunk.includes(0x0a)) break;
  }
  const head = Buffer.concat(chunks);
  async function* replay(): AsyncGenerator<Buffer> {
    try {
      yield head;
      if (done) return;
      for (let next = await iterator.next(); !next.done; next = await iterator.next()) yield Buffer.from(next.value);
    } finally {
      await iterator.return?.();
    }
  }
  return { head: head.toString("utf8").split(/\r?\n/)[0], input: Readable.from(replay()) };
}

function chooseDelimiter(headerLine: string): string {
  const unquoted = headerLine.replace(/"[^"]*"/g, "");
  const counts = DELIMITERS.map((delimiter) => unquoted.split(delimiter).length - 1);
  const best = counts.indexOf(Math.max(...counts));
  return counts[best] > 0 ? DELIMITERS[best] : ",";
}

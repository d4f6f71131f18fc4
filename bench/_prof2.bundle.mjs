// bench/_prof2.mts
import { createReadStream } from "node:fs";

// app/time/chicago.ts
var ZONE = "America/Chicago";
var MINUTE_MS = 6e4;
var DAY_MS = 864e5;
var wallClockFormatter = new Intl.DateTimeFormat("en-US", {
  timeZone: ZONE,
  hourCycle: "h23",
  year: "numeric",
  month: "numeric",
  day: "numeric",
  hour: "numeric",
  minute: "numeric"
});
function intlOffsetMinutes(utcMs) {
  const parts = {};
  for (const part of wallClockFormatter.formatToParts(new Date(utcMs)))
    parts[part.type] = Number(part.value);
  const wallMs = Date.UTC(parts.year, parts.month - 1, parts.day, parts.hour, parts.minute);
  return Math.round((wallMs - Math.floor(utcMs / MINUTE_MS) * MINUTE_MS) / MINUTE_MS);
}
var yearCache = /* @__PURE__ */ new Map();
function offsetsForYear(year) {
  const cached = yearCache.get(year);
  if (cached)
    return cached;
  const startMs = Date.UTC(year, 0, 1);
  const endMs = Date.UTC(year + 1, 0, 1);
  const initialOffset = intlOffsetMinutes(startMs);
  const transitions = [];
  let previousOffset = initialOffset;
  for (let dayMs = startMs; dayMs < endMs; dayMs += DAY_MS) {
    const nextMs = Math.min(dayMs + DAY_MS, endMs);
    const nextOffset = intlOffsetMinutes(nextMs);
    if (nextOffset === previousOffset)
      continue;
    let low = dayMs;
    let high = nextMs;
    while (high - low > MINUTE_MS) {
      const middle = low + Math.floor((high - low) / 2 / MINUTE_MS) * MINUTE_MS;
      if (intlOffsetMinutes(middle) === previousOffset)
        low = middle;
      else
        high = middle;
    }
    transitions.push({ atMs: high, offset: nextOffset });
    previousOffset = nextOffset;
  }
  const offsets = [.../* @__PURE__ */ new Set([initialOffset, ...transitions.map((transition) => transition.offset)])];
  const result = { initialOffset, transitions, offsets };
  yearCache.set(year, result);
  return result;
}
function offsetAtMs(utcMs) {
  const { initialOffset, transitions } = offsetsForYear(new Date(utcMs).getUTCFullYear());
  let offset = initialOffset;
  for (const transition of transitions) {
    if (utcMs < transition.atMs)
      break;
    offset = transition.offset;
  }
  return offset;
}
function chicagoInstants(date, secondOfDay) {
  const wallMs = Date.UTC(date.year, date.month - 1, date.day) + secondOfDay * 1e3;
  const { offsets } = offsetsForYear(date.year);
  const instants = offsets.map((offset) => wallMs - offset * MINUTE_MS).filter((utcMs, index) => offsetAtMs(utcMs) === offsets[index]).sort((a, b) => a - b);
  return [...new Set(instants)].map((utcMs) => new Date(utcMs));
}
function chicagoToUtc(date, secondOfDay) {
  return chicagoInstants(date, secondOfDay)[0] ?? null;
}
var dayStartCache = /* @__PURE__ */ new Map();
function dayNumber(date) {
  return Date.UTC(date.year, date.month - 1, date.day) / DAY_MS;
}
function dayStartMs(date) {
  const key = dayNumber(date);
  let startMs = dayStartCache.get(key);
  if (startMs === void 0) {
    const midnight = chicagoToUtc(date, 0);
    if (!midnight)
      throw new Error(`No local midnight in ${ZONE} on ${formatLocalDate(date)}`);
    startMs = midnight.getTime();
    dayStartCache.set(key, startMs);
  }
  return startMs;
}
function chicagoDayStart(date) {
  return new Date(dayStartMs(date));
}
function chicagoDayLengthMinutes(date) {
  return (dayStartMs(addDays(date, 1)) - dayStartMs(date)) / MINUTE_MS;
}
function addDays(date, days) {
  const shifted = new Date(Date.UTC(date.year, date.month - 1, date.day + days));
  return { year: shifted.getUTCFullYear(), month: shifted.getUTCMonth() + 1, day: shifted.getUTCDate() };
}
function formatLocalDate(date) {
  return `${String(date.year).padStart(4, "0")}-${String(date.month).padStart(2, "0")}-${String(date.day).padStart(
    2,
    "0"
  )}`;
}

// app/smt/parse/csv-records.ts
import { CsvError } from "csv-parse";
import { parse as parseSync } from "csv-parse/sync";
import { StringDecoder } from "node:string_decoder";
var CsvSyntaxError = class extends Error {
  constructor(line, message) {
    super(message);
    this.line = line;
  }
  name = "CsvSyntaxError";
};
async function* readCsvRecords(input, options = {}) {
  const reader = new RecordReader(options.delimiter ?? ",", options.maxRecordLength ?? 64 * 1024);
  const decoder = new StringDecoder("utf8");
  let pending = "";
  let started = false;
  const take = function* (text, final) {
    if (!started && text.length > 0) {
      started = true;
      if (text.charCodeAt(0) === 65279)
        text = text.slice(1);
    }
    let from = 0;
    try {
      for (let end = text.indexOf("\n"); end >= 0; end = text.indexOf("\n", from)) {
        reader.line(text.slice(from, end));
        from = end + 1;
      }
      pending = text.slice(from);
      if (final && pending.length > 0)
        reader.line(pending);
      if (final)
        reader.end();
      else
        reader.checkLength(pending.length);
    } catch (error) {
      if (reader.records.length > 0)
        yield reader.drain();
      throw error;
    }
    if (reader.records.length > 0)
      yield reader.drain();
  };
  for await (const chunk of input)
    yield* take(pending + decoder.write(chunk), false);
  yield* take(pending + decoder.end(), true);
}
var RecordReader = class {
  constructor(delimiter, maxRecordLength) {
    this.delimiter = delimiter;
    this.maxRecordLength = maxRecordLength;
  }
  records = [];
  lineNumber = 0;
  /** A record with an odd number of quotes so far: its lines, joined by LF (a CR before it stays in the text). */
  quoted = null;
  drain() {
    const records = this.records;
    this.records = [];
    return records;
  }
  /** One physical line without its LF. */
  line(raw) {
    const line = ++this.lineNumber;
    if (this.quoted) {
      this.quoted.text += `
${raw}`;
      this.quoted.quotes += countQuotes(raw);
      this.checkLength(this.quoted.text.length, this.quoted.line);
      if (this.quoted.quotes % 2 === 0)
        this.parseQuoted();
      return;
    }
    this.checkLength(raw.length, line);
    if (raw.includes('"')) {
      this.quoted = { text: raw, line, quotes: countQuotes(raw) };
      if (this.quoted.quotes % 2 === 0)
        this.parseQuoted();
      return;
    }
    const fields = raw.split(this.delimiter);
    for (let i = 0; i < fields.length; i++)
      fields[i] = trimField(fields[i]);
    if (fields.length === 1 && fields[0] === "")
      return;
    this.records.push({ fields, line });
  }
  end() {
    if (this.quoted)
      throw new CsvSyntaxError(this.quoted.line, "a quoted field is never closed");
  }
  checkLength(length, line = this.lineNumber + 1) {
    if (length > this.maxRecordLength) {
      throw new CsvSyntaxError(line, `a record is longer than ${this.maxRecordLength} characters`);
    }
  }
  parseQuoted() {
    const { text, line } = this.quoted;
    this.quoted = null;
    let parsed;
    try {
      parsed = parseSync(text.endsWith("\r") ? text.slice(0, -1) : text, {
        delimiter: this.delimiter,
        trim: true,
        relax_column_count: true,
        record_delimiter: ["\r\n", "\n"]
      });
    } catch (error) {
      if (error instanceof CsvError)
        throw new CsvSyntaxError(line + lineOf(error) - 1, describe(error, this.maxRecordLength));
      throw error;
    }
    for (const fields of parsed)
      this.records.push({ fields, line });
  }
};
function countQuotes(text) {
  let quotes = 0;
  for (let at = text.indexOf('"'); at >= 0; at = text.indexOf('"', at + 1))
    quotes++;
  return quotes;
}
function isTrimmed(code) {
  return code === 32 || code === 9 || code === 13 || code === 10 || code === 12;
}
function trimField(field) {
  let start = 0;
  let end = field.length;
  while (start < end && isTrimmed(field.charCodeAt(start)))
    start++;
  while (end > start && isTrimmed(field.charCodeAt(end - 1)))
    end--;
  return start === 0 && end === field.length ? field : field.slice(start, end);
}
function lineOf(error) {
  const lines = error.lines;
  return typeof lines === "number" && lines > 0 ? lines : 1;
}
function describe(error, maxRecordLength) {
  switch (error.code) {
    case "CSV_QUOTE_NOT_CLOSED":
      return "a quoted field is never closed";
    case "CSV_MAX_RECORD_SIZE":
      return `a record is longer than ${maxRecordLength} characters`;
    case "CSV_INVALID_CLOSING_QUOTE":
      return "a closing quote is followed by something other than a delimiter";
    case "INVALID_OPENING_QUOTE":
      return "a quote appears inside an unquoted field";
    default:
      return error.message.replace(/\.$/, "");
  }
}

// app/smt/parse/day-placement.ts
var SLOT_SECONDS = 900;
var DAY_SECONDS = 86400;
function slot(labelMinutes, elapsedMinutes) {
  const startSecond = labelMinutes * 60;
  return { startSecond, endSecond: (startSecond + SLOT_SECONDS) % DAY_SECONDS, elapsedMinutes };
}
var range = (count) => Array.from({ length: count }, (_, index) => index);
var LAYOUTS = {
  1440: [range(96).map((i) => slot(15 * i, 15 * i))],
  1380: [
    // Portal: 96 rows, the four nonexistent 02:00–02:45 slots present and blank.
    range(96).map((i) => slot(15 * i, i < 8 ? 15 * i : i < 12 ? null : 15 * (i - 4))),
    range(92).map((i) => slot(i < 8 ? 15 * i : 15 * (i + 4), 15 * i))
  ],
  1500: [
    range(100).map((i) => {
      const labelled = slot(i < 8 ? 15 * i : 15 * (i - 4), 15 * i);
      return i === 8 ? { ...labelled, misprintedStartSecond: 2 * 3600 } : labelled;
    })
  ]
};
function layoutFor(lines, dayMinutes) {
  return LAYOUTS[dayMinutes]?.find(
    (layout) => layout.length === lines.length && layout.every(
      (expected, index) => lines[index].endSecond % DAY_SECONDS === expected.endSecond && (lines[index].startSecond === expected.startSecond || lines[index].startSecond === expected.misprintedStartSecond)
    )
  ) ?? null;
}
var clock = (second) => `${String(Math.floor(second / 3600)).padStart(2, "0")}:${String(Math.floor(second / 60) % 60).padStart(2, "0")}`;
function placeDay(lines, date, where, issues) {
  const dayMinutes = chicagoDayLengthMinutes(date);
  const layout = layoutFor(lines, dayMinutes);
  if (!layout)
    return placeByLabels(lines, date, dayMinutes, where, issues);
  const dayStartMs2 = chicagoDayStart(date).getTime();
  const placed = [];
  let placeholders = 0;
  layout.forEach((expected, index) => {
    const line = lines[index];
    if (expected.elapsedMinutes !== null) {
      placed.push([line, new Date(dayStartMs2 + expected.elapsedMinutes * 6e4)]);
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
        date
      )}: the blank rows for 02:00\u201302:45, an hour that does not exist in Central time, were skipped.`,
      lines[8]?.line
    );
  }
  return { placed, skipped: placeholders };
}
var SPRING_GAP = "a time that does not exist on the DST spring-forward day.";
function placeByLabels(lines, date, dayMinutes, where, issues) {
  const expectedRows = dayMinutes === 1500 ? 100 : 96;
  issues.warn(
    `Day ${where} has ${lines.length} rows (lines ${lines[0].line}\u2013${lines[lines.length - 1].line}) where SMT writes ${expectedRows}; its timestamps were taken from the time labels. Check that the file is complete.`,
    lines[0].line
  );
  const startOf = (line) => (line.startSecond + SLOT_SECONDS) % DAY_SECONDS === line.endSecond % DAY_SECONDS ? line.startSecond : (line.endSecond - SLOT_SECONDS + DAY_SECONDS) % DAY_SECONDS;
  const occurrences = /* @__PURE__ */ new Map();
  for (const line of lines)
    occurrences.set(startOf(line), (occurrences.get(startOf(line)) ?? 0) + 1);
  const seen = /* @__PURE__ */ new Map();
  const placed = [];
  let skipped = 0;
  for (const line of lines) {
    const startSecond = startOf(line);
    const instants = chicagoInstants(date, startSecond);
    const occurrence = seen.get(startSecond) ?? 0;
    seen.set(startSecond, occurrence + 1);
    if (instants.length === 1) {
      placed.push([line, instants[0]]);
    } else if (instants.length === 0) {
      if (line.kwh === null)
        skipped++;
      else
        issues.error(line.line, `${where}: a reading is given for ${clock(startSecond)}, ${SPRING_GAP}`);
    } else if (occurrences.get(startSecond) === instants.length) {
      placed.push([line, instants[occurrence]]);
    } else {
      skipped++;
      issues.warn(
        `${where}: ${clock(
          startSecond
        )} occurs twice on the DST fall-back day and this partial day does not say which; the row was skipped.`,
        line.line
      );
    }
  }
  return { placed, skipped };
}

// app/smt/parse/fields.ts
var US_DATE = /^(\d{1,2})\/(\d{1,2})\/(\d{4})$/;
var ISO_DATE = /^(\d{4})-(\d{2})-(\d{2})$/;
var CLOCK = /^(\d{1,2}):(\d{2})(?::(\d{2}))?(?:\s*([AaPp])\.?[Mm]\.?)?$/;
var DECIMAL = /^([+-]?)(\d*)(?:\.(\d*))?$/;
function validDate(year, month, day) {
  if (month < 1 || month > 12 || day < 1)
    return null;
  const daysInMonth = new Date(Date.UTC(year, month, 0)).getUTCDate();
  return day <= daysInMonth ? { year, month, day } : null;
}
function parseLocalDate(text) {
  const us = US_DATE.exec(text);
  if (us)
    return validDate(Number(us[3]), Number(us[1]), Number(us[2]));
  const iso = ISO_DATE.exec(text);
  if (iso)
    return validDate(Number(iso[1]), Number(iso[2]), Number(iso[3]));
  return null;
}
function parseClock(text) {
  const match = CLOCK.exec(text);
  if (!match)
    return null;
  let hour = Number(match[1]);
  const minute = Number(match[2]);
  const second = match[3] === void 0 ? 0 : Number(match[3]);
  const meridiem = match[4]?.toUpperCase();
  if (meridiem) {
    if (hour < 1 || hour > 12)
      return null;
    hour = hour % 12 + (meridiem === "P" ? 12 : 0);
  }
  if (minute > 59 || second > 59)
    return null;
  if (hour > 24 || hour === 24 && (minute > 0 || second > 0))
    return null;
  return hour * 3600 + minute * 60 + second;
}
function parseLocalDateTime(text) {
  const split = text.search(/[\sT]/);
  if (split < 0)
    return null;
  const date = parseLocalDate(text.slice(0, split));
  const secondOfDay = parseClock(text.slice(split + 1).trim());
  if (!date || secondOfDay === null || secondOfDay >= 86400)
    return null;
  return { date, secondOfDay };
}
function parseDecimal(text, limits) {
  const match = DECIMAL.exec(text);
  if (!match || match[2] === "" && !match[3])
    return { error: `"${text}" is not a decimal number` };
  const sign = match[1] === "-" ? "-" : "";
  const integer = match[2].replace(/^0+(?=\d)/, "") || "0";
  const fraction = match[3] ?? "";
  if (integer.length > limits.integerDigits) {
    return { error: `${text} has more than ${limits.integerDigits} digits before the decimal point` };
  }
  if (fraction.length > limits.fractionDigits) {
    return { error: `${text} has more than ${limits.fractionDigits} decimals and cannot be stored exactly` };
  }
  const isZero = /^0*$/.test(integer + fraction);
  return { value: (isZero ? "" : sign) + integer + (fraction ? `.${fraction}` : "") };
}

// app/smt/parse/esiid.ts
var KNOWN_FORMATS = [
  { pattern: /^1044372\d{10}$/, tdsp: "ONCOR_ELEC" },
  // Oncor East Texas, the former SESCO territory.
  { pattern: /^1017699\d{10}$/, tdsp: "ONCOR_ELEC" },
  { pattern: /^1008901\d{15}$/, tdsp: "CENTERPOINT" },
  { pattern: /^1003278\d{10}$/, tdsp: "AEP_CENTRAL" },
  { pattern: /^1020404\d{10}$/, tdsp: "AEP_NORTH" },
  { pattern: /^10400511\d{9}$/, tdsp: "TNMP" }
];
var SCIENTIFIC = /^[+-]?\d+(\.\d+)?e[+-]?\d+$/i;
function normalizeEsiid(raw) {
  const esiid = raw.trim().replace(/^="(.*)"$/, "$1").replace(/^'/, "").trim();
  if (esiid === "")
    return { ok: false, message: "The ESIID is blank." };
  if (SCIENTIFIC.test(esiid)) {
    return {
      ok: false,
      message: `ESIID ${esiid} was turned into a number by a spreadsheet and has lost digits; download the file again and upload it without opening it in Excel (or format the column as text).`
    };
  }
  if (!/^\d+$/.test(esiid))
    return { ok: false, message: `ESIID "${esiid}" should contain digits only.` };
  const tdsp = tdspForEsiid(esiid);
  return { ok: true, esiid, tdsp, knownFormat: tdsp !== null };
}
function tdspForEsiid(esiid) {
  return KNOWN_FORMATS.find((format) => format.pattern.test(esiid))?.tdsp ?? null;
}
function unknownEsiidWarning(esiid) {
  return `ESIID ${esiid} (${esiid.length} digits) matches no known TDSP layout (17 digits starting 1044372, 1017699, 1003278, 1020404 or 10400511, or 22 digits starting 1008901); its rows were kept, but check that the ESIID was not truncated or given a meter suffix.`;
}
var EsiidReader = class {
  constructor(issues) {
    this.issues = issues;
  }
  seen = /* @__PURE__ */ new Map();
  read(raw, line) {
    let result = this.seen.get(raw);
    if (!result) {
      const checked = normalizeEsiid(raw);
      result = checked.ok ? { esiid: checked.esiid } : { message: checked.message };
      if (checked.ok && !checked.knownFormat)
        this.issues.warnOnce(`esiid:${checked.esiid}`, unknownEsiidWarning(checked.esiid), line);
      if (this.seen.size > 1e4)
        this.seen.clear();
      this.seen.set(raw, result);
    }
    return result;
  }
};

// app/smt/parse/interval.ts
var INTERVAL_KWH_LIMITS = { integerDigits: 8, fractionDigits: 4 };
function parseChannel(text) {
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
var IntervalDayLedger = class {
  constructor(issues) {
    this.issues = issues;
  }
  rowsParsed = 0;
  rowsSkipped = 0;
  esiids = /* @__PURE__ */ new Set();
  firstDay = null;
  lastDay = null;
  emittedRevision = /* @__PURE__ */ new Map();
  skip(count = 1) {
    this.rowsSkipped += count;
  }
  /** `candidates` are the day's rows in file order, possibly from several revisions. Returns the rows to yield. */
  settle(esiid, channel, date, candidates) {
    if (candidates.length === 0)
      return [];
    const where = `${formatLocalDate(date)} (${esiid}, ${channel})`;
    const firstLine = candidates[0].line;
    const byStart = /* @__PURE__ */ new Map();
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
            row.line
          );
        } else {
          this.issues.warnOnce(
            `revised:${where}`,
            `Day ${where} appears with more than one REVISION_DATE; the latest revision of each interval was kept.`,
            row.line
          );
        }
        if (keptRevision > revisionMs)
          continue;
      }
      byStart.set(startMs, row);
    }
    const key = `${esiid}|${channel}`;
    let days = this.emittedRevision.get(key);
    if (!days)
      this.emittedRevision.set(key, days = /* @__PURE__ */ new Map());
    const day = dayNumber(date);
    const emittedRevision = days.get(day);
    if (emittedRevision !== void 0) {
      if (newestRevision < emittedRevision) {
        this.rowsSkipped += byStart.size;
        this.issues.warn(
          `Day ${where} appears again at line ${firstLine} with an older REVISION_DATE than earlier in the file; those rows were skipped.`,
          firstLine
        );
        return [];
      }
      this.issues.warn(
        `Day ${where} appears again at line ${firstLine}, apart from its earlier rows; its rows were emitted again and the database keeps the newest revision of each interval.`,
        firstLine
      );
    }
    days.set(day, Math.max(newestRevision, emittedRevision ?? 0));
    const rows = [...byStart.values()].sort((a, b) => a.intervalStart.getTime() - b.intervalStart.getTime());
    this.rowsParsed += rows.length;
    this.esiids.add(esiid);
    if (this.firstDay === null || day < this.firstDay)
      this.firstDay = day;
    if (this.lastDay === null || day > this.lastDay)
      this.lastDay = day;
    return rows;
  }
  summary(rowsRead) {
    const asDate = (day) => day === null ? null : new Date(day * 864e5).toISOString().slice(0, 10);
    return {
      rowsRead,
      rowsParsed: this.rowsParsed,
      rowsSkipped: this.rowsSkipped,
      esiids: [...this.esiids].sort(),
      firstDay: asDate(this.firstDay),
      lastDay: asDate(this.lastDay),
      ...this.issues.counts()
    };
  }
};

// app/smt/parse/types.ts
import { Readable } from "node:stream";
var HeaderError = class extends Error {
  constructor(message, expected, found) {
    super(message);
    this.expected = expected;
    this.found = found;
  }
  name = "HeaderError";
};
var ISSUE_LIST_LIMIT = 1e3;
var IssueLog = class {
  warnings = [];
  errors = [];
  warningCount = 0;
  errorCount = 0;
  onceKeys = /* @__PURE__ */ new Set();
  warn(message, line) {
    this.warningCount++;
    if (this.warnings.length < ISSUE_LIST_LIMIT)
      this.warnings.push(line === void 0 ? { message } : { line, message });
  }
  /** Warns the first time `key` is seen, so a problem repeated on every row is reported once. */
  warnOnce(key, message, line) {
    if (this.onceKeys.has(key))
      return;
    this.onceKeys.add(key);
    this.warn(message, line);
  }
  error(line, message) {
    this.errorCount++;
    if (this.errors.length < ISSUE_LIST_LIMIT)
      this.errors.push({ line, message });
  }
  counts() {
    return {
      warnings: this.warnings,
      errors: this.errors,
      warningCount: this.warningCount,
      errorCount: this.errorCount
    };
  }
};
function toReadable(source) {
  return source instanceof Readable ? source : Readable.from(source, { objectMode: false });
}
async function* inBatches(rows, size) {
  let batch = [];
  for await (const row of rows) {
    batch.push(row);
    if (batch.length >= size) {
      yield batch;
      batch = [];
    }
  }
  if (batch.length > 0)
    yield batch;
}
function parseRun(generate, buildSummary) {
  let finished = false;
  let started = false;
  return {
    rows: {
      async *[Symbol.asyncIterator]() {
        if (started)
          throw new Error("These rows have already been read; parse the file again to re-read them.");
        started = true;
        yield* generate();
        finished = true;
      }
    },
    summary() {
      if (!finished)
        throw new Error("The summary is ready only after every row has been read.");
      return buildSummary();
    }
  };
}

// app/smt/parse/interval-csv.ts
var INTERVAL_CSV_HEADER = [
  "ESIID",
  "USAGE_DATE",
  "REVISION_DATE",
  "USAGE_START_TIME",
  "USAGE_END_TIME",
  "USAGE_KWH",
  "ESTIMATED_ACTUAL",
  "CONSUMPTION_SURPLUSGENERATION"
];
function parseIntervalCsv(source) {
  const issues = new IssueLog();
  const ledger = new IntervalDayLedger(issues);
  let rowsRead = 0;
  async function* generate() {
    const fieldsReader = new IntervalFieldsReader(issues);
    const openDays = /* @__PURE__ */ new Map();
    let columns = null;
    let columnCount = 0;
    try {
      for await (const records of readCsvRecords(toReadable(source)))
        for (const { fields: record, line } of records) {
          if (!columns) {
            columns = readHeader(record);
            columnCount = record.length;
            if (columnCount > INTERVAL_CSV_HEADER.length) {
              issues.warn(
                `The header has ${columnCount - INTERVAL_CSV_HEADER.length} column(s) beyond SMT's eight; they were ignored.`,
                line
              );
            }
            continue;
          }
          if (record.every((field) => field === ""))
            continue;
          rowsRead++;
          if (record.length !== columnCount) {
            issues.error(line, `The row has ${record.length} fields; the header has ${columnCount}.`);
            continue;
          }
          const parsed = fieldsReader.read(record, columns, line);
          if (!parsed)
            continue;
          const { esiid, channel, date, revisionAt } = parsed;
          const key = `${esiid}|${channel}`;
          const day = dayNumber(date);
          let open = openDays.get(key);
          if (open && open.day !== day) {
            openDays.delete(key);
            yield* settleDay(open, issues, ledger);
            open = void 0;
          }
          if (!open) {
            open = { esiid, channel, date, day, revisions: /* @__PURE__ */ new Map() };
            openDays.set(key, open);
          }
          const revisionMs = revisionAt.getTime();
          let lines = open.revisions.get(revisionMs);
          if (!lines)
            open.revisions.set(revisionMs, lines = []);
          lines.push(parsed.intervalLine);
        }
    } catch (error) {
      if (!(error instanceof CsvSyntaxError))
        throw error;
      if (!columns)
        throw new HeaderError(`The file could not be read as CSV: ${error.message}.`, INTERVAL_CSV_HEADER, []);
      issues.error(error.line, `The file stops being valid CSV here (${error.message}); the rest was not read.`);
    }
    if (!columns)
      throw new HeaderError("The file is empty; expected an SMT 15-minute interval CSV.", INTERVAL_CSV_HEADER, []);
    for (const open of [...openDays.values()].sort((a, b) => a.day - b.day))
      yield* settleDay(open, issues, ledger);
  }
  return parseRun(generate, () => ledger.summary(rowsRead));
}
function settleDay(open, issues, ledger) {
  const where = `${formatLocalDate(open.date)} (${open.esiid}, ${open.channel})`;
  const candidates = [];
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
        line: line.line
      });
    }
  }
  candidates.sort((a, b) => a.line - b.line);
  return ledger.settle(open.esiid, open.channel, open.date, candidates);
}
function readHeader(record) {
  const found = record.map((name) => name.toUpperCase());
  const missing = INTERVAL_CSV_HEADER.filter((name) => !found.includes(name));
  if (missing.length > 0) {
    throw new HeaderError(
      `This is not an SMT 15-minute interval CSV: the first line should be "${INTERVAL_CSV_HEADER.join(",")}", but ${missing.join(", ")} ${missing.length === 1 ? "is" : "are"} missing.`,
      INTERVAL_CSV_HEADER,
      record
    );
  }
  return Object.fromEntries(INTERVAL_CSV_HEADER.map((name) => [name, found.indexOf(name)]));
}
var IntervalFieldsReader = class {
  constructor(issues) {
    this.issues = issues;
    this.esiids = new EsiidReader(issues);
  }
  esiids;
  dates = new BoundedCache();
  revisions = new BoundedCache();
  clocks = new BoundedCache();
  channels = new BoundedCache();
  /** Readings repeat across a file (thousandths of a kWh), so most rows skip the decimal check. */
  readings = new BoundedCache(5e4);
  read(record, columns, line) {
    const esiid = this.esiids.read(record[columns.ESIID], line);
    if ("message" in esiid)
      return this.fail(line, esiid.message);
    const dateText = record[columns.USAGE_DATE];
    const date = this.dates.get(dateText, parseLocalDate);
    if (!date)
      return this.fail(line, `USAGE_DATE "${dateText}" is not a date (expected MM/DD/YYYY).`);
    const revisionAt = this.revisions.get(record[columns.REVISION_DATE], parseRevision);
    if (typeof revisionAt === "string")
      return this.fail(line, revisionAt);
    const startText = record[columns.USAGE_START_TIME];
    const startSecond = this.clocks.get(startText, parseClock);
    if (startSecond === null || startSecond >= DAY_SECONDS) {
      return this.fail(line, `USAGE_START_TIME "${startText}" is not a time of day (expected HH:MM).`);
    }
    const endText = record[columns.USAGE_END_TIME];
    const endSecond = this.clocks.get(endText, parseClock);
    if (endSecond === null)
      return this.fail(line, `USAGE_END_TIME "${endText}" is not a time of day (expected HH:MM).`);
    const kwhText = record[columns.USAGE_KWH];
    let kwh = null;
    if (kwhText !== "") {
      const parsed = this.readings.get(kwhText, readKwh);
      if ("error" in parsed)
        return this.fail(line, `USAGE_KWH: ${parsed.error}.`);
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
        `CONSUMPTION_SURPLUSGENERATION "${channelText}" is not a known channel (expected Consumption or Surplus Generation).`
      );
    }
    return {
      esiid: esiid.esiid,
      channel,
      date,
      revisionAt,
      intervalLine: { line, startSecond, endSecond, kwh, estimated: flag === "E", revisionAt }
    };
  }
  fail(line, message) {
    this.issues.error(line, message);
    return null;
  }
};
function readKwh(text) {
  return parseDecimal(text, INTERVAL_KWH_LIMITS);
}
function parseRevision(text) {
  const local = parseLocalDateTime(text);
  if (!local)
    return `REVISION_DATE "${text}" is not a date and time (expected MM/DD/YYYY HH:MM:SS).`;
  return chicagoToUtc(local.date, local.secondOfDay) ?? `REVISION_DATE "${text}" falls in the hour skipped by daylight saving time.`;
}
var BoundedCache = class {
  constructor(limit = 1e3) {
    this.limit = limit;
  }
  values = /* @__PURE__ */ new Map();
  get(text, compute) {
    let value = this.values.get(text);
    if (value === void 0 && !this.values.has(text)) {
      value = compute(text);
      if (this.values.size >= this.limit)
        this.values.clear();
      this.values.set(text, value);
    }
    return value;
  }
};

// bench/_prof2.mts
for (let round = 0; round < 4; round++) {
  const t = performance.now();
  const run = parseIntervalCsv(createReadStream("/tmp/solar.csv"));
  let rows = 0;
  for await (const batch of inBatches(run.rows, 5e3))
    rows += batch.length;
  console.log(Math.round(performance.now() - t), rows);
}

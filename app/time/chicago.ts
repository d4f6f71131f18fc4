/**
 * Exact America/Chicago ↔ UTC conversion. The DST transitions are read once per year from the platform's
 * time-zone database through Intl, then every conversion is plain arithmetic: a 10-million-row file must not
 * pay for an Intl call per row.
 */
const ZONE = "America/Chicago";
const MINUTE_MS = 60_000;
const DAY_MS = 86_400_000;

/** A Central calendar day. */
export interface LocalDate {
  year: number;
  month: number;
  day: number;
}

const wallClockFormatter = new Intl.DateTimeFormat("en-US", {
  timeZone: ZONE,
  hourCycle: "h23",
  year: "numeric",
  month: "numeric",
  day: "numeric",
  hour: "numeric",
  minute: "numeric",
});

function intlOffsetMinutes(utcMs: number): number {
  const parts: Record<string, number> = {};
  for (const part of wallClockFormatter.formatToParts(new Date(utcMs))) parts[part.type] = Number(part.value);
  const wallMs = Date.UTC(parts.year, parts.month - 1, parts.day, parts.hour, parts.minute);
  return Math.round((wallMs - Math.floor(utcMs / MINUTE_MS) * MINUTE_MS) / MINUTE_MS);
}

interface YearOffsets {
  /** Offset in force at the start of the UTC year. */
  initialOffset: number;
  /** Instants (UTC ms) at which the offset changes, with the offset after each. */
  transitions: { atMs: number; offset: number }[];
  /** Every offset used during the year. */
  offsets: number[];
}

const yearCache = new Map<number, YearOffsets>();

function offsetsForYear(year: number): YearOffsets {
  const cached = yearCache.get(year);
  if (cached) return cached;
  const startMs = Date.UTC(year, 0, 1);
  const endMs = Date.UTC(year + 1, 0, 1);
  const initialOffset = intlOffsetMinutes(startMs);
  const transitions: YearOffsets["transitions"] = [];
  let previousOffset = initialOffset;
  for (let dayMs = startMs; dayMs < endMs; dayMs += DAY_MS) {
    const nextMs = Math.min(dayMs + DAY_MS, endMs);
    const nextOffset = intlOffsetMinutes(nextMs);
    if (nextOffset === previousOffset) continue;
    let low = dayMs;
    let high = nextMs;
    while (high - low > MINUTE_MS) {
      const middle = low + Math.floor((high - low) / 2 / MINUTE_MS) * MINUTE_MS;
      if (intlOffsetMinutes(middle) === previousOffset) low = middle;
      else high = middle;
    }
    transitions.push({ atMs: high, offset: nextOffset });
    previousOffset = nextOffset;
  }
  const offsets = [...new Set([initialOffset, ...transitions.map((transition) => transition.offset)])];
  const result = { initialOffset, transitions, offsets };
  yearCache.set(year, result);
  return result;
}

function offsetAtMs(utcMs: number): number {
  const { initialOffset, transitions } = offsetsForYear(new Date(utcMs).getUTCFullYear());
  let offset = initialOffset;
  for (const transition of transitions) {
    if (utcMs < transition.atMs) break;
    offset = transition.offset;
  }
  return offset;
}

/** Minutes east of UTC in Chicago at this instant: -300 (CDT) or -360 (CST). */
export function chicagoOffsetMinutes(instant: Date): number {
  return offsetAtMs(instant.getTime());
}

/**
 * Every instant showing this Chicago wall-clock time, earliest first: one on most days, two in the repeated
 * fall-back hour (CDT then CST), none in the spring-forward gap.
 */
export function chicagoInstants(date: LocalDate, secondOfDay: number): Date[] {
  const wallMs = Date.UTC(date.year, date.month - 1, date.day) + secondOfDay * 1000;
  const { offsets } = offsetsForYear(date.year);
  const instants = offsets
    .map((offset) => wallMs - offset * MINUTE_MS)
    .filter((utcMs, index) => offsetAtMs(utcMs) === offsets[index])
    .sort((a, b) => a - b);
  return [...new Set(instants)].map((utcMs) => new Date(utcMs));
}

/** The Chicago wall-clock time as one instant: the earlier one when the hour repeats, null in the spring gap. */
export function chicagoToUtc(date: LocalDate, secondOfDay: number): Date | null {
  return chicagoInstants(date, secondOfDay)[0] ?? null;
}

const dayStartCache = new Map<number, number>();

/** Days since 1970-01-01 for a calendar date: a compact key for a Central day. */
export function dayNumber(date: LocalDate): number {
  return Date.UTC(date.year, date.month - 1, date.day) / DAY_MS;
}

function dayStartMs(date: LocalDate): number {
  const key = dayNumber(date);
  let startMs = dayStartCache.get(key);
  if (startMs === undefined) {
    // Chicago changes clocks at 02:00, so local midnight always exists exactly once.
    const midnight = chicagoToUtc(date, 0);
    if (!midnight) throw new Error(`No local midnight in ${ZONE} on ${formatLocalDate(date)}`);
    startMs = midnight.getTime();
    dayStartCache.set(key, startMs);
  }
  return startMs;
}

/** The instant of local midnight that starts this Central day. */
export function chicagoDayStart(date: LocalDate): Date {
  return new Date(dayStartMs(date));
}

/** Length of the Central day in minutes: 1380 on spring-forward day, 1500 on fall-back day, else 1440. */
export function chicagoDayLengthMinutes(date: LocalDate): number {
  return (dayStartMs(addDays(date, 1)) - dayStartMs(date)) / MINUTE_MS;
}

export function addDays(date: LocalDate, days: number): LocalDate {
  const shifted = new Date(Date.UTC(date.year, date.month - 1, date.day + days));
  return { year: shifted.getUTCFullYear(), month: shifted.getUTCMonth() + 1, day: shifted.getUTCDate() };
}

/** `YYYY-MM-DD` */
export function formatLocalDate(date: LocalDate): string {
  return `${String(date.year).padStart(4, "0")}-${String(date.month).padStart(2, "0")}-${String(date.day).padStart(
    2,
    "0",
  )}`;
}

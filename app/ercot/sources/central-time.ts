import { chicagoInstants, chicagoOffsetMinutes } from "../../time/chicago";

/** ERCOT speaks America/Chicago wall-clock time, with or without an offset. */
const CST_OFFSET_MINUTES = -360;

export interface WallClock {
  year: number;
  month: number;
  day: number;
  hour: number;
  minute: number;
  second: number;
  millisecond: number;
}

export function toCentralWallClock(instant: Date): WallClock {
  const local = new Date(instant.getTime() + chicagoOffsetMinutes(instant) * 60_000);
  return {
    year: local.getUTCFullYear(),
    month: local.getUTCMonth() + 1,
    day: local.getUTCDate(),
    hour: local.getUTCHours(),
    minute: local.getUTCMinutes(),
    second: local.getUTCSeconds(),
    millisecond: local.getUTCMilliseconds(),
  };
}

function wallClockAsUtcMs(wall: WallClock): number {
  return Date.UTC(wall.year, wall.month - 1, wall.day, wall.hour, wall.minute, wall.second, wall.millisecond);
}

export const centralOffsetMinutes = chicagoOffsetMinutes;

/** Offsets that give this wall-clock time in Central: two in the repeated fall-back hour, none in the spring-forward gap. */
export function validCentralOffsets(wall: WallClock): number[] {
  const secondOfDay = wall.hour * 3600 + wall.minute * 60 + wall.second;
  return chicagoInstants({ year: wall.year, month: wall.month, day: wall.day }, secondOfDay).map(chicagoOffsetMinutes);
}

/** The instant of a Central wall-clock time; the earlier one when the hour repeats. */
export function centralWallClockToDate(wall: WallClock): Date {
  const [offset = CST_OFFSET_MINUTES] = validCentralOffsets(wall);
  return new Date(wallClockAsUtcMs(wall) - offset * 60_000);
}

const pad = (value: number, width = 2) => String(value).padStart(width, "0");

export function formatOffset(offsetMinutes: number): string {
  const sign = offsetMinutes < 0 ? "-" : "+";
  const absolute = Math.abs(offsetMinutes);
  return `${sign}${pad(Math.floor(absolute / 60))}:${pad(absolute % 60)}`;
}

/** `2026-06-03T05:52:19-05:00`, or without the offset when `withOffset` is false (Public API style). */
export function formatCentralIso(instant: Date, withOffset = true): string {
  const wall = toCentralWallClock(instant);
  const local = `${wall.year}-${pad(wall.month)}-${pad(wall.day)}T${pad(wall.hour)}:${pad(wall.minute)}:${pad(wall.second)}`;
  return withOffset ? local + formatOffset(centralOffsetMinutes(instant)) : local;
}

/** `20260603` and `055219393`, the two timestamp parts of a ConstructedName. */
export function constructedNameStamp(instant: Date): { date: string; time: string } {
  const wall = toCentralWallClock(instant);
  return {
    date: `${wall.year}${pad(wall.month)}${pad(wall.day)}`,
    time: `${pad(wall.hour)}${pad(wall.minute)}${pad(wall.second)}${pad(wall.millisecond, 3)}`,
  };
}

const ISO_PATTERN =
  /^(\d{4})-(\d{2})-(\d{2})[T ](\d{2}):(\d{2})(?::(\d{2})(?:\.(\d{1,9}))?)?\s*(Z|[+-]\d{2}:?\d{2})?$/i;

export interface ParsedTimestamp {
  wall: WallClock;
  /** Minutes east of UTC as written, or null for a naive timestamp. */
  offsetMinutes: number | null;
}

export function parseIsoTimestamp(text: string): ParsedTimestamp | null {
  const match = ISO_PATTERN.exec(text.trim());
  if (!match) return null;
  const [, year, month, day, hour, minute, second = "0", fraction = "0", zone] = match;
  const wall: WallClock = {
    year: Number(year),
    month: Number(month),
    day: Number(day),
    hour: Number(hour),
    minute: Number(minute),
    second: Number(second),
    millisecond: Number(fraction.padEnd(3, "0").slice(0, 3)),
  };
  let offsetMinutes: number | null = null;
  if (zone) {
    if (zone.toUpperCase() === "Z") offsetMinutes = 0;
    else {
      const digits = zone.replace(":", "");
      const sign = digits.startsWith("-") ? -1 : 1;
      offsetMinutes = sign * (Number(digits.slice(1, 3)) * 60 + Number(digits.slice(3, 5)));
    }
  }
  return { wall, offsetMinutes };
}

export function instantFromWallClock(wall: WallClock, offsetMinutes: number): Date {
  return new Date(wallClockAsUtcMs(wall) - offsetMinutes * 60_000);
}

/** A naive timestamp is Central; one with an offset is taken as written. */
export function parseErcotTimestamp(text: string): Date | null {
  const parsed = parseIsoTimestamp(text);
  if (!parsed) return null;
  return parsed.offsetMinutes === null
    ? centralWallClockToDate(parsed.wall)
    : instantFromWallClock(parsed.wall, parsed.offsetMinutes);
}

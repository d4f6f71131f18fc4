/**
 * The one timestamp formatter (browser-safe). Operators work in Texas: every time is shown in America/Chicago
 * with its CST/CDT marker, and the UTC value goes beside it (hover). Output is the same on server and browser,
 * so hydration never disagrees.
 */
import { chicagoOffsetMinutes } from "~/time/chicago";

export type Instant = string | Date;

export interface TimeOptions {
  /** "minute": 2026-03-08 01:15; "second" (default): …:00; "exact": the stored fraction too (ISO strings only). */
  precision?: "minute" | "second" | "exact";
}

export interface TimeLabels {
  /** The instant as an ISO string, for `<time dateTime>`. */
  iso: string;
  /** "2026-03-08 01:15:00 CST" */
  central: string;
  /** "2026-03-08 07:15:00 UTC" */
  utc: string;
  zone: "CST" | "CDT";
}

const ISO_UTC = /^(\d{4,}-\d{2}-\d{2})T(\d{2}:\d{2})(:\d{2})?(\.\d+)?Z$/;
const pad = (value: number) => String(value).padStart(2, "0");

function wallText(ms: number, precision: TimeOptions["precision"], fraction: string): string {
  const date = new Date(ms);
  const day = `${date.getUTCFullYear()}-${pad(date.getUTCMonth() + 1)}-${pad(date.getUTCDate())}`;
  const minute = `${pad(date.getUTCHours())}:${pad(date.getUTCMinutes())}`;
  if (precision === "minute") return `${day} ${minute}`;
  return `${day} ${minute}:${pad(date.getUTCSeconds())}${precision === "exact" ? fraction : ""}`;
}

/** Both labels for an instant; null for a missing or unreadable value. */
export function timeLabels(value: Instant | null | undefined, options: TimeOptions = {}): TimeLabels | null {
  if (value === null || value === undefined || value === "") return null;
  const date = typeof value === "string" ? new Date(value) : value;
  const ms = date.getTime();
  if (Number.isNaN(ms)) return null;
  const iso = typeof value === "string" ? value : date.toISOString();
  // Keep the stored fraction exactly (PostgreSQL has microseconds; Date has milliseconds).
  const fraction = ISO_UTC.exec(iso)?.[4] ?? (date.getUTCMilliseconds() ? `.${date.toISOString().slice(20, 23)}` : "");
  const offset = chicagoOffsetMinutes(date);
  const zone = offset === -300 ? "CDT" : "CST";
  return {
    iso,
    central: `${wallText(ms + offset * 60_000, options.precision, fraction)} ${zone}`,
    utc: `${wallText(ms, options.precision, fraction)} UTC`,
    zone,
  };
}

/** "2026-03-08 01:15:00 CST", or "—". */
export function formatCentral(value: Instant | null | undefined, options?: TimeOptions): string {
  return timeLabels(value, options)?.central ?? "—";
}

/** "2026-03-08 07:15:00 UTC", or "—". */
export function formatUtc(value: Instant | null | undefined, options?: TimeOptions): string {
  return timeLabels(value, options)?.utc ?? "—";
}

/** "2026-03-08 01:15:00 CST (07:15:00 UTC)": for plain-text places (messages, titles) where hover is unavailable. */
export function formatCentralWithUtc(value: Instant | null | undefined, options?: TimeOptions): string {
  const labels = timeLabels(value, options);
  if (!labels) return "—";
  return `${labels.central} (${labels.utc.slice(11)})`;
}

/** "06:00 CST (12:00 UTC)": a daily UTC time of day as it reads in Chicago on `onDay` (default today). */
export function formatDailyTime(utcHour: number, utcMinute = 0, onDay: Date = new Date()): string {
  const at = new Date(Date.UTC(onDay.getUTCFullYear(), onDay.getUTCMonth(), onDay.getUTCDate(), utcHour, utcMinute));
  const labels = timeLabels(at, { precision: "minute" });
  return labels ? `${labels.central.slice(11)} (${labels.utc.slice(11)})` : "—";
}

import type { LocalDate } from "../../time/chicago";

const US_DATE = /^(\d{1,2})\/(\d{1,2})\/(\d{4})$/;
const ISO_DATE = /^(\d{4})-(\d{2})-(\d{2})$/;
const CLOCK = /^(\d{1,2}):(\d{2})(?::(\d{2}))?(?:\s*([AaPp])\.?[Mm]\.?)?$/;
const DECIMAL = /^([+-]?)(\d*)(?:\.(\d*))?$/;

/** Earlier years are typing slips (`0000`), and Date.UTC would read years below 100 as 19xx. */
const MIN_YEAR = 1900;

function validDate(year: number, month: number, day: number): LocalDate | null {
  if (year < MIN_YEAR || month < 1 || month > 12 || day < 1) return null;
  const daysInMonth = new Date(Date.UTC(year, month, 0)).getUTCDate();
  return day <= daysInMonth ? { year, month, day } : null;
}

/** `MM/DD/YYYY`, Excel's `M/D/YYYY`, or `YYYY-MM-DD`. */
export function parseLocalDate(text: string): LocalDate | null {
  const us = US_DATE.exec(text);
  if (us) return validDate(Number(us[3]), Number(us[1]), Number(us[2]));
  const iso = ISO_DATE.exec(text);
  if (iso) return validDate(Number(iso[1]), Number(iso[2]), Number(iso[3]));
  return null;
}

/** `HH:MM`, Excel's `H:MM`, optional `:SS` and AM/PM; `24:00` is accepted as an end-of-day label. Seconds of day. */
export function parseClock(text: string): number | null {
  // SMT's own form, `HH:MM`, without the regular expression: it is read twice on every row.
  if (text.length === 5 && text.charCodeAt(2) === 58) {
    const hour = twoDigits(text, 0);
    const minute = twoDigits(text, 3);
    if (hour >= 0 && minute >= 0) {
      if (minute > 59 || hour > 24 || (hour === 24 && minute > 0)) return null;
      return hour * 3600 + minute * 60;
    }
  }
  const match = CLOCK.exec(text);
  if (!match) return null;
  let hour = Number(match[1]);
  const minute = Number(match[2]);
  const second = match[3] === undefined ? 0 : Number(match[3]);
  const meridiem = match[4]?.toUpperCase();
  if (meridiem) {
    if (hour < 1 || hour > 12) return null;
    hour = (hour % 12) + (meridiem === "P" ? 12 : 0);
  }
  if (minute > 59 || second > 59) return null;
  if (hour > 24 || (hour === 24 && (minute > 0 || second > 0))) return null;
  return hour * 3600 + minute * 60 + second;
}

/** The number written by two ASCII digits at `at`, or -1. */
function twoDigits(text: string, at: number): number {
  const tens = text.charCodeAt(at) - 48;
  const units = text.charCodeAt(at + 1) - 48;
  return tens >= 0 && tens <= 9 && units >= 0 && units <= 9 ? tens * 10 + units : -1;
}

/** `MM/DD/YYYY HH:MM:SS` or Excel's `M/D/YYYY H:MM`: a date and a time separated by whitespace or `T`. */
export function parseLocalDateTime(text: string): { date: LocalDate; secondOfDay: number } | null {
  const split = text.search(/[\sT]/);
  if (split < 0) return null;
  const date = parseLocalDate(text.slice(0, split));
  const secondOfDay = parseClock(text.slice(split + 1).trim());
  if (!date || secondOfDay === null || secondOfDay >= 86_400) return null;
  return { date, secondOfDay };
}

export interface DecimalLimits {
  integerDigits: number;
  fractionDigits: number;
}

/**
 * Exact decimal text for a Postgres DECIMAL column, never through a JS number: `.198` → `0.198`,
 * `+1.` → `1`, `0.430` stays `0.430`. Returns an error sentence for anything that is not a plain decimal or does
 * not fit the column.
 */
export function parseDecimal(text: string, limits: DecimalLimits): { value: string } | { error: string } {
  const match = DECIMAL.exec(text);
  if (!match || (match[2] === "" && !match[3])) return { error: `"${text}" is not a decimal number` };
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

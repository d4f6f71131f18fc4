// Whether a text value from a URL (a filter value, a cursor or row token) fits its column's type, checked
// before PostgreSQL sees it: a value it would refuse is the request's fault and gets a sentence, not a 500.
import type { ExplorerColumn } from "./types";

/** Longer filter values are refused: nothing an operator types is this long, and LIKE patterns cost per byte. */
export const MAX_VALUE_LENGTH = 1_000;

const INTEGER_RANGES: Record<string, [bigint, bigint]> = {
  smallint: [-(2n ** 15n), 2n ** 15n - 1n],
  integer: [-(2n ** 31n), 2n ** 31n - 1n],
  bigint: [-(2n ** 63n), 2n ** 63n - 1n],
};
const INTEGER = /^-?\d{1,30}$/;
const DECIMAL = /^-?\d{1,100}(\.\d{1,100})?$/;
const FLOAT = /^-?\d+(\.\d+)?(e[+-]?\d+)?$/i;
const FLOAT_SPECIAL = new Set(["Infinity", "-Infinity", "NaN"]);
const DATE = /^(\d{4})-(\d{2})-(\d{2})$/;
const DATETIME = /^(\d{4})-(\d{2})-(\d{2})(?:[T ](\d{2}):(\d{2})(?::(\d{2})(?:\.\d{1,6})?)?)?Z?$/;
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

function isCalendarDate(year: string, month: string, day: string): boolean {
  const y = Number(year);
  const m = Number(month);
  const d = Number(day);
  const leap = y % 4 === 0 && (y % 100 !== 0 || y % 400 === 0);
  const days = [31, leap ? 29 : 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31][m - 1];
  return y >= 1 && days !== undefined && d >= 1 && d <= days;
}

function isDateTime(value: string): boolean {
  const match = DATETIME.exec(value);
  if (!match) return false;
  const [, year, month, day, hour = "0", minute = "0", second = "0"] = match;
  return isCalendarDate(year, month, day) && Number(hour) < 24 && Number(minute) < 60 && Number(second) < 60;
}

function integerProblem(column: ExplorerColumn, value: string): string | null {
  if (!INTEGER.test(value)) return `${column.name}: "${value}" is not a whole number.`;
  const [low, high] = INTEGER_RANGES[column.sqlType] ?? INTEGER_RANGES.bigint;
  const number = BigInt(value);
  return number < low || number > high ? `${column.name}: ${value} is out of range (${low} to ${high}).` : null;
}

function floatProblem(column: ExplorerColumn, value: string): string | null {
  if (FLOAT_SPECIAL.has(value)) return null;
  const limit = column.sqlType === "real" ? 3.4e38 : Number.MAX_VALUE;
  if (!FLOAT.test(value)) return `${column.name}: "${value}" is not a number.`;
  return Math.abs(Number(value)) > limit ? `${column.name}: ${value} is out of range.` : null;
}

/** Why `value` is not a valid value of the column's type (as PostgreSQL would parse it), or null when it is. */
export function valueProblem(column: ExplorerColumn, value: string): string | null {
  if (value.length > MAX_VALUE_LENGTH)
    return `${column.name}: the value is longer than ${MAX_VALUE_LENGTH} characters.`;
  if (value.includes("\0")) return `${column.name}: text cannot contain a NUL character.`;
  switch (column.kind) {
    case "int":
    case "bigint":
      return integerProblem(column, value);
    case "float":
      return floatProblem(column, value);
    case "decimal":
      return DECIMAL.test(value) ? null : `${column.name}: "${value}" is not a decimal number.`;
    case "date": {
      const match = DATE.exec(value);
      return match && isCalendarDate(match[1], match[2], match[3])
        ? null
        : `${column.name}: "${value}" is not a valid date (YYYY-MM-DD).`;
    }
    case "datetime":
      return isDateTime(value)
        ? null
        : `${column.name}: "${value}" is not a valid date and time (YYYY-MM-DD or YYYY-MM-DDTHH:MM, UTC).`;
    case "boolean":
      return value === "true" || value === "false" ? null : `${column.name}: choose true or false.`;
    case "enum":
      return column.enumValues?.includes(value)
        ? null
        : `${column.name}: "${value}" is not one of ${column.enumValues?.join(", ")}.`;
    case "text":
      return column.sqlType === "uuid" && !UUID.test(value) ? `${column.name}: "${value}" is not a UUID.` : null;
    default:
      return null;
  }
}

/** Why free text (a search or a LIKE filter) cannot be sent, or null. */
export function textProblem(label: string, text: string): string | null {
  if (text.includes("\0")) return `${label} cannot contain a NUL character.`;
  return text.length > MAX_VALUE_LENGTH ? `${label} is longer than ${MAX_VALUE_LENGTH} characters.` : null;
}

// Row identity tokens: primary keys and keyset cursors travel as base64url JSON arrays of text.
import type { ExplorerColumn } from "./types";
import { valueProblem } from "./values";

export function encodeToken(values: (string | number | boolean | null)[]): string {
  return Buffer.from(JSON.stringify(values.map((v) => (v === null ? null : String(v))))).toString("base64url");
}

/** The token's values, or null when it is not an array of `length` strings or nulls. */
export function decodeToken(token: string | null, length: number): (string | null)[] | null {
  if (!token) return null;
  try {
    const values: unknown = JSON.parse(Buffer.from(token, "base64url").toString("utf8"));
    if (Array.isArray(values) && values.length === length && values.every((v) => v === null || typeof v === "string"))
      return values as (string | null)[];
  } catch {
    // fall through: a mangled token is reported by the caller
  }
  return null;
}

export type KeyToken = { values: (string | null)[] } | { problem: string };

/**
 * A token's values checked against the key columns they stand for: the right count, NULL only where
 * the column allows it, each value of the column's type. A crafted token gets a reason, never reaches SQL.
 */
export function decodeKeyToken(token: string, columns: ExplorerColumn[]): KeyToken {
  const values = decodeToken(token, columns.length);
  const count = columns.length === 1 ? "one key value" : `${columns.length} key values`;
  if (!values) return { problem: `it does not hold ${count}.` };
  for (const [i, column] of columns.entries()) {
    const value = values[i];
    if (value === null) {
      if (!column.nullable || column.isPrimaryKey) return { problem: `${column.name} cannot be null.` };
      continue;
    }
    const problem = valueProblem(column, value);
    if (problem) return { problem };
  }
  return { values };
}

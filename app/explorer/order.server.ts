// Ordering and keyset predicates: the sort column first, then the primary key as tie-breaker.
import { castType, columnSql, type SqlParams } from "./sql.server";
import type { ExplorerColumn, ExplorerModel } from "./types";
import { columnOf } from "./view";

/** Sort column first, then the primary key as tie-breaker, all in one direction (so one index scan serves it). */
export function orderKeys(model: ExplorerModel, sort: string | null): ExplorerColumn[] {
  const primary = model.primaryKey.map((name) => columnOf(model, name)!);
  const sortColumn = sort ? columnOf(model, sort) : undefined;
  return sortColumn ? [sortColumn, ...primary.filter((c) => c !== sortColumn)] : primary;
}

export function orderBySql(keys: ExplorerColumn[], dir: "asc" | "desc"): string {
  // PostgreSQL's defaults (ASC NULLS LAST, DESC NULLS FIRST) let a btree index serve both directions.
  return keys.map((c) => `${columnSql(c, "t")} ${dir.toUpperCase()}`).join(", ");
}

/**
 * Rows strictly after `cursor` when walking `keys` in direction `dir`. Only the first key may be
 * NULL (primary-key columns cannot), and NULLs sort last walking ascending, first walking descending.
 */
export function keysetSql(
  keys: ExplorerColumn[],
  cursor: (string | null)[],
  dir: "asc" | "desc",
  params: SqlParams,
): string {
  const op = dir === "asc" ? ">" : "<";
  const row = (columns: ExplorerColumn[], values: (string | null)[]) => {
    const left = columns.map((c) => columnSql(c, "t")).join(", ");
    const right = columns.map((c, i) => params.bind(values[i], castType(c))).join(", ");
    return `(${left}) ${op} (${right})`;
  };
  const [first, ...rest] = keys;
  const firstSql = columnSql(first, "t");
  if (cursor[0] !== null) {
    const comparison = row(keys, cursor);
    return first.nullable && dir === "asc" ? `(${comparison} OR ${firstSql} IS NULL)` : comparison;
  }
  const amongNulls = rest.length ? `(${firstSql} IS NULL AND ${row(rest, cursor.slice(1))})` : "FALSE";
  return dir === "asc" ? amongNulls : `(${amongNulls} OR ${firstSql} IS NOT NULL)`;
}

// Ordering and keyset predicates: the sort column first, then the primary key as tie-breaker.
// Every view puts NULLs last, ascending or descending; walking a page backwards reverses both.
import { castType, columnSql, type SqlParams } from "./sql.server";
import type { ExplorerColumn, ExplorerModel } from "./types";
import { columnOf } from "./view";

export interface Walk {
  dir: "asc" | "desc";
  nullsLast: boolean;
}

/** The view's own order, and the order that reads it backwards (for a `before` cursor). */
export function viewWalk(dir: "asc" | "desc", reversed = false): Walk {
  if (!reversed) return { dir, nullsLast: true };
  return { dir: dir === "asc" ? "desc" : "asc", nullsLast: false };
}

/** Sort column first, then the primary key as tie-breaker, all in one direction (so one index scan serves it). */
export function orderKeys(model: ExplorerModel, sort: string | null): ExplorerColumn[] {
  const primary = model.primaryKey.map((name) => columnOf(model, name)!);
  const sortColumn = sort ? columnOf(model, sort) : undefined;
  return sortColumn ? [sortColumn, ...primary.filter((c) => c !== sortColumn)] : primary;
}

export function orderBySql(
  keys: ExplorerColumn[],
  walk: Walk,
  sqlOf: (column: ExplorerColumn, index: number) => string = (column) => columnSql(column, "t"),
): string {
  return keys
    .map((c, i) => {
      const order = `${sqlOf(c, i)} ${walk.dir.toUpperCase()}`;
      // NOT NULL columns (every key but the sort column) keep the plain form a btree index scan serves.
      return c.nullable ? `${order} NULLS ${walk.nullsLast ? "LAST" : "FIRST"}` : order;
    })
    .join(", ");
}

/** True when a btree index can hand rows over in this order without sorting the matching rows. */
export function indexServesSort(column: ExplorerColumn, dir: "asc" | "desc"): boolean {
  // A plain btree index read backwards gives DESC NULLS FIRST, not the NULLS LAST every view uses.
  return column.leadsIndex && (dir === "asc" || !column.nullable);
}

/** Rows strictly after `cursor` when walking `keys` in `walk`. Only the first key may be NULL. */
export function keysetSql(keys: ExplorerColumn[], cursor: (string | null)[], walk: Walk, params: SqlParams): string {
  const op = walk.dir === "asc" ? ">" : "<";
  const row = (columns: ExplorerColumn[], values: (string | null)[]) => {
    const left = columns.map((c) => columnSql(c, "t")).join(", ");
    const right = columns.map((c, i) => params.bind(values[i], castType(c))).join(", ");
    return `(${left}) ${op} (${right})`;
  };
  const [first, ...rest] = keys;
  const firstSql = columnSql(first, "t");
  if (cursor[0] !== null) {
    const comparison = row(keys, cursor);
    return first.nullable && walk.nullsLast ? `(${comparison} OR ${firstSql} IS NULL)` : comparison;
  }
  const amongNulls = rest.length ? `(${firstSql} IS NULL AND ${row(rest, cursor.slice(1))})` : "FALSE";
  return walk.nullsLast ? amongNulls : `(${amongNulls} OR ${firstSql} IS NOT NULL)`;
}

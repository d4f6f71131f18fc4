// SQL building blocks for every explorer query. Identifiers come only from model metadata
// (quoteIdentifier); every value from a request is a bound parameter cast to the column's type.
import type { ExplorerColumn } from "./types";

/** Quotes an identifier that came from metadata (never from a request). */
export function quoteIdentifier(name: string): string {
  return `"${name.replace(/"/g, '""')}"`;
}

/** Collects bound parameters; placeholders carry the column's base type so comparisons stay typed. */
export class SqlParams {
  readonly values: (string | null)[] = [];
  bind(value: string | null, sqlType = "text"): string {
    this.values.push(value);
    return `$${this.values.length}::${sqlType}`;
  }
}

/** `numeric(12,4)` → `numeric`: a filter value must not be rounded to the column's scale before comparing. */
export function castType(column: ExplorerColumn): string {
  return column.sqlType.replace(/\([^)]*\)/g, "");
}

export function columnSql(column: ExplorerColumn, alias: string): string {
  return `${alias}.${quoteIdentifier(column.dbName)}`;
}

export function escapeLike(text: string): string {
  return text.replace(/[\\%_]/g, (c) => `\\${c}`);
}

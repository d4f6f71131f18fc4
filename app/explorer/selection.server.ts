// SELECT lists and the decoding of their cells: what each column kind sends to the table, the row page
// or an export, under output aliases (c0, c1…) so no identifier is ever reused as an alias.
import { columnSql } from "./sql.server";
import type { CellValue, ExplorerColumn, ExplorerRow } from "./types";

/** Long text in the table is cut here; the row page shows it whole. */
export const TABLE_TEXT_LIMIT = 500;
const BYTES_PREVIEW = 16;
const ROW_BYTES_PREVIEW = 64;

export type SelectMode = "table" | "row" | "export";

export interface Selection {
  sql: string;
  decode: (record: Record<string, unknown>) => ExplorerRow;
}

type Decoder = (record: Record<string, unknown>) => [string, CellValue];

function columnSelection(column: ExplorerColumn, alias: string, mode: SelectMode): { sql: string; decode: Decoder } {
  const source = columnSql(column, "t");
  if (column.masked)
    return {
      sql: `(${source} IS NOT NULL) AS ${alias}`,
      decode: (r) => [column.name, r[alias] ? { masked: true } : null],
    };
  if (column.kind === "bytes" && mode !== "export") {
    const preview = mode === "row" ? ROW_BYTES_PREVIEW : BYTES_PREVIEW;
    const hex = `encode(substring(${source} from 1 for ${preview}), 'hex')`;
    return {
      sql: `octet_length(${source}) AS ${alias}, ${hex} AS ${alias}_hex`,
      decode: (r) => [
        column.name,
        r[alias] === null ? null : { bytes: { size: Number(r[alias]), hexPreview: String(r[`${alias}_hex`]) } },
      ],
    };
  }
  if (column.kind === "bytes")
    return { sql: `'\\x' || encode(${source}, 'hex') AS ${alias}`, decode: (r) => [column.name, r[alias] as string] };
  if (column.kind === "json")
    return {
      sql: `${column.sqlType.endsWith("[]") ? `to_jsonb(${source})` : source}::text AS ${alias}`,
      decode: (r) => [
        column.name,
        r[alias] === null ? null : mode === "export" ? (r[alias] as string) : { json: r[alias] as string },
      ],
    };
  if (column.kind === "text" && mode === "table")
    return {
      sql: `left(${source}, ${TABLE_TEXT_LIMIT}) AS ${alias}, length(${source}) AS ${alias}_len`,
      decode: (r) => {
        const text = r[alias] as string | null;
        const length = Number(r[`${alias}_len`]);
        return [column.name, text !== null && length > TABLE_TEXT_LIMIT ? { text, truncatedFrom: length } : text];
      },
    };
  return { sql: `${source} AS ${alias}`, decode: (r) => [column.name, r[alias] as CellValue] };
}

export function selectionFor(columns: ExplorerColumn[], mode: SelectMode): Selection {
  const parts = columns.map((column, i) => columnSelection(column, `c${i}`, mode));
  return {
    sql: parts.map((p) => p.sql).join(", "),
    decode: (record) => Object.fromEntries(parts.map((p) => p.decode(record))),
  };
}

/** Raw values of key and foreign-key columns (k0, k1…), for cursors, row tokens and relation links. */
export function identitySelection(columns: ExplorerColumn[]): {
  sql: string;
  read: (record: Record<string, unknown>) => Map<string, string | null>;
} {
  return {
    sql: columns.map((c, i) => `${columnSql(c, "t")} AS k${i}`).join(", "),
    read: (record) =>
      new Map(columns.map((c, i) => [c.name, record[`k${i}`] === null ? null : String(record[`k${i}`])])),
  };
}

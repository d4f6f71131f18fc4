import type { Readable } from "node:stream";
import { pipeline } from "node:stream/promises";
import type pg from "pg";
import { from as copyFrom } from "pg-copy-streams";
import { EXTRACT_COLUMNS, type ExtractLayout } from "./columns";
import { copyErrorSentence, detectLayout, layoutColumns, type PremiseProvenance } from "./parse.server";

/** Every statement here uses unqualified names: the connection's search_path decides the schema. */
export const quote = (name: string) => `"${name.replace(/"/g, '""')}"`;
export const literal = (value: string) => `'${value.replace(/'/g, "''")}'`;

/** EsiidPremise's columns, in table order. */
export const PREMISE_COLUMNS = [
  ...EXTRACT_COLUMNS.map(({ column }) => column),
  "tdsp",
  "searchText",
  "sourceDocId",
  "publishedAt",
  "lastChangedAt",
] as const;

/** EsiidPremise's column list, for statements that name every column. */
export const PREMISE_COLUMN_LIST = PREMISE_COLUMNS.map(quote).join(", ");

/** Whitespace JavaScript's trim() drops at either end, which the parser in Node used to strip. */
const BLANKS = literal(" \t\r\n\f\v\u00a0\ufeff");

/**
 * Streams the inflated CSV straight into `COPY … FROM STDIN (FORMAT csv)`: PostgreSQL parses it (quoted
 * commas, `""`, empty unquoted fields as NULL, LF or CRLF). The layout comes from the first record; COPY then
 * refuses a line of any other column count, and that error becomes the operator's sentence naming the line.
 * The table holds the fields as received, in file order (its ctid order is the line order).
 */
export async function copyExtract(
  client: pg.ClientBase,
  rawTable: string,
  csv: Readable,
  persistence: "UNLOGGED" | "TEMP",
): Promise<{ layout: ExtractLayout; rows: number }> {
  const { layout, csv: whole } = await detectLayout(csv);
  const columns = layoutColumns(layout).map((column) =>
    column === "esiid" ? `"esiid" text NOT NULL CHECK (btrim("esiid", ${BLANKS}) <> '')` : `${quote(column)} text`,
  );
  const onCommit = persistence === "TEMP" ? " ON COMMIT DROP" : "";
  await client.query(`CREATE ${persistence} TABLE ${quote(rawTable)} (${columns.join(", ")})${onCommit}`);
  const copy = client.query(copyFrom(`COPY ${quote(rawTable)} FROM STDIN (FORMAT csv)`));
  try {
    await pipeline(whole, copy);
  } catch (error) {
    throw copyErrorSentence(error, layout) ?? error;
  }
  return { layout, rows: copy.rowCount };
}

/**
 * The SELECT list turning raw extract fields into premise rows (PREMISE_COLUMNS order): trimmed, empty → NULL,
 * columns the layout lacks NULL, `searchText` from the one normaliser in SQL (esiid_search_text).
 */
/** One raw extract field as stored: trimmed, empty → NULL. */
export const trimmedField = (column: string) => `NULLIF(btrim(${quote(column)}, ${BLANKS}), '')`;

export function premiseSelectList(layout: ExtractLayout, provenance: PremiseProvenance): string {
  const present = new Set<string>(layoutColumns(layout));
  const field = (column: string) => (present.has(column) ? trimmedField(column) : "NULL::text");
  const stamp = `${literal(provenance.publishedAt.toISOString())}::timestamptz AT TIME ZONE 'UTC'`;
  return PREMISE_COLUMNS.map((column) => {
    if (column === "tdsp") return `${literal(provenance.tdsp)}::text AS "tdsp"`;
    if (column === "searchText")
      return `esiid_search_text(${["address", "addressOverflow", "city", "zipcode"].map(field).join(", ")}) AS "searchText"`;
    if (column === "sourceDocId") return `${literal(provenance.docId)}::text AS "sourceDocId"`;
    if (column === "publishedAt" || column === "lastChangedAt") return `(${stamp})::timestamp(3) AS ${quote(column)}`;
    return `${field(column)} AS ${quote(column)}`;
  }).join(", ");
}

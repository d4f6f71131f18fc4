import type pg from "pg";
import { orderBySql, orderKeys, viewWalk } from "./order.server";
import { asExplorerError, explorerPool, STATEMENT_TIMEOUT_MS } from "./pool.server";
import { selectionFor, type Selection } from "./selection.server";
import { quoteIdentifier, SqlParams } from "./sql.server";
import type { CellValue, ColumnKind, ExplorerColumn, ExplorerModel, ModelLookup } from "./types";
import { whereSql, type SearchScope } from "./where.server";
import type { ViewState } from "./view";

export type ExportFormat = "csv" | "json";
export const EXPORT_BATCH_ROWS = 2_000;

export interface ExportRequest {
  model: ExplorerModel;
  view: ViewState;
  lookup: ModelLookup;
  format: ExportFormat;
  columns: ExplorerColumn[];
  searchScope?: SearchScope;
  /** Aborted when the client goes away: the cursor is closed and the connection returned at once. */
  signal?: AbortSignal;
}

/** A download that stops being read for this long loses its transaction rather than hold a connection forever. */
const IDLE_TRANSACTION_TIMEOUT_MS = 60_000;

export function exportQuery({ model, view, lookup, columns, searchScope }: ExportRequest): {
  text: string;
  values: (string | null)[];
  selection: Selection;
} {
  const params = new SqlParams();
  const conditions = whereSql(model, view, params, lookup, searchScope);
  const keys = orderKeys(model, view.sort);
  const selection = selectionFor(columns, "export");
  const text =
    `SELECT ${selection.sql} FROM ${quoteIdentifier(model.table)} t` +
    (conditions.length ? ` WHERE ${conditions.join(" AND ")}` : "") +
    ` ORDER BY ${orderBySql(keys, viewWalk(view.dir))}`;
  return { text, values: params.values, selection };
}

// A spreadsheet runs a cell that starts with one of these as a formula (OWASP "CSV injection").
const FORMULA_START = /^[=+\-@\t\r]/;
// Only free text can hold a formula: numbers, dates, hex bytes and JSON come from PostgreSQL in forms that
// cannot start with one (JSON may start with "-" only as a number).
const FREE_TEXT_KINDS = new Set<ColumnKind>(["text", "enum"]);

/** One CSV field: formulas in free text are neutralised with a leading apostrophe, then RFC 4180 quoting. */
export function csvField(value: CellValue, kind: ColumnKind = "text"): string {
  if (value === null) return "";
  let text = typeof value === "object" ? ("masked" in value ? "[masked]" : JSON.stringify(value)) : String(value);
  if (FREE_TEXT_KINDS.has(kind) && FORMULA_START.test(text)) text = `'${text}`;
  return /[",\r\n]|^\s|\s$/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

const JSON_NUMBER = /^-?(0|[1-9]\d*)(\.\d+)?([eE][+-]?\d+)?$/;

/** JSON export keeps BigInt and Decimal as exact strings and embeds stored JSON as-is (no re-parse). */
export function jsonField(column: ExplorerColumn, value: CellValue): string {
  if (value === null) return "null";
  if (typeof value === "object") return "masked" in value ? '"[masked]"' : JSON.stringify(value);
  if (column.kind === "json") return String(value);
  if (column.kind === "float" && JSON_NUMBER.test(String(value))) return String(value);
  return JSON.stringify(value);
}

/**
 * Streams the whole filtered view through a server-side cursor, EXPORT_BATCH_ROWS per FETCH.
 * `pull` runs only when the response has room (the response writer honours backpressure, see
 * app/http/response-writer.server.ts), so memory stays flat however many rows match and however slow
 * the client. Cancelling the stream or aborting `signal` rolls back and releases the connection.
 * The cursor is opened and the first batch fetched before this resolves, so a timeout or a bad
 * view is an error the route can answer with a message instead of a broken download.
 */
export async function openExportStream(request: ExportRequest): Promise<ReadableStream<Uint8Array>> {
  const { format, columns, signal } = request;
  const { text, values, selection } = exportQuery(request);
  const encoder = new TextEncoder();
  const client: pg.PoolClient = await explorerPool().connect();
  let open = true;
  let rowsWritten = 0;

  // A session ended under a checked-out client (idle timeout, server restart) must not crash the process.
  const onClientError = (error: Error) => console.error(`explorer export: ${error.message}`);
  client.on("error", onClientError);
  const abandon = () => void finish(false).catch(() => {});
  signal?.addEventListener("abort", abandon, { once: true });
  const finish = async (commit: boolean) => {
    if (!open) return;
    open = false;
    signal?.removeEventListener("abort", abandon);
    let failure: Error | undefined;
    try {
      await client.query(commit ? "COMMIT" : "ROLLBACK");
    } catch (error) {
      failure = error as Error;
      throw error;
    } finally {
      client.off("error", onClientError);
      client.release(failure); // a failed COMMIT/ROLLBACK means a broken session: drop it from the pool
    }
  };
  const fetchBatch = async () => {
    if (!open) throw new Error("The export was cancelled.");
    try {
      return (await client.query<Record<string, unknown>>(`FETCH ${EXPORT_BATCH_ROWS} FROM explorer_export`)).rows;
    } catch (error) {
      await finish(false).catch(() => {});
      throw asExplorerError(error, STATEMENT_TIMEOUT_MS);
    }
  };
  const encodeBatch = (rows: Record<string, unknown>[]) => {
    let chunk = "";
    for (const record of rows) {
      const cells = selection.decode(record);
      if (format === "csv") chunk += columns.map((c) => csvField(cells[c.name], c.kind)).join(",") + "\r\n";
      else
        chunk +=
          (rowsWritten ? ",\n" : "") +
          `{${columns.map((c) => `${JSON.stringify(c.name)}:${jsonField(c, cells[c.name])}`).join(",")}}`;
      rowsWritten += 1;
    }
    return encoder.encode(chunk);
  };

  try {
    await client.query(
      `BEGIN READ ONLY; SET LOCAL statement_timeout = ${STATEMENT_TIMEOUT_MS};` +
        ` SET LOCAL idle_in_transaction_session_timeout = ${IDLE_TRANSACTION_TIMEOUT_MS}`,
    );
    await client.query(`DECLARE explorer_export NO SCROLL CURSOR FOR ${text}`, values);
  } catch (error) {
    await finish(false).catch(() => {});
    throw asExplorerError(error, STATEMENT_TIMEOUT_MS);
  }
  let pending: Record<string, unknown>[] | null = await fetchBatch();
  const header = format === "csv" ? columns.map((c) => csvField(c.name)).join(",") + "\r\n" : "[\n";

  return new ReadableStream<Uint8Array>(
    {
      start(controller) {
        controller.enqueue(encoder.encode(header));
        signal?.addEventListener("abort", () => controller.error(new Error("The client went away.")), { once: true });
      },
      async pull(controller) {
        try {
          const rows = pending ?? (await fetchBatch());
          pending = null;
          if (rows.length === 0) {
            await finish(true);
            if (format === "json") controller.enqueue(encoder.encode(rowsWritten ? "\n]\n" : "]\n"));
            controller.close();
            return;
          }
          controller.enqueue(encodeBatch(rows));
        } catch (error) {
          controller.error(error);
        }
      },
      async cancel() {
        await finish(false).catch(() => {});
      },
    },
    { highWaterMark: 1 },
  );
}

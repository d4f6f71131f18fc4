import pg from "pg";
import { createPool } from "~/db/connection.server";
import { appDatabase } from "~/db/target.server";

declare global {
  var __explorerPool: { url: string; pool: pg.Pool } | undefined;
}

// The explorer reads through its own small pool rather than Prisma's: it needs server-side cursors
// for streamed export, READ ONLY transactions with SET LOCAL statement_timeout, and values as
// PostgreSQL's exact text (see docs/decisions/001-explorer-metadata-and-safety.md).
const EXACT_AS_TEXT = new Set([20, 700, 701, 1700, 114, 3802, 1082, 1083]);
const TIMESTAMP = 1114;
const TIMESTAMPTZ = 1184;

/** "2026-03-08 07:15:00.5" (UTC by convention, or with "+00" under TimeZone=UTC) → "2026-03-08T07:15:00.5Z". */
export function timestampTextToIso(text: string): string {
  const match = /^(\d{4,}-\d{2}-\d{2}) (\d{2}:\d{2}:\d{2}(?:\.\d+)?)(?:\+00)?$/.exec(text);
  return match ? `${match[1]}T${match[2]}Z` : text;
}

export const explorerTypes = {
  getTypeParser(oid: number, format?: "text" | "binary") {
    if (EXACT_AS_TEXT.has(oid)) return (text: string) => text;
    if (oid === TIMESTAMP || oid === TIMESTAMPTZ) return timestampTextToIso;
    return pg.types.getTypeParser(oid, format);
  },
} as pg.CustomTypesConfig;

export function explorerPool(): pg.Pool {
  const target = appDatabase();
  const url = `${target.schema}@${target.url}`;
  if (globalThis.__explorerPool?.url !== url) {
    void globalThis.__explorerPool?.pool.end();
    const pool = createPool(target, { max: 5, serverSettings: "-c TimeZone=UTC", types: explorerTypes });
    pool.on("error", (error) => console.error(`explorer pool: ${error.message}`));
    globalThis.__explorerPool = { url, pool };
  }
  return globalThis.__explorerPool.pool;
}

export async function closeExplorerPool() {
  await globalThis.__explorerPool?.pool.end();
  globalThis.__explorerPool = undefined;
}

/** Every explorer statement runs under this limit, so a bad filter cannot hang the database. */
export const STATEMENT_TIMEOUT_MS = 5_000;

export class ExplorerTimeoutError extends Error {
  constructor(readonly timeoutMs: number) {
    super(
      `The query took longer than ${timeoutMs / 1000} s and was stopped. ` +
        "Narrow it with a filter on an indexed column, or sort by an indexed column.",
    );
  }
}

const QUERY_CANCELED = "57014";

/** Runs work in a READ ONLY transaction with SET LOCAL statement_timeout; a timeout becomes ExplorerTimeoutError. */
export async function readOnly<T>(
  work: (client: pg.PoolClient) => Promise<T>,
  timeoutMs = STATEMENT_TIMEOUT_MS,
): Promise<T> {
  const client = await explorerPool().connect();
  try {
    // One round trip; timeoutMs is a number from this module, never from a request.
    await client.query(`BEGIN READ ONLY; SET LOCAL statement_timeout = ${Math.floor(timeoutMs)}`);
    const result = await work(client);
    await client.query("COMMIT");
    return result;
  } catch (error) {
    await client.query("ROLLBACK").catch(() => {});
    throw asExplorerError(error, timeoutMs);
  } finally {
    client.release();
  }
}

export function asExplorerError(error: unknown, timeoutMs: number): unknown {
  return (error as { code?: string })?.code === QUERY_CANCELED ? new ExplorerTimeoutError(timeoutMs) : error;
}

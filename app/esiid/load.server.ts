import type { Readable } from "node:stream";
import type pg from "pg";
import type { ExtractLayout } from "./columns";
import { ExtractFormatError, type PremiseProvenance } from "./parse.server";
import { copyExtract, literal, PREMISE_COLUMN_LIST, premiseSelectList, quote, trimmedField } from "./stage.server";

const PREMISE = `"EsiidPremise"`;
export const STAGING_PREFIX = "esiid_stage_";
/** Per index build; PostgreSQL's default (64 MB) makes the trigram build spill many times on a big FUL. */
const INDEX_BUILD_MEMORY = "256MB";

export interface LoadResult {
  layout: ExtractLayout | null;
  rows: number;
  changes: number;
}

/** A staging table name unique to this load: TDSP slug plus a time stamp, within PostgreSQL's 63 bytes. */
export function stagingName(tdsp: string): string {
  const slug = tdsp
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, "_")
    .slice(0, 30);
  return `${STAGING_PREFIX}${slug}_${Date.now().toString(36)}`;
}

/** Staging tables left by a load that died before its swap: never attached, so nobody reads them. */
export async function dropOrphanStagingTables(client: pg.ClientBase): Promise<void> {
  const { rows } = await client.query<{ name: string }>(
    `SELECT c.relname AS name FROM pg_class c
      WHERE c.relkind = 'r' AND NOT c.relispartition AND c.relnamespace = current_schema()::regnamespace
        AND c.relname LIKE '${STAGING_PREFIX.replace(/_/g, "\\_")}%'`,
  );
  for (const { name } of rows) await client.query(`DROP TABLE IF EXISTS ${quote(name)}`);
}

/** How a FUL's staging table gets its rows: `create` makes it (any column order, no constraints needed). */
export interface StagingFill {
  layout: ExtractLayout | null;
  /** Creates `staging` holding every premise row; returns the row count. */
  create(staging: string): Promise<number>;
  /** Keeps one row per ESIID listed more than once, from its last line; returns the new row count. */
  keepLastLines(staging: string): Promise<number>;
  /** Drops what `create` left beside the staging table. */
  cleanup(): Promise<void>;
}

const DUPLICATE_KEY = "23505";
const NOT_NULL_COLUMNS = ["esiid", "tdsp", "searchText", "sourceDocId", "publishedAt", "lastChangedAt"];

/**
 * Key and indexes of a filled staging table, the same as the partitioned table's. The trigram index (the
 * longest build by far) runs on `helper` while the btrees run on `client`, so both cores can work.
 */
async function buildIndexes(client: pg.ClientBase, helper: pg.ClientBase, staging: string, tdsp: string) {
  const table = quote(staging);
  const { rows: helperBackend } = await helper.query<{ pid: number }>(`SELECT pg_backend_pid() AS pid`);
  const trigram = helper.query(
    `SET maintenance_work_mem = '${INDEX_BUILD_MEMORY}';
     CREATE INDEX ON ${table} USING GIN ("searchText" gin_trgm_ops)`,
  );
  const btrees = (async () => {
    await client.query(`SET maintenance_work_mem = '${INDEX_BUILD_MEMORY}'`);
    // The key first: a duplicate ESIID shows here, and the trigram build is then cancelled, not waited for.
    await client.query(`CREATE UNIQUE INDEX ${quote(`${staging}_key`)} ON ${table} ("tdsp", "esiid")`);
    await client.query(`CREATE INDEX ON ${table} ("esiid" text_pattern_ops)`);
    await client.query(`CREATE INDEX ON ${table} (left("zipcode", 5))`);
    await client.query(`CREATE INDEX ON ${table} ("city")`);
  })();
  const [trigramBuilt, btreesBuilt] = await Promise.allSettled([
    trigram,
    btrees.catch(async (error) => {
      await client.query(`SELECT pg_cancel_backend($1)`, [helperBackend[0].pid]).catch(() => {});
      throw error;
    }),
  ]);
  if (btreesBuilt.status === "rejected") throw btreesBuilt.reason;
  if (trigramBuilt.status === "rejected") throw trigramBuilt.reason;
  // Only now, when nothing else holds the table: PRIMARY KEY … USING INDEX takes its exclusive lock briefly.
  // The CHECK lets ATTACH PARTITION skip its validation scan inside the swap; one ALTER, one scan.
  await client.query(
    `ALTER TABLE ${table} ${NOT_NULL_COLUMNS.map((column) => `ALTER COLUMN ${quote(column)} SET NOT NULL`).join(", ")},
       ADD CHECK ("tdsp" = ${literal(tdsp)}), ADD PRIMARY KEY USING INDEX ${quote(`${staging}_key`)}`,
  );
}

/** A trigram build that finished before the key build failed would otherwise be built twice. */
async function dropIndexes(client: pg.ClientBase, staging: string) {
  const { rows } = await client.query<{ name: string }>(
    `SELECT indexrelid::regclass::text AS name FROM pg_index WHERE indrelid = $1::regclass`,
    [quote(staging)],
  );
  for (const { name } of rows) await client.query(`DROP INDEX ${name}`);
}

/**
 * A FUL replaces its TDSP's snapshot: fill a fresh staging table, build its key and indexes, then in one
 * short transaction detach the old partition, attach the new one and drop the old. Readers see the old
 * snapshot until the commit and the new one after it, never a missing or half-loaded TDSP.
 */
export async function loadFul(
  client: pg.ClientBase,
  helper: pg.ClientBase,
  provenance: PremiseProvenance,
  csv: Readable,
  recordState: (client: pg.ClientBase, result: LoadResult) => Promise<void>,
): Promise<LoadResult> {
  const raw = `${stagingName(provenance.tdsp)}_raw`;
  let layout: ExtractLayout | null = null;
  const fill: StagingFill = {
    get layout() {
      return layout;
    },
    async create(staging) {
      if (layout === null) ({ layout } = await copyExtract(client, raw, csv, "UNLOGGED"));
      // CREATE TABLE AS may compute the rows (the normaliser above all) in parallel workers.
      const created = await client.query(
        `CREATE TABLE ${quote(staging)} AS SELECT ${premiseSelectList(layout, provenance)} FROM ${quote(raw)}`,
      );
      return created.rowCount ?? 0;
    },
    async keepLastLines(staging) {
      // The raw table's ctid order is the file's line order: an ESIID's last line wins, as in a DAILY.
      const esiid = trimmedField("esiid");
      // Grouping millions of ESIIDs in PostgreSQL's default 4 MB spills to disk many times over.
      await client.query(`SET work_mem = '${INDEX_BUILD_MEMORY}'`);
      await client.query(
        `WITH repeated AS (SELECT ${esiid} AS "esiid" FROM ${quote(raw)} GROUP BY 1 HAVING count(*) > 1),
              gone AS (DELETE FROM ${quote(staging)} WHERE "esiid" IN (SELECT "esiid" FROM repeated))
         INSERT INTO ${quote(staging)} (${PREMISE_COLUMN_LIST})
         SELECT DISTINCT ON ("esiid") ${PREMISE_COLUMN_LIST}
           FROM (SELECT ctid AS line, ${premiseSelectList(layout!, provenance)} FROM ${quote(raw)}
                  WHERE ${esiid} IN (SELECT "esiid" FROM repeated)) AS lines
          ORDER BY "esiid", line DESC`,
      );
      await client.query(`RESET work_mem`);
      const { rows } = await client.query<{ count: string }>(`SELECT count(*) AS count FROM ${quote(staging)}`);
      return Number(rows[0].count);
    },
    cleanup: () => client.query(`DROP TABLE IF EXISTS ${quote(raw)}`).then(() => undefined),
  };
  return loadFulFrom(client, helper, provenance, fill, recordState);
}

/** loadFul with the staging table made by `fill` (the benchmark fills it with SQL to reach 13 M rows fast). */
export async function loadFulFrom(
  client: pg.ClientBase,
  helper: pg.ClientBase,
  provenance: PremiseProvenance,
  fill: StagingFill,
  recordState: (client: pg.ClientBase, result: LoadResult) => Promise<void>,
): Promise<LoadResult> {
  const staging = stagingName(provenance.tdsp);
  const table = quote(staging);
  try {
    let rows = await fill.create(staging);
    if (rows === 0) throw new ExtractFormatError("The extract holds no rows; the file was not applied.");
    try {
      await buildIndexes(client, helper, staging, provenance.tdsp);
    } catch (error) {
      if ((error as { code?: string }).code !== DUPLICATE_KEY) throw error;
      // An ESIID listed twice (rare in a FUL, so checked by the key build rather than up front).
      await dropIndexes(client, staging);
      rows = await fill.keepLastLines(staging);
      await buildIndexes(client, helper, staging, provenance.tdsp);
    }
    await fill.cleanup();
    await client.query(`ANALYZE ${table}`);
    const result: LoadResult = { layout: fill.layout, rows, changes: 0 };
    await swapIn(client, provenance, staging, result, recordState);
    return result;
  } catch (error) {
    await client.query(`DROP TABLE IF EXISTS ${table}`).catch(() => {});
    await fill.cleanup().catch(() => {});
    throw error;
  }
}

async function swapIn(
  client: pg.ClientBase,
  provenance: PremiseProvenance,
  staging: string,
  result: LoadResult,
  recordState: (client: pg.ClientBase, result: LoadResult) => Promise<void>,
) {
  await client.query("BEGIN");
  try {
    const { rows: current } = await client.query<{ partitionName: string }>(
      `SELECT "partitionName" FROM "EsiidSnapshot" WHERE "tdsp" = $1 FOR UPDATE`,
      [provenance.tdsp],
    );
    const old = current[0]?.partitionName;
    if (old) await client.query(`ALTER TABLE ${PREMISE} DETACH PARTITION ${quote(old)}`);
    await client.query(
      `ALTER TABLE ${PREMISE} ATTACH PARTITION ${quote(staging)} FOR VALUES IN (${literal(provenance.tdsp)})`,
    );
    if (old) await client.query(`DROP TABLE ${quote(old)}`);
    await client.query(
      `INSERT INTO "EsiidSnapshot" ("tdsp", "partitionName", "fulDocId", "fulPublishedAt", "rows", "loadedAt")
       VALUES ($1, $2, $3, $4, $5, now())
       ON CONFLICT ("tdsp") DO UPDATE SET "partitionName" = $2, "fulDocId" = $3, "fulPublishedAt" = $4,
         "rows" = $5, "loadedAt" = now()`,
      [provenance.tdsp, staging, provenance.docId, provenance.publishedAt.toISOString(), result.rows],
    );
    await recordState(client, result);
    await client.query("COMMIT");
  } catch (error) {
    await client.query("ROLLBACK").catch(() => {});
    throw error;
  }
}

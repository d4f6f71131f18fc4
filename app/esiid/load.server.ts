import type { Readable } from "node:stream";
import { pipeline } from "node:stream/promises";
import type pg from "pg";
import { from as copyFrom } from "pg-copy-streams";
import { TRACKED_COLUMNS } from "./columns";
import {
  COPY_COLUMNS,
  createCopyRowEncoder,
  createExtractCsvParser,
  ExtractFormatError,
  type ParseTally,
  type PremiseProvenance,
} from "./parse.server";

/** Every statement here uses unqualified names: the connection's search_path decides the schema. */
const PREMISE = `"EsiidPremise"`;
export const STAGING_PREFIX = "esiid_stage_";

const quote = (name: string) => `"${name.replace(/"/g, '""')}"`;
const COPY_LIST = COPY_COLUMNS.map(quote).join(", ");
const literal = (value: string) => `'${value.replace(/'/g, "''")}'`;

export interface LoadResult {
  layout: ParseTally["layout"];
  rows: number;
  changes: number;
}

/** A staging table name unique to this load: TDSP slug plus a time stamp, within PostgreSQL's 63 bytes. */
function stagingName(tdsp: string): string {
  const slug = tdsp
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, "_")
    .slice(0, 30);
  return `${STAGING_PREFIX}${slug}_${Date.now().toString(36)}`;
}

async function copyInto(client: pg.ClientBase, table: string, csv: Readable, provenance: PremiseProvenance) {
  const tally: ParseTally = { layout: null, rows: 0 };
  try {
    await pipeline(
      csv,
      createExtractCsvParser(),
      createCopyRowEncoder(provenance, tally),
      client.query(copyFrom(`COPY ${quote(table)} (${COPY_LIST}) FROM STDIN`)),
    );
  } catch (error) {
    // csv-parse errors already name the line; keep them as the operator's sentence.
    if ((error as { code?: string }).code?.startsWith("CSV_"))
      throw new ExtractFormatError(`${(error as Error).message} The file was not applied.`);
    throw error;
  }
  if (tally.rows === 0) throw new ExtractFormatError("The extract holds no rows; the file was not applied.");
  return tally;
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

const DUPLICATE_KEY = "23505";

/**
 * A FUL replaces its TDSP's snapshot: COPY into a fresh staging table, build its key and indexes, then in one
 * short transaction detach the old partition, attach the new one and drop the old. Readers see the old
 * snapshot until the commit and the new one after it, never a missing or half-loaded TDSP.
 */
export async function loadFul(
  client: pg.ClientBase,
  provenance: PremiseProvenance,
  csv: Readable,
  recordState: (client: pg.ClientBase, result: LoadResult) => Promise<void>,
): Promise<LoadResult> {
  return loadFulFrom(client, provenance, (staging) => copyInto(client, staging, csv, provenance), recordState);
}

/** loadFul with the staging table filled by `fill` (the benchmark fills it with SQL to reach 13 M rows fast). */
export async function loadFulFrom(
  client: pg.ClientBase,
  provenance: PremiseProvenance,
  fill: (stagingTable: string) => Promise<ParseTally>,
  recordState: (client: pg.ClientBase, result: LoadResult) => Promise<void>,
): Promise<LoadResult> {
  const staging = stagingName(provenance.tdsp);
  const table = quote(staging);
  await client.query(`CREATE TABLE ${table} (LIKE ${PREMISE} INCLUDING DEFAULTS)`);
  try {
    const tally = await fill(staging);
    await client.query(`SET maintenance_work_mem = '256MB'`);
    // The CHECK lets ATTACH PARTITION skip its validation scan inside the swap.
    await client.query(`ALTER TABLE ${table} ADD CHECK ("tdsp" = ${literal(provenance.tdsp)})`);
    try {
      await client.query(`ALTER TABLE ${table} ADD PRIMARY KEY ("tdsp", "esiid")`);
    } catch (error) {
      if ((error as { code?: string }).code !== DUPLICATE_KEY) throw error;
      // An ESIID listed twice: the later line wins, as in a DAILY.
      await client.query(`DELETE FROM ${table} a USING ${table} b WHERE a."esiid" = b."esiid" AND a.ctid < b.ctid`);
      await client.query(`ALTER TABLE ${table} ADD PRIMARY KEY ("tdsp", "esiid")`);
    }
    await client.query(`CREATE INDEX ON ${table} ("esiid" text_pattern_ops)`);
    await client.query(`CREATE INDEX ON ${table} USING GIN ("searchText" gin_trgm_ops)`);
    await client.query(`CREATE INDEX ON ${table} (left("zipcode", 5))`);
    await client.query(`CREATE INDEX ON ${table} ("city")`);
    await client.query(`ANALYZE ${table}`);
    const { rows: counted } = await client.query<{ count: string }>(`SELECT count(*) AS count FROM ${table}`);
    const result: LoadResult = { layout: tally.layout, rows: Number(counted[0].count), changes: 0 };

    await client.query("BEGIN");
    try {
      const { rows: current } = await client.query<{ partitionName: string }>(
        `SELECT "partitionName" FROM "EsiidSnapshot" WHERE "tdsp" = $1 FOR UPDATE`,
        [provenance.tdsp],
      );
      const old = current[0]?.partitionName;
      if (old) await client.query(`ALTER TABLE ${PREMISE} DETACH PARTITION ${quote(old)}`);
      await client.query(
        `ALTER TABLE ${PREMISE} ATTACH PARTITION ${table} FOR VALUES IN (${literal(provenance.tdsp)})`,
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
    return result;
  } catch (error) {
    await client.query(`DROP TABLE IF EXISTS ${table}`).catch(() => {});
    throw error;
  }
}

/** A TDSP seen in a DAILY before any FUL gets an empty partition, which its first FUL then replaces. */
async function ensurePartition(client: pg.ClientBase, tdsp: string) {
  const { rowCount } = await client.query(`SELECT 1 FROM "EsiidSnapshot" WHERE "tdsp" = $1`, [tdsp]);
  if (rowCount) return;
  const name = stagingName(tdsp);
  await client.query(`CREATE TABLE ${quote(name)} PARTITION OF ${PREMISE} FOR VALUES IN (${literal(tdsp)})`);
  await client.query(`INSERT INTO "EsiidSnapshot" ("tdsp", "partitionName") VALUES ($1, $2)`, [tdsp, name]);
}

const DIFFERS = TRACKED_COLUMNS.map((column) => `p.${quote(column)} IS DISTINCT FROM i.${quote(column)}`).join(" OR ");
const CHANGES = `jsonb_strip_nulls(jsonb_build_object(${TRACKED_COLUMNS.map(
  (column) =>
    `${literal(column)}, CASE WHEN p.${quote(column)} IS DISTINCT FROM i.${quote(column)} THEN jsonb_build_array(p.${quote(column)}, i.${quote(column)}) END`,
).join(", ")}))`;
const ROW_CHANGED = `ROW(${TRACKED_COLUMNS.map((c) => `${PREMISE}.${quote(c)}`).join(", ")}) IS DISTINCT FROM ROW(${TRACKED_COLUMNS.map((c) => `EXCLUDED.${quote(c)}`).join(", ")})`;

/**
 * A DAILY, in one transaction: COPY into a temporary table, keep the last line per ESIID, append a change row
 * for each premise it adds or changes, then upsert where the file is at least as new as what is stored.
 * Applying the same file twice changes nothing: its records then equal what is stored. A replay (after its
 * TDSP's FUL was loaded again) first drops the file's change rows, since the base they were measured on is gone.
 */
export async function applyDaily(
  client: pg.ClientBase,
  provenance: PremiseProvenance,
  csv: Readable,
  recordState: (client: pg.ClientBase, result: LoadResult) => Promise<void>,
  options: { replay: boolean },
): Promise<LoadResult> {
  await client.query("BEGIN");
  try {
    await ensurePartition(client, provenance.tdsp);
    await client.query(`CREATE TEMP TABLE esiid_daily (LIKE ${PREMISE} INCLUDING DEFAULTS) ON COMMIT DROP`);
    const tally = await copyInto(client, "esiid_daily", csv, provenance);
    await client.query(`DELETE FROM esiid_daily a USING esiid_daily b WHERE a."esiid" = b."esiid" AND a.ctid < b.ctid`);
    // Replayed after a FUL load, the file's changes are measured again against that FUL.
    if (options.replay) await client.query(`DELETE FROM "EsiidPremiseChange" WHERE "docId" = $1`, [provenance.docId]);
    const changed = await client.query(
      `INSERT INTO "EsiidPremiseChange" ("esiid", "tdsp", "docId", "publishedAt", "kind", "changes")
       SELECT i."esiid", i."tdsp", i."sourceDocId", i."publishedAt",
              CASE WHEN p."esiid" IS NULL THEN 'added' ELSE 'changed' END, ${CHANGES}
         FROM esiid_daily i LEFT JOIN ${PREMISE} p ON p."tdsp" = i."tdsp" AND p."esiid" = i."esiid"
        WHERE p."esiid" IS NULL OR (p."publishedAt" <= i."publishedAt" AND (${DIFFERS}))
       ON CONFLICT ("esiid", "docId") DO NOTHING`,
    );
    const assignments = [...TRACKED_COLUMNS, "searchText"]
      .map((column) => `${quote(column)} = EXCLUDED.${quote(column)}`)
      .join(", ");
    await client.query(
      `INSERT INTO ${PREMISE} AS p (${COPY_LIST}) SELECT ${COPY_LIST} FROM esiid_daily
       ON CONFLICT ("tdsp", "esiid") DO UPDATE SET ${assignments},
         "sourceDocId" = CASE WHEN ${ROW_CHANGED.replaceAll(PREMISE + ".", "p.")} THEN EXCLUDED."sourceDocId" ELSE p."sourceDocId" END,
         "lastChangedAt" = CASE WHEN ${ROW_CHANGED.replaceAll(PREMISE + ".", "p.")} THEN EXCLUDED."publishedAt" ELSE p."lastChangedAt" END,
         "publishedAt" = EXCLUDED."publishedAt"
       WHERE p."publishedAt" <= EXCLUDED."publishedAt"`,
    );
    const result: LoadResult = { layout: tally.layout, rows: tally.rows, changes: changed.rowCount ?? 0 };
    await recordState(client, result);
    await client.query("COMMIT");
    return result;
  } catch (error) {
    await client.query("ROLLBACK").catch(() => {});
    throw error;
  }
}

import type { Readable } from "node:stream";
import type pg from "pg";
import { TRACKED_COLUMNS } from "./columns";
import { stagingName, type LoadResult } from "./load.server";
import type { PremiseProvenance } from "./parse.server";
import { copyExtract, literal, PREMISE_COLUMN_LIST, premiseSelectList, quote } from "./stage.server";

const PREMISE = `"EsiidPremise"`;

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
const ROW_CHANGED = `ROW(${TRACKED_COLUMNS.map((c) => `p.${quote(c)}`).join(", ")}) IS DISTINCT FROM ROW(${TRACKED_COLUMNS.map((c) => `EXCLUDED.${quote(c)}`).join(", ")})`;
const ASSIGNMENTS = [...TRACKED_COLUMNS, "searchText"]
  .map((column) => `${quote(column)} = EXCLUDED.${quote(column)}`)
  .join(", ");

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
    const { layout, rows } = await copyExtract(client, "esiid_daily_raw", csv, "TEMP");
    // ctid is the line order of the raw table: the last line per ESIID wins.
    await client.query(
      `CREATE TEMP TABLE esiid_daily ON COMMIT DROP AS SELECT DISTINCT ON ("esiid") ${PREMISE_COLUMN_LIST}
         FROM (SELECT ctid AS line, ${premiseSelectList(layout, provenance)} FROM esiid_daily_raw) AS lines
        ORDER BY "esiid", line DESC`,
    );
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
    await client.query(
      `INSERT INTO ${PREMISE} AS p (${PREMISE_COLUMN_LIST}) SELECT ${PREMISE_COLUMN_LIST} FROM esiid_daily
       ON CONFLICT ("tdsp", "esiid") DO UPDATE SET ${ASSIGNMENTS},
         "sourceDocId" = CASE WHEN ${ROW_CHANGED} THEN EXCLUDED."sourceDocId" ELSE p."sourceDocId" END,
         "lastChangedAt" = CASE WHEN ${ROW_CHANGED} THEN EXCLUDED."publishedAt" ELSE p."lastChangedAt" END,
         "publishedAt" = EXCLUDED."publishedAt"
       WHERE p."publishedAt" <= EXCLUDED."publishedAt"`,
    );
    const result: LoadResult = { layout, rows, changes: changed.rowCount ?? 0 };
    await recordState(client, result);
    await client.query("COMMIT");
    return result;
  } catch (error) {
    await client.query("ROLLBACK").catch(() => {});
    throw error;
  }
}

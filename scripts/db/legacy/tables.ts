// Set-based mappings from the old portal's tables (in `public`, read only) into ours (the connection's schema).
// Each step first lists the rows it cannot map, with the reason, then inserts the rest with ON CONFLICT DO NOTHING,
// so a second run inserts nothing and an interrupted run is completed by the next.
import type pg from "pg";
import { mergeDaySlotsSet } from "~/smt/day-merge-sql";

export interface Unmapped {
  table: string;
  id: string;
  reason: string;
}

export interface StepCounts {
  table: string;
  read: number;
  inserted: number;
  alreadyThere: number;
  unmapped: number;
}

export interface Step {
  table: string;
  /** Rows that cannot come across: `SELECT id::text, reason`. */
  unmappedSql: string;
  /** Candidate count: `SELECT count(*)`. */
  candidatesSql: string;
  /** Inserts the candidates; its row count is what was new. */
  insertSql: string;
}

const STORED = `('done', 'stored', 'success', 'succeeded', 'ok', 'complete', 'completed')`;
const FAILED = `('error', 'failed', 'failure')`;

export const ERCOT_INGEST: Step = {
  table: "ErcotIngest",
  unmappedSql: `
    SELECT id::text, CASE
      WHEN tdsp IS NULL THEN 'no TDSP'
      WHEN lower(status) NOT IN ${STORED} AND lower(status) NOT IN ${FAILED} THEN format('status %L is neither stored nor failed', status)
      WHEN lower(status) IN ${STORED} AND (headers->>'filename' IS NULL OR headers->>'key' IS NULL)
        THEN 'stored, but headers hold no filename or storage key'
      WHEN headers->>'size' IS NOT NULL AND headers->>'size' !~ '^[0-9]+$' THEN format('size %L is not a number', headers->>'size')
      END AS reason
    FROM public."ErcotIngest"`,
  candidatesSql: `SELECT count(*)::int AS n FROM public."ErcotIngest" o WHERE ${ercotMappable("o")}`,
  insertSql: `
    INSERT INTO "ErcotIngest" (filename, "storageKey", "sizeBytes", "sourceUrl", status, sha256, tdsp, "docId",
                               "publishedAt", source, error, "legacyId", "createdAt", "updatedAt")
    SELECT coalesce(o.headers->>'filename', ''), coalesce(o.headers->>'key', ''), (o.headers->>'size')::bigint,
           coalesce(o."fileUrl", ''),
           (CASE WHEN lower(o.status) IN ${STORED} THEN 'stored' ELSE 'failed' END)::"ErcotFileStatus",
           o."fileSha256", o.tdsp, NULL, o."createdAt", 'legacy',
           nullif(concat_ws(': ', o.error, o."errorDetail"), ''), o.id, o."createdAt", o."createdAt"
      FROM public."ErcotIngest" o
     WHERE ${ercotMappable("o")}
    ON CONFLICT ("legacyId") DO NOTHING`,
};

function ercotMappable(o: string) {
  return `${o}.tdsp IS NOT NULL
    AND (lower(${o}.status) IN ${FAILED} OR (lower(${o}.status) IN ${STORED}
         AND ${o}.headers->>'filename' IS NOT NULL AND ${o}.headers->>'key' IS NOT NULL))
    AND (${o}.headers->>'size' IS NULL OR ${o}.headers->>'size' ~ '^[0-9]+$')`;
}

// Our intervals are per ESIID and channel: of two meters on the same ESIID and instant, the first (by meter)
// comes across and the other is reported. The old portal recorded consumption only.
const SECOND_METER = `EXISTS (SELECT 1 FROM public."SmtInterval" f
                               WHERE f.esiid = o.esiid AND f.ts = o.ts AND (f.meter, f.id) < (o.meter, o.id))`;

/** The old intervals that come across and whose slot is not yet received in our day rows. */
const FRESH_INTERVALS = `
  SELECT o.esiid, o.ts, o.kwh, o.filled, o."updatedAt",
         ((o.ts AT TIME ZONE 'UTC') AT TIME ZONE 'America/Chicago')::date AS day
    FROM public."SmtInterval" o
   WHERE NOT ${SECOND_METER}
     AND NOT EXISTS (
           SELECT 1 FROM "SmtIntervalDay" d
            WHERE d.esiid = o.esiid AND d.channel = 'consumption'
              AND d.day = ((o.ts AT TIME ZONE 'UTC') AT TIME ZONE 'America/Chicago')::date
              AND d.estimated[1 + (extract(epoch FROM o.ts - d."dayStart") / 900)::int] IS NOT NULL)`;

/**
 * Old intervals land in their day rows (SmtIntervalDay, slot i at the day's local midnight + i × 15 minutes). A slot
 * our own ingest already received wins; the others are filled and the day's totals recomputed. The statement's
 * result has one row per interval filled, so its row count is what was new.
 */
export const SMT_INTERVAL_DAY: Step = {
  table: "SmtIntervalDay",
  unmappedSql: `
    SELECT o.id::text, format('second meter %s for ESIID %s at %s UTC; our intervals are per ESIID', o.meter, o.esiid, o.ts) AS reason
      FROM public."SmtInterval" o WHERE ${SECOND_METER}`,
  candidatesSql: `SELECT count(*)::int AS n FROM public."SmtInterval" o WHERE NOT ${SECOND_METER}`,
  insertSql: `
    WITH fresh AS (${FRESH_INTERVALS}),
    days AS (
      SELECT DISTINCT f.esiid, f.day,
             (f.day::timestamp AT TIME ZONE 'America/Chicago') AT TIME ZONE 'UTC' AS day_start,
             ((f.day + 1)::timestamp AT TIME ZONE 'America/Chicago') AT TIME ZONE 'UTC' AS next_start
        FROM fresh f
    ),
    merged AS (
      INSERT INTO "SmtIntervalDay" AS t ("esiid", "channel", "day", "dayStart", "kwh", "estimated", "revisionAt",
                                         "rawFileIds", "totalKwh", "intervals", "missing", "estimatedCount", "rawFileId")
      SELECT d.esiid, 'consumption', d.day, d.day_start,
             array_agg(f.kwh ORDER BY s.slot), array_agg(f.filled ORDER BY s.slot),
             array_agg(f."updatedAt" ORDER BY s.slot), array_agg(NULL::int ORDER BY s.slot),
             sum(f.kwh), count(f.filled), count(*) FILTER (WHERE f.filled IS NOT NULL AND f.kwh IS NULL),
             count(*) FILTER (WHERE f.filled), NULL
        FROM days d
       CROSS JOIN LATERAL generate_series(0, (extract(epoch FROM d.next_start - d.day_start) / 900)::int - 1) AS s(slot)
        LEFT JOIN fresh f ON f.esiid = d.esiid AND f.ts = d.day_start + s.slot * interval '15 minutes'
       GROUP BY d.esiid, d.day, d.day_start
      ON CONFLICT ("esiid", "channel", "day") DO UPDATE
        ${mergeDaySlotsSet({ stored: "t", takeIncoming: "u.oe IS NULL", incomingFileIds: 'EXCLUDED."rawFileIds"' })}
    )
    SELECT 1 FROM fresh`,
};

const BILLING_MAPPABLE = `o."readStart" IS NOT NULL AND o."readEnd" IS NOT NULL`;

export const SMT_BILLING_READ: Step = {
  table: "SmtBillingRead",
  unmappedSql: `
    SELECT o.id::text, 'no read start or end date' AS reason FROM public."SmtBillingRead" o WHERE NOT (${BILLING_MAPPABLE})`,
  candidatesSql: `SELECT count(*)::int AS n FROM public."SmtBillingRead" o WHERE ${BILLING_MAPPABLE}`,
  insertSql: `
    INSERT INTO "SmtBillingRead" (esiid, meter, "readStart", "readEnd", kwh, extra, "rawFileId", "createdAt", "updatedAt")
    SELECT o.esiid, coalesce(o.meter, ''), o."readStart"::date, o."readEnd"::date,
           coalesce(o."kwhBilled", o."kwhTotal")::numeric(14,4),
           jsonb_strip_nulls(jsonb_build_object('legacyId', o.id, 'tdspCode', o."tdspCode", 'tdspName', o."tdspName",
             'billDate', o."billDate"::date, 'kwhTotal', o."kwhTotal", 'kwhBilled', o."kwhBilled", 'source', o.source)),
           (SELECT r.id FROM "SmtRawFile" r JOIN public.raw_smt_files f ON f.sha256 = r.sha256 WHERE f.id = o."rawSmtFileId"),
           o."createdAt", o."createdAt"
      FROM public."SmtBillingRead" o WHERE ${BILLING_MAPPABLE}
    ON CONFLICT (esiid, meter, "readStart", "readEnd") DO NOTHING`,
};

/** Runs one step in its own transaction; returns its counts and its unmapped rows. */
export async function runStep(client: pg.Client, step: Step): Promise<{ counts: StepCounts; unmapped: Unmapped[] }> {
  await client.query("BEGIN");
  try {
    const { rows } = await client.query<{ id: string; reason: string | null }>(step.unmappedSql);
    const unmapped = rows
      .filter((row) => row.reason)
      .map((row) => ({ table: step.table, id: row.id, reason: row.reason! }));
    const candidates = (await client.query<{ n: number }>(step.candidatesSql)).rows[0].n;
    const inserted = (await client.query(step.insertSql)).rowCount ?? 0;
    await client.query("COMMIT");
    return {
      counts: {
        table: step.table,
        read: candidates + unmapped.length,
        inserted,
        alreadyThere: candidates - inserted,
        unmapped: unmapped.length,
      },
      unmapped,
    };
  } catch (error) {
    await client.query("ROLLBACK").catch(() => {});
    throw error;
  }
}

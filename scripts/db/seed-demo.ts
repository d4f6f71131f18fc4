// Demo data for the table explorer: realistic 15-minute SMT readings as SmtIntervalDay rows (one per ESIID, channel
// and Central day; --rows counts day rows), plus the SmtRawFile rows they came from. Generated inside PostgreSQL
// (generate_series), idempotent (primary-key and sha256 conflicts are skipped), with or without DATABASE_URL.
//   npm run db:seed-demo -- --rows 100000
import type pg from "pg";
import { pathToFileURL } from "node:url";
import { openClient } from "../../app/db/connection.server";
import { pendingMigrations, runPrismaCli } from "../../app/db/migrations.server";
import { resolveDatabase } from "../lib/database";

const ONCOR_METERS = 24;
const CENTERPOINT_METERS = 12;
/** Every third meter has rooftop solar, so it also reports a generation channel. */
const SOLAR_EVERY = 3;
/** The first demo day (Central). */
export const DEMO_START_DAY = "2025-06-01";

export function demoEsiids(): string[] {
  // A range of their own ("…9…" after the TDSP prefix), so demo meters never collide with real or fixture ESIIDs.
  const oncor = Array.from({ length: ONCOR_METERS }, (_, i) => `10443729${String(i + 1).padStart(9, "0")}`);
  const centerPoint = Array.from(
    { length: CENTERPOINT_METERS },
    (_, i) => `10089019${String(i + 1).padStart(14, "0")}`,
  );
  return [...oncor, ...centerPoint];
}

export interface SeedResult {
  rawFilesInserted: number;
  daysInserted: number;
  daysRequested: number;
}

export async function seedDemo(client: pg.Client | pg.PoolClient, rows: number): Promise<SeedResult> {
  const esiids = demoEsiids();
  const files = await client.query(
    `INSERT INTO "SmtRawFile" (sha256, filename, "sizeBytes", "storageKey", source, status, kind, esiid, meter, head, "rowsParsed", warnings)
     SELECT encode(sha256(convert_to('demo-interval-' || e, 'UTF8')), 'hex'),
            'IntervalMeterUsage_' || e || '.csv',
            (2500000 + n * 7919)::bigint,
            'smt/demo/' || e || '.csv',
            'upload', 'parsed', 'interval', e, 'M' || lpad(n::text, 8, '0'),
            convert_to('ESIID,USAGE_DATE,REVISION_DATE,USAGE_START_TIME,USAGE_END_TIME,USAGE_KWH,ESTIMATED_ACTUAL,CONSUMPTION_GENERATION', 'UTF8'),
            0,
            CASE WHEN n % 7 = 0 THEN '[{"line": 2, "message": "ESIID written with a leading apostrophe"}]'::jsonb END
       FROM unnest($1::text[]) WITH ORDINALITY AS m(e, n)
     ON CONFLICT (sha256) DO NOTHING`,
    [esiids],
  );
  const { rows: fileRows } = await client.query<{ id: number; esiid: string }>(
    `SELECT id, esiid FROM "SmtRawFile" WHERE sha256 = ANY(ARRAY(SELECT encode(sha256(convert_to('demo-interval-' || e, 'UTF8')), 'hex') FROM unnest($1::text[]) e))`,
    [esiids],
  );
  const fileByEsiid = new Map(fileRows.map((f) => [f.esiid, f.id]));
  const series = esiids.flatMap((esiid, i) => [
    { esiid, channel: "consumption", rawFileId: fileByEsiid.get(esiid)! },
    ...(i % SOLAR_EVERY === 0 ? [{ esiid, channel: "generation", rawFileId: fileByEsiid.get(esiid)! }] : []),
  ]);
  const perSeries = Math.ceil(rows / series.length);

  await client.query("BEGIN");
  try {
    await client.query("SET LOCAL synchronous_commit = off");
    // Consumption follows a daily curve peaking late afternoon; generation is daylight-only. Slot i of a day starts
    // i × 15 minutes after local midnight (92 or 100 slots on DST days).
    const inserted = await client.query(
      `INSERT INTO "SmtIntervalDay" (esiid, channel, day, "dayStart", kwh, estimated, "revisionAt", "rawFileIds",
                                     "totalKwh", intervals, missing, "estimatedCount", "rawFileId")
       SELECT s.esiid, s.channel::"SmtChannel", d.day, d.day_start, v.kwh, v.estimated, v.revision_at, v.raw_file_ids,
              v.total, v.intervals, v.missing, v.estimated_count, s.raw_file_id
         FROM unnest($3::text[], $4::text[], $5::int[]) WITH ORDINALITY AS s(esiid, channel, raw_file_id, n)
        CROSS JOIN generate_series(0, $6::int - 1) AS i
        CROSS JOIN LATERAL (SELECT $2::date + i AS day,
                                   (($2::date + i)::timestamp AT TIME ZONE 'America/Chicago') AT TIME ZONE 'UTC' AS day_start,
                                   (($2::date + i + 1)::timestamp AT TIME ZONE 'America/Chicago') AT TIME ZONE 'UTC' AS next_start) d
        CROSS JOIN LATERAL (
          SELECT array_agg(r.kwh ORDER BY r.slot) AS kwh, array_agg(r.estimated ORDER BY r.slot) AS estimated,
                 array_agg(r.revision_at ORDER BY r.slot) AS revision_at, array_fill(s.raw_file_id, ARRAY[count(*)::int]) AS raw_file_ids,
                 sum(r.kwh) AS total, count(*)::int AS intervals, (count(*) FILTER (WHERE r.kwh IS NULL))::int AS missing,
                 (count(*) FILTER (WHERE r.estimated))::int AS estimated_count
            FROM (SELECT slot,
                         CASE WHEN random() < 0.005 THEN NULL
                              WHEN s.channel = 'consumption'
                                THEN round((0.12 + 0.04 * (s.n % 5) + 0.30 * greatest(0, sin(pi() * ((slot / 4) - 6) / 18.0)) + random() * 0.08)::numeric, 4)
                              ELSE round((greatest(0, sin(pi() * ((slot / 4) - 7) / 12.0)) * (0.55 + random() * 0.1))::numeric, 4)
                         END AS kwh,
                         random() < 0.02 AS estimated,
                         CASE WHEN random() < 0.05 THEN d.day_start + (slot + 192) * interval '15 minutes' END AS revision_at
                    FROM generate_series(0, (extract(epoch FROM d.next_start - d.day_start) / 900)::int - 1) AS slot) r
        ) v
        WHERE (s.n - 1) * $6::bigint + i < $1::bigint
       ON CONFLICT DO NOTHING`,
      [
        rows,
        DEMO_START_DAY,
        series.map((s) => s.esiid),
        series.map((s) => s.channel),
        series.map((s) => s.rawFileId),
        perSeries,
      ],
    );
    await client.query(
      `UPDATE "SmtRawFile" f SET "rowsParsed" = c.n, "rowsInserted" = c.n
         FROM (SELECT "rawFileId", sum(intervals) AS n FROM "SmtIntervalDay" WHERE "rawFileId" = ANY($1::int[]) GROUP BY "rawFileId") c
        WHERE f.id = c."rawFileId" AND f."rowsParsed" IS DISTINCT FROM c.n`,
      [[...fileByEsiid.values()]],
    );
    await client.query("COMMIT");
    await client.query(`ANALYZE "SmtIntervalDay"`);
    await client.query(`ANALYZE "SmtRawFile"`);
    return {
      rawFilesInserted: files.rowCount ?? 0,
      daysInserted: inserted.rowCount ?? 0,
      daysRequested: rows,
    };
  } catch (error) {
    await client.query("ROLLBACK").catch(() => {});
    throw error;
  }
}

export function parseRows(argv: string[]): number {
  const index = argv.indexOf("--rows");
  const value = index >= 0 ? Number(argv[index + 1]) : 100_000;
  if (!Number.isInteger(value) || value < 1)
    throw new Error("--rows takes a positive whole number, e.g. --rows 1000000");
  return value;
}

async function main() {
  const rows = parseRows(process.argv.slice(2));
  const database = await resolveDatabase((line) => console.log(line));
  try {
    const pending = await pendingMigrations(database);
    if (pending.length && (await runPrismaCli(["migrate", "deploy"], database)) !== 0)
      throw new Error("prisma migrate deploy failed (see above).");
    const client = await openClient(database);
    try {
      const started = Date.now();
      const result = await seedDemo(client, rows);
      console.log(
        `Seeded ${result.daysInserted.toLocaleString("en-US")} new SmtIntervalDay rows (of ${rows.toLocaleString("en-US")} requested; ` +
          `existing rows kept) and ${result.rawFilesInserted} new SmtRawFile rows in ${((Date.now() - started) / 1000).toFixed(1)} s.`,
      );
    } finally {
      await client.end();
    }
    return 0;
  } catch (error) {
    console.error(`Seeding failed: ${error instanceof Error ? error.message : error}`);
    return 1;
  } finally {
    await database.stop?.();
  }
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? "").href) main().then((code) => process.exit(code));

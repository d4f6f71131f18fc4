// Demo data for the table explorer: realistic 15-minute SMT readings in SmtInterval, plus the
// SmtRawFile rows they came from. Generated inside PostgreSQL (generate_series), idempotent
// (primary-key and sha256 conflicts are skipped), with or without DATABASE_URL.
//   npm run db:seed-demo -- --rows 1000000
import type pg from "pg";
import { pathToFileURL } from "node:url";
import { openClient } from "../../app/db/connection.server";
import { pendingMigrations, runPrismaCli } from "../../app/db/migrations.server";
import { resolveDatabase } from "../lib/database";

const ONCOR_METERS = 24;
const CENTERPOINT_METERS = 12;
/** Every third meter has rooftop solar, so it also reports a generation channel. */
const SOLAR_EVERY = 3;
export const DEMO_START = "2025-06-01T05:00:00Z";

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
  intervalsInserted: number;
  intervalsRequested: number;
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
    // Consumption follows a daily curve peaking late afternoon; generation is daylight-only (Central time ≈ UTC-5/-6).
    const inserted = await client.query(
      `INSERT INTO "SmtInterval" (esiid, channel, "intervalStart", kwh, estimated, "revisionAt", "rawFileId")
       SELECT s.esiid, s.channel::"SmtChannel", $2::timestamp + i * interval '15 minutes',
              CASE WHEN random() < 0.005 THEN NULL
                   WHEN s.channel = 'consumption'
                     THEN round((0.12 + 0.04 * (s.n % 5) + 0.30 * greatest(0, sin(pi() * ((((i / 4) + 19) % 24) - 6) / 18.0)) + random() * 0.08)::numeric, 4)
                   ELSE round((greatest(0, sin(pi() * ((((i / 4) + 19) % 24) - 7) / 12.0)) * (0.55 + random() * 0.1))::numeric, 4)
              END,
              random() < 0.02,
              CASE WHEN random() < 0.05 THEN $2::timestamp + i * interval '15 minutes' + interval '2 days' END,
              s.raw_file_id
         FROM unnest($3::text[], $4::text[], $5::int[]) WITH ORDINALITY AS s(esiid, channel, raw_file_id, n)
        CROSS JOIN generate_series(0, $6::int - 1) AS i
        WHERE (s.n - 1) * $6::bigint + i < $1::bigint
       ON CONFLICT DO NOTHING`,
      [
        rows,
        DEMO_START,
        series.map((s) => s.esiid),
        series.map((s) => s.channel),
        series.map((s) => s.rawFileId),
        perSeries,
      ],
    );
    await client.query(
      `UPDATE "SmtRawFile" f SET "rowsParsed" = c.n, "rowsInserted" = c.n
         FROM (SELECT "rawFileId", count(*) AS n FROM "SmtInterval" WHERE "rawFileId" = ANY($1::int[]) GROUP BY "rawFileId") c
        WHERE f.id = c."rawFileId" AND f."rowsParsed" IS DISTINCT FROM c.n`,
      [[...fileByEsiid.values()]],
    );
    await client.query("COMMIT");
    await client.query(`ANALYZE "SmtInterval"`);
    await client.query(`ANALYZE "SmtRawFile"`);
    return {
      rawFilesInserted: files.rowCount ?? 0,
      intervalsInserted: inserted.rowCount ?? 0,
      intervalsRequested: rows,
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
        `Seeded ${result.intervalsInserted.toLocaleString("en-US")} new SmtInterval rows (of ${rows.toLocaleString("en-US")} requested; ` +
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

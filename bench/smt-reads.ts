/**
 * Reads of SMT intervals at scale: `meters` ESIIDs × one year (2025) of 15-minute consumption in SmtIntervalDay
 * (5,000 meters: 1,825,000 day rows, 175,200,000 intervals), generated with SQL generate_series straight into the
 * table. Each read is timed through the portal's own function beside the same SQL run with pg, p50/p95 over
 * `samples` random meters:
 *   - one ESIID's daily totals for a year (dailyTotals), target p95 < 20 ms;
 *   - its 35,040 intervals for a year as day series (intervalSeries), target p95 < 50 ms, and as one row each
 *     (storedIntervals, no target);
 *   - its monthly sums for a year (monthlyTotals);
 *   - the usage chart's loader (/admin/smt?esiid=…: recent files, the picker's 200 ESIIDs, one meter's last 30 days,
 *     premise addresses), target < 50 ms.
 * Then the same table partitioned by month (native declarative partitioning) is filled from it and the two SQL reads
 * are timed on it too. A throwaway PostgreSQL 17 (fsync off) holds the data and is deleted at the end.
 *
 *   npx tsx bench/smt-reads.ts [meters=5000] [samples=200]
 */
import { randomBytes } from "node:crypto";
import { mkdtempSync, rmSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import pg from "pg";
import { connectionConfig } from "../app/db/connection.server";
import { createTestDatabase, startTestPostgres } from "../tests/support/test-database";

const meters = Number(process.argv[2] ?? 5000);
const samples = Number(process.argv[3] ?? 200);
const WARMUP = 10;
const YEAR = { fromDay: "2025-01-01", toDay: "2026-01-01" };
const work = mkdtempSync(path.join(os.tmpdir(), "smt-reads-"));

const postgres = await startTestPostgres();
const database = await createTestDatabase(postgres.adminUrl, "smt_reads");
Object.assign(process.env, {
  DATABASE_URL: database.url,
  ADMIN_TOKEN: randomBytes(24).toString("base64url"),
  PORTAL_DATA_DIR: path.join(work, "data"),
  PORTAL_DATABASE_MODE: "external",
});
// Imported after the environment is set: the app reads it once.
const { dailyTotals, intervalSeries, monthlyTotals, storedIntervals } = await import("../app/smt/intervals.server");
const { startSession } = await import("../app/auth/session.server");
const { loader } = await import("../app/routes/admin.smt");
const { disconnectDb } = await import("../app/db/prisma.server");

const client = new pg.Client(connectionConfig(database, { serverSettings: "-c TimeZone=UTC" }));
await client.connect();
const esiidOf = (meter: number) => `1044372${String(meter).padStart(10, "0")}`;
const randomEsiid = () => esiidOf(1 + Math.floor(Math.random() * meters));

const DAILY_SQL = `SELECT to_char("day", 'YYYY-MM-DD') AS "day", "channel", "totalKwh"::text AS "kwh", "intervals",
    "missing", "estimatedCount" AS "estimated" FROM %T WHERE "esiid" = $1 AND "day" >= $2::date AND "day" < $3::date
    ORDER BY "day", "channel"`;
const YEAR_SQL = `SELECT d."esiid", d."channel", d."dayStart" + (u.slot - 1) * interval '15 minutes' AS "intervalStart",
    u."kwh"::text AS "kwh", u."estimated", u."revisionAt", u."rawFileId"
    FROM %T d, unnest(d."kwh", d."estimated", d."revisionAt", d."rawFileIds")
      WITH ORDINALITY AS u("kwh", "estimated", "revisionAt", "rawFileId", slot)
    WHERE u."estimated" IS NOT NULL AND d."esiid" = $1 AND d."day" >= $2::date AND d."day" < $3::date
    ORDER BY d."esiid", d."channel", d."day", u.slot`;
const SERIES_SQL = `SELECT to_char("day", 'YYYY-MM-DD') AS "day", "channel", "dayStart", "kwh"::text AS "kwh",
    "estimated"::text AS "estimated" FROM "SmtIntervalDay"
    WHERE "esiid" = $1 AND "day" >= $2::date AND "day" < $3::date ORDER BY "channel", "day"`;
// The chart loader's queries: recent files, the picker's ESIIDs (loose index scan), one meter's last 30 days.
const RECENT_FILES_SQL = `SELECT * FROM "SmtRawFile" ORDER BY "receivedAt" DESC LIMIT 20`;
const PICKER_SQL = `WITH RECURSIVE found AS (
      (SELECT "esiid" FROM "SmtIntervalDay" ORDER BY "esiid" LIMIT 1)
      UNION ALL
      SELECT (SELECT i."esiid" FROM "SmtIntervalDay" i WHERE i."esiid" > found."esiid" ORDER BY i."esiid" LIMIT 1)
      FROM found WHERE found."esiid" IS NOT NULL)
    SELECT "esiid" FROM found WHERE "esiid" IS NOT NULL LIMIT 200`;
const CHART_SQL = `WITH latest AS (SELECT max("day") AS at FROM "SmtIntervalDay" WHERE "esiid" = $1)
    SELECT to_char("day", 'YYYY-MM-DD') AS day, sum("totalKwh") FILTER (WHERE "channel" = 'consumption')::text,
      sum("totalKwh") FILTER (WHERE "channel" = 'generation')::text, sum("missing")::int
    FROM "SmtIntervalDay", latest WHERE "esiid" = $1 AND "day" > latest.at - 30 GROUP BY "day" ORDER BY "day"`;
const on = (sql: string, table: string) => sql.replace("%T", `"${table}"`);

function percentile(sorted: number[], p: number) {
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))];
}

async function time(work: (esiid: string) => Promise<unknown>, check?: (result: unknown) => void) {
  for (let i = 0; i < WARMUP; i++) await work(randomEsiid());
  const times: number[] = [];
  for (let i = 0; i < samples; i++) {
    const esiid = randomEsiid();
    const startedAt = performance.now();
    const result = await work(esiid);
    times.push(performance.now() - startedAt);
    check?.(result);
  }
  times.sort((a, b) => a - b);
  return { p50: +percentile(times, 50).toFixed(1), p95: +percentile(times, 95).toFixed(1) };
}

const expectRows = (count: number) => (result: unknown) => {
  const rows = Array.isArray(result) ? result : (result as pg.QueryResult).rows;
  if (rows.length !== count) throw new Error(`Expected ${count} rows, read ${rows.length}.`);
};

async function generate(table: string) {
  const startedAt = performance.now();
  // 500 distinct days of readings per day length (92, 96, 100 slots), assigned to meter-days by a hash.
  await client.query(`CREATE TEMP TABLE reading_pool AS
    SELECT s.slots, p.id, k.kwh, (SELECT sum(x) FROM unnest(k.kwh) x) AS total
    FROM (VALUES (92), (96), (100)) s(slots), generate_series(0, 499) p(id),
         LATERAL (SELECT array_agg(round((0.15 + random() * 1.1)::numeric, 3)) AS kwh
                  FROM generate_series(1, s.slots + p.id * 0)) k`);
  await client.query(`INSERT INTO "SmtRawFile" ("id", "sha256", "filename", "sizeBytes", "storageKey", "source", "status")
    VALUES (1, 'bench', 'IntervalData.csv', 1, 'smt/raw/bench', 'upload', 'parsed') ON CONFLICT DO NOTHING`);
  const chunk = 250;
  for (let first = 1; first <= meters; first += chunk) {
    await client.query(
      `INSERT INTO ${table} ("esiid", "channel", "day", "dayStart", "kwh", "estimated", "revisionAt", "rawFileIds",
         "totalKwh", "intervals", "missing", "estimatedCount", "rawFileId")
       SELECT '1044372' || lpad(m::text, 10, '0'), 'consumption', d.day, d.day_start, p.kwh,
              array_fill(false, ARRAY[d.slots]), array_fill(d.day_start + interval '31 hours', ARRAY[d.slots]),
              array_fill(1, ARRAY[d.slots]), p.total, d.slots, 0, 0, 1
       FROM generate_series($1::int, $2::int) m,
            (SELECT g::date AS day, (g::timestamp AT TIME ZONE 'America/Chicago') AT TIME ZONE 'UTC' AS day_start,
                    (extract(epoch FROM ((g + interval '1 day')::timestamp AT TIME ZONE 'America/Chicago')
                       - (g::timestamp AT TIME ZONE 'America/Chicago')) / 900)::int AS slots
               FROM generate_series('2025-01-01'::date, '2025-12-31'::date, interval '1 day') g) d,
            reading_pool p
       WHERE p.slots = d.slots AND p.id = (m * 31 + extract(doy FROM d.day)::int) % 500`,
      [first, Math.min(meters, first + chunk - 1)],
    );
  }
  await client.query(`ANALYZE ${table}`);
  return (performance.now() - startedAt) / 1000;
}

async function sizeOf(table: string) {
  const { rows } = await client.query<{ bytes: string }>(
    `SELECT sum(pg_total_relation_size(c.oid))::bigint AS bytes FROM pg_class c
      WHERE c.oid = $1::regclass OR c.oid IN (SELECT inhrelid FROM pg_inherits WHERE inhparent = $1::regclass)`,
    [table],
  );
  return +(Number(rows[0].bytes) / 1024 ** 3).toFixed(2);
}

try {
  const loadSeconds = await generate(`"SmtIntervalDay"`);
  const {
    rows: [{ days, intervals }],
  } = await client.query(`SELECT count(*)::int AS days, sum("intervals")::bigint AS intervals FROM "SmtIntervalDay"`);
  console.log(
    `SmtIntervalDay: ${days.toLocaleString("en-US")} day rows, ${Number(intervals).toLocaleString("en-US")} intervals, ` +
      `${await sizeOf(`"SmtIntervalDay"`)} GiB with indexes, generated in ${loadSeconds.toFixed(0)} s`,
  );

  const yearIntervals = 35_040;
  const cookie = (await startSession(new Request("http://localhost/login"))).split(";")[0];
  const chartRequest = (esiid: string) =>
    new Request(`http://bench.local/admin/smt?esiid=${esiid}`, { headers: { cookie } });
  const cases = [
    {
      read: "daily totals, one ESIID, a year",
      target: 20,
      portal: await time((esiid) => dailyTotals(esiid, YEAR), expectRows(365)),
      raw: await time(
        (esiid) => client.query(on(DAILY_SQL, "SmtIntervalDay"), [esiid, YEAR.fromDay, YEAR.toDay]),
        expectRows(365),
      ),
    },
    {
      read: "35,040 intervals, one ESIID, a year (day series)",
      target: 50,
      portal: await time(async (esiid) => {
        const series = await intervalSeries(esiid, YEAR);
        return series.flatMap((day) => day.kwh);
      }, expectRows(yearIntervals)),
      raw: await time((esiid) => client.query(SERIES_SQL, [esiid, YEAR.fromDay, YEAR.toDay]), expectRows(365)),
    },
    {
      read: "35,040 intervals, one row each (storedIntervals)",
      target: Infinity,
      portal: await time(
        (esiid) => storedIntervals({ esiid, fromDay: YEAR.fromDay, toDay: YEAR.toDay }),
        expectRows(yearIntervals),
      ),
      raw: await time(
        (esiid) => client.query(on(YEAR_SQL, "SmtIntervalDay"), [esiid, YEAR.fromDay, YEAR.toDay]),
        expectRows(yearIntervals),
      ),
    },
    {
      read: "monthly sums, one ESIID, a year",
      target: 20,
      portal: await time((esiid) => monthlyTotals(esiid, YEAR), expectRows(12)),
      raw: await time(
        (esiid) =>
          client.query(
            `SELECT date_trunc('month', "day"), sum("totalKwh") FROM "SmtIntervalDay"
              WHERE "esiid" = $1 AND "day" >= $2::date AND "day" < $3::date GROUP BY 1 ORDER BY 1`,
            [esiid, YEAR.fromDay, YEAR.toDay],
          ),
        expectRows(12),
      ),
    },
    {
      read: "usage chart loader (one meter, last 30 days)",
      target: 50,
      portal: await time(async (esiid) => {
        const response = (await loader({ request: chartRequest(esiid), params: {}, context: {} })) as Response;
        return ((await response.json()) as { usage: { usage: { days: unknown[] } } }).usage.usage.days;
      }, expectRows(30)),
      raw: await time(async (esiid) => {
        await client.query(RECENT_FILES_SQL);
        await client.query(PICKER_SQL);
        return client.query(CHART_SQL, [esiid]);
      }, expectRows(30)),
    },
  ];

  // Native declarative partitioning by month, filled from the table above.
  await client.query(`CREATE TABLE "SmtIntervalDayMonthly" (LIKE "SmtIntervalDay" INCLUDING DEFAULTS)
    PARTITION BY RANGE ("day")`);
  await client.query(`ALTER TABLE "SmtIntervalDayMonthly" ADD PRIMARY KEY ("esiid", "channel", "day")`);
  for (let month = 0; month < 12; month++) {
    const from = new Date(Date.UTC(2025, month, 1)).toISOString().slice(0, 10);
    const to = new Date(Date.UTC(2025, month + 1, 1)).toISOString().slice(0, 10);
    await client.query(`CREATE TABLE "SmtIntervalDay_${from.slice(0, 7).replace("-", "_")}"
      PARTITION OF "SmtIntervalDayMonthly" FOR VALUES FROM ('${from}') TO ('${to}')`);
  }
  const copyAt = performance.now();
  await client.query(`INSERT INTO "SmtIntervalDayMonthly" SELECT * FROM "SmtIntervalDay"`);
  await client.query(`ANALYZE "SmtIntervalDayMonthly"`);
  const partitionedLoad = (performance.now() - copyAt) / 1000;
  // The same rows again unpartitioned, for a like-for-like write time.
  await client.query(`CREATE TABLE "SmtIntervalDayFlat" (LIKE "SmtIntervalDay" INCLUDING DEFAULTS)`);
  await client.query(`ALTER TABLE "SmtIntervalDayFlat" ADD PRIMARY KEY ("esiid", "channel", "day")`);
  const flatAt = performance.now();
  await client.query(`INSERT INTO "SmtIntervalDayFlat" SELECT * FROM "SmtIntervalDay"`);
  const flatLoad = (performance.now() - flatAt) / 1000;
  const partitioned = [
    {
      read: "daily totals, a year (12 monthly partitions)",
      raw: await time(
        (esiid) => client.query(on(DAILY_SQL, "SmtIntervalDayMonthly"), [esiid, YEAR.fromDay, YEAR.toDay]),
        expectRows(365),
      ),
    },
    {
      read: "35,040 intervals, a year (12 monthly partitions)",
      raw: await time(
        (esiid) => client.query(on(YEAR_SQL, "SmtIntervalDayMonthly"), [esiid, YEAR.fromDay, YEAR.toDay]),
        expectRows(yearIntervals),
      ),
    },
    {
      read: "35,040 intervals, one month (partition pruned)",
      raw: await time(
        (esiid) => client.query(on(YEAR_SQL, "SmtIntervalDayMonthly"), [esiid, "2025-06-01", "2025-07-01"]),
        expectRows(30 * 96),
      ),
    },
  ];

  console.log(`\nReads, ${samples} random ESIIDs each after ${WARMUP} warm-up; ms`);
  console.table(
    cases.map((c) => ({
      read: c.read,
      "portal p50": c.portal.p50,
      "portal p95": c.portal.p95,
      "raw SQL p50": c.raw.p50,
      "raw SQL p95": c.raw.p95,
      target: Number.isFinite(c.target) ? `< ${c.target}` : "none",
      met: c.portal.p95 < c.target,
    })),
  );
  console.log(
    `\nMonthly partitions: filled in ${partitionedLoad.toFixed(0)} s (the same rows into one table: ` +
      `${flatLoad.toFixed(0)} s); ${await sizeOf(`"SmtIntervalDayMonthly"`)} GiB vs ` +
      `${await sizeOf(`"SmtIntervalDayFlat"`)} GiB`,
  );
  console.table(partitioned.map((c) => ({ read: c.read, "raw SQL p50": c.raw.p50, "raw SQL p95": c.raw.p95 })));
  // ratio: the worst portal p95 over its target (below 1 meets every target).
  const worst = Math.max(...cases.map((c) => c.portal.p95 / c.target));
  console.log(
    `PERF smt-reads ratio=${worst.toFixed(2)} daily_p95_ms=${cases[0].portal.p95} year_p95_ms=${cases[1].portal.p95} ` +
      `chart_p95_ms=${cases[4].portal.p95} intervals=${intervals}`,
  );
} finally {
  await client.end();
  await disconnectDb();
  await database.drop();
  await postgres.stop();
  rmSync(work, { recursive: true, force: true });
}

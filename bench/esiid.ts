/**
 * ESIID premise index: FUL load throughput and memory beside raw COPY, then search latency beside raw SQL.
 *
 *   npx tsx bench/esiid.ts [loadRows=5000000] [searchRows=13000000]
 *
 * 1. Load: a synthetic `loadRows`-row ONCOR FUL (fixed-width addresses, realistic mix from the fake ERCOT) is
 *    zipped (deflate) and stored, then processed end to end (unzip, parse, COPY, key + indexes, swap) while this
 *    process's RSS is sampled every 50 ms. Baseline in the same run: COPY of the same uncompressed CSV
 *    (FORMAT csv) into an unindexed 22-column table. load_ratio = baseline time / end-to-end time.
 * 2. Search: other TDSPs' partitions (generated in SQL with a realistic address mix — distinct house numbers,
 *    streets, cities, ZIPs — then indexed and swapped in by the loader's own code) until the premise table
 *    holds `searchRows` rows, then p50/p95 of
 *    searchPremises() for an address fragment, an ESIID prefix and ZIP + street number (queries drawn from
 *    stored rows), each beside the same SQL sent raw over pg.
 * A throwaway PostgreSQL 17 cluster is used (fsync off, as in the tests). Targets: load_ratio >= 0.6,
 * peak RSS < 256 MiB, search p95 < 50 ms.
 */
import { createReadStream, createWriteStream, mkdtempSync, rmSync, statSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { pipeline } from "node:stream/promises";
import pg from "pg";
import { from as copyFrom } from "pg-copy-streams";
import yazl from "yazl";
import { csvStream } from "../tests/fakes/ercot/csv";
import { connectionConfig } from "../app/db/connection.server";
import { createTestDatabase, startTestPostgres } from "../tests/support/test-database";

const loadRows = Number(process.argv[2] ?? 5_000_000);
const searchRows = Number(process.argv[3] ?? 13_000_000);
const work = mkdtempSync(path.join(os.tmpdir(), "esiid-bench-"));
const postgres = await startTestPostgres();
const database = await createTestDatabase(postgres.adminUrl, "esiid_bench");
Object.assign(process.env, {
  DATABASE_URL: database.url,
  ADMIN_TOKEN: "bench-admin-token-0123456789abcdef",
  PORTAL_DATA_DIR: path.join(work, "data"),
  PORTAL_DATABASE_MODE: "external",
});
const { db, disconnectDb } = await import("../app/db/prisma.server");
const { storage } = await import("../app/storage/index.server");
const { connectEsiidClient, processStoredExtracts } = await import("../app/esiid/process.server");
const { loadFulFrom } = await import("../app/esiid/load.server");
const { closeSearchPool, normalizeAddressQuery, premiseSearchSql, searchPremises } = await import(
  "../app/esiid/search.server"
);

const raw = new pg.Client(connectionConfig(database));
await raw.connect();
const mib = (bytes: number) => Math.round(bytes / 1024 / 1024);
let docId = 1_300_000_000;

async function averageRowBytes(tdsp: string): Promise<number> {
  let text = "";
  for await (const chunk of csvStream({ tdsp, seed: 7, bytes: 1_000_000, layout: 22, lineEnding: "\r\n", kind: "FUL" }))
    text += (chunk as Buffer).toString("latin1");
  return 1_000_000 / text.split("\r\n").length;
}

/** A FUL CSV of about `rows` rows on disk, and its deflated zip. */
async function writeFul(tdsp: string, rows: number, seed: number) {
  const csvPath = path.join(work, `${tdsp}.csv`);
  const zipPath = path.join(work, `${tdsp}.zip`);
  const bytes = Math.round(rows * (await averageRowBytes(tdsp)));
  await pipeline(
    csvStream({ tdsp, seed, bytes, layout: 22, lineEnding: "\r\n", kind: "FUL" }),
    createWriteStream(csvPath),
  );
  const zip = new yazl.ZipFile();
  zip.addReadStream(createReadStream(csvPath), `${tdsp.padEnd(12, "_")}_FUL-REPORTS-07-SEP-26.csv`);
  zip.end();
  await pipeline(zip.outputStream, createWriteStream(zipPath));
  return { csvPath, zipPath };
}

async function storeFul(tdsp: string, zipPath: string) {
  const id = String(docId++);
  const key = `ercot/bench/${id}.zip`;
  const stored = await storage().put(key, createReadStream(zipPath), { contentType: "application/zip" });
  await db().ercotIngest.create({
    data: {
      docId: id,
      filename: `ext.00000203.0000000000000000.20260907.181139120.${tdsp.padEnd(12, "_")}_FUL.zip`,
      storageKey: key,
      sizeBytes: BigInt(stored.sizeBytes),
      sha256: stored.sha256,
      sourceUrl: `https://bench.invalid/${id}`,
      status: "stored",
      tdsp,
      publishedAt: new Date("2026-09-07T23:11:39Z"),
      source: "scrape",
    },
  });
}

/** Seconds each loader statement kind was running, sampled from pg_stat_activity every 250 ms. */
function samplePhases() {
  const phases = new Map<string, number>();
  const phaseOf = (query: string) =>
    /^COPY/.test(query)
      ? "COPY"
      : /CREATE TABLE .* AS/.test(query)
        ? "staging rows"
        : /gin_trgm_ops/.test(query)
          ? "trigram index"
          : /CREATE (UNIQUE )?INDEX/.test(query)
            ? "btree indexes"
            : `other: ${query.slice(0, 60).replace(/\s+/g, " ")}`;
  let last = performance.now();
  const timer = setInterval(async () => {
    const { rows } = await raw.query<{ query: string }>(
      `SELECT query FROM pg_stat_activity WHERE application_name = 'esiid' AND state = 'active'`,
    );
    const now = performance.now();
    for (const phase of new Set(rows.map((row) => phaseOf(row.query.trim()))))
      phases.set(phase, (phases.get(phase) ?? 0) + (now - last) / 1000);
    last = now;
  }, 250);
  return () => {
    clearInterval(timer);
    return [...phases].map(([phase, seconds]) => `${phase} ${seconds.toFixed(1)} s`).join(", ");
  };
}

async function processWithPeakRss() {
  let peak = process.memoryUsage.rss();
  const sampler = setInterval(() => (peak = Math.max(peak, process.memoryUsage.rss())), 50);
  const phases = samplePhases();
  const started = performance.now();
  const outcome = await processStoredExtracts({ wait: true });
  const seconds = (performance.now() - started) / 1000;
  clearInterval(sampler);
  console.log(`load phases (PostgreSQL statements running, overlapping): ${phases()}`);
  if (outcome.busy || outcome.files.some((file) => file.status !== "applied"))
    throw new Error(`processing did not apply every file: ${JSON.stringify(outcome)}`);
  return { seconds, peakRss: peak, rows: outcome.files.reduce((sum, file) => sum + file.rows, 0) };
}

async function rawCopySeconds(csvPath: string) {
  const columns = Array.from({ length: 22 }, (_, index) => `c${index} text`).join(", ");
  await raw.query(`DROP TABLE IF EXISTS raw_copy; CREATE TABLE raw_copy (${columns})`);
  const started = performance.now();
  await pipeline(createReadStream(csvPath), raw.query(copyFrom(`COPY raw_copy FROM STDIN WITH (FORMAT csv)`)));
  const seconds = (performance.now() - started) / 1000;
  await raw.query(`DROP TABLE raw_copy`);
  return seconds;
}

/**
 * `rows` premises with a realistic address mix: 60,000 streets (random 7-letter names, 10 suffixes), each in one
 * of 1,500 cities of about three ZIPs each (75000–79999), house numbers 1–19,999; other columns from one loaded
 * premise. Aliases: g (row number), a (address parts), p (the template premise).
 */
function addressMix(tdspIndex: number, rows: number) {
  const letters = (seed: string, length: number) =>
    `translate(left(md5(${seed}), ${length}), '0123456789abcdef', 'AEIOUBCDFGHKLMNR')`;
  return `generate_series(1, ${rows}) g
    CROSS JOIN LATERAL (SELECT abs(hashint4(g + ${tdspIndex * 100_000_000})) AS h,
                               abs(hashint4(g + ${tdspIndex * 100_000_000} + 1000000000)) % 60000 AS street_id) r
    CROSS JOIN LATERAL (SELECT (r.h % 19999 + 1)::text AS house,
                               ${letters("r.street_id::text", 7)} AS street,
                               (ARRAY['ST','AVE','DR','LN','RD','BLVD','CT','CIR','WAY','PL'])[r.street_id % 10 + 1] AS suffix,
                               ${letters("'city' || (r.street_id % 1500)::text", 8)} AS city,
                               (75000 + ((r.street_id % 1500) * 3 + r.h % 3) % 5000)::text AS zip) a
    CROSS JOIN (SELECT * FROM "EsiidPremise" WHERE "tdsp" = 'ONCOR_ELEC' LIMIT 1) p`;
}

const percentile = (values: number[], p: number) =>
  [...values].sort((a, b) => a - b)[Math.min(values.length - 1, Math.floor((p / 100) * values.length))];

try {
  // 1. Load
  const oncor = await writeFul("ONCOR_ELEC", loadRows, 11);
  const csvMiB = mib(statSync(oncor.csvPath).size);
  const baselineSeconds = await rawCopySeconds(oncor.csvPath);
  await storeFul("ONCOR_ELEC", oncor.zipPath);
  const load = await processWithPeakRss();
  const loadRatio = baselineSeconds / load.seconds;
  console.log(
    `load: ${load.rows.toLocaleString("en-US")} rows (${csvMiB} MiB CSV, ${mib(statSync(oncor.zipPath).size)} MiB zip)` +
      ` end to end ${load.seconds.toFixed(1)} s = ${Math.round(load.rows / load.seconds).toLocaleString("en-US")} rows/s;` +
      ` raw COPY ${baselineSeconds.toFixed(1)} s = ${Math.round(load.rows / baselineSeconds).toLocaleString("en-US")} rows/s;` +
      ` ratio ${loadRatio.toFixed(2)}; peak RSS ${mib(load.peakRss)} MiB`,
  );
  rmSync(oncor.csvPath);

  // 2. Search on searchRows rows. The loader's speed is measured above; to reach the search scale in minutes the
  // other TDSPs' staging tables are generated in SQL (generate_series) with a realistic address mix, then
  // indexed and swapped in by the same code as a FUL.
  let total = load.rows;
  const esiidClient = connectEsiidClient();
  const helper = connectEsiidClient();
  await Promise.all([esiidClient.connect(), helper.connect()]);
  try {
    const { fields } = await raw.query(`SELECT * FROM "EsiidPremise" LIMIT 0`);
    const columns = fields.map((field) => field.name);
    for (const [index, tdsp] of ["CENTERPOINT", "AEP_CENTRAL", "TNMP", "AEP_NORTH"].entries()) {
      if (total >= searchRows) break;
      const rows = Math.min(5_000_000, searchRows - total);
      const generated: Record<string, string> = {
        esiid: `'${1008901 + index * 11111}' || lpad(g::text, 10, '0')`,
        tdsp: `'${tdsp}'::text`,
        address: `a.house || ' ' || a.street || ' ' || a.suffix`,
        addressOverflow: `NULL::text`,
        city: `a.city`,
        zipcode: `a.zip`,
        searchText: `a.house || ' ' || a.street || ' ' || a.suffix || ' ' || a.city || ' ' || a.zip`,
      };
      const select = columns.map((column) => `${generated[column] ?? `p."${column}"`} AS "${column}"`);
      const result = await loadFulFrom(
        esiidClient,
        helper,
        { tdsp, docId: String(docId++), publishedAt: new Date("2026-09-07T23:11:39Z") },
        {
          layout: 22,
          create: async (staging) => {
            const created = await raw.query(
              `CREATE TABLE "${staging}" AS SELECT ${select.join(", ")} FROM ${addressMix(index, rows)}`,
            );
            return created.rowCount ?? 0;
          },
          keepLastLines: () => Promise.reject(new Error("the benchmark's ESIIDs are unique")),
          cleanup: async () => undefined,
        },
        async () => undefined,
      );
      total += result.rows;
    }
  } finally {
    await Promise.all([esiidClient.end(), helper.end()]);
  }
  console.log(`search: premise table holds ${total.toLocaleString("en-US")} rows`);

  const { rows: samples } = await raw.query<{ esiid: string; address: string; zipcode: string }>(
    `SELECT "esiid", "address", "zipcode" FROM "EsiidPremise" TABLESAMPLE SYSTEM (0.05) LIMIT 60`,
  );
  const houseNumber = (address: string) => address.trim().split(/\s+/)[0].replace(/^0+/, "");
  const street = (address: string) => address.trim().split(/\s+/)[1].replace(/'/g, "").toLowerCase();
  const kinds = {
    "address fragment": (s: (typeof samples)[number]) => ({
      q: `${houseNumber(s.address)} ${street(s.address)}`,
      zip: "",
      city: "",
    }),
    "ESIID prefix": (s: (typeof samples)[number]) => ({ q: s.esiid.slice(0, 12), zip: "", city: "" }),
    "ZIP + street number": (s: (typeof samples)[number]) => ({
      q: houseNumber(s.address),
      zip: s.zipcode.slice(0, 5),
      city: "",
    }),
  };
  let worstP95 = 0;
  for (const [label, toQuery] of Object.entries(kinds)) {
    const portalMs: number[] = [];
    const rawMs: number[] = [];
    const misses: string[] = [];
    for (const sample of samples) {
      const search = { ...toQuery(sample), page: 1, pageSize: 25 };
      let started = performance.now();
      const result = await searchPremises(search);
      portalMs.push(performance.now() - started);
      // A search past its 5 s timeout answers with a sentence and no rows: counted at its time, and reported.
      if (!result.results.length) misses.push(`${JSON.stringify(search.q)}: ${result.message ?? "no rows"}`);
      const normalized = result.mode === "address" ? await normalizeAddressQuery(search.q) : "";
      const { sql } = premiseSearchSql(search, normalized);
      started = performance.now();
      await raw.query(sql.text, sql.values);
      rawMs.push(performance.now() - started);
    }
    // The plan of one query of each kind, to see which index served it.
    const first = { ...toQuery(samples[0]), page: 1, pageSize: 25 };
    const planned = premiseSearchSql(first, first.q && (await normalizeAddressQuery(first.q)));
    const { rows: plan } = await raw.query<{ "QUERY PLAN": string }>(
      `EXPLAIN (ANALYZE, COSTS OFF) ${planned.sql.text}`,
      planned.sql.values,
    );
    console.log(`plan of ${JSON.stringify(first)}:\n${plan.map((row) => `  ${row["QUERY PLAN"]}`).join("\n")}`);
    const p95 = percentile(portalMs, 95);
    worstP95 = Math.max(worstP95, p95);
    console.log(
      `search ${label} (${samples.length} queries): portal p50 ${percentile(portalMs, 50).toFixed(1)} ms p95 ${p95.toFixed(1)} ms;` +
        ` raw SQL p50 ${percentile(rawMs, 50).toFixed(1)} ms p95 ${percentile(rawMs, 95).toFixed(1)} ms` +
        (misses.length ? `; ${misses.length} without rows (${misses.slice(0, 3).join("; ")})` : ""),
    );
  }
  console.log(
    `ESIID load_ratio=${loadRatio.toFixed(2)} rss_mib=${mib(load.peakRss)} search_p95_ms=${worstP95.toFixed(1)}`,
  );
} finally {
  await raw.end();
  await closeSearchPool();
  await disconnectDb();
  await database.drop();
  await postgres.stop();
  rmSync(work, { recursive: true, force: true });
}

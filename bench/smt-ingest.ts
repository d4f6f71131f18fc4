/**
 * SMT ingest throughput next to PostgreSQL COPY, and the portal's memory during a large upload.
 *
 *   npx tsx bench/smt-ingest.ts [syntheticRows=10000000] [uploadMiB=100] [rounds=3]
 *
 * 1. For the 12-month solar file (70,080 rows), a synthetic file of `syntheticRows` rows, and a month of every
 *    synthetic ESIID re-posted with newer revisions (a merge into stored days): ingestSmtFile (storage copy,
 *    parse, batched day-row merges, one transaction) in rows/s, beside COPY of the same rows (COPY text format,
 *    prepared beforehand) into an unindexed narrow table, measured in the same run on the same cluster.
 * 2. A `uploadMiB` MiB interval CSV posted as multipart to the real portal (remix-serve) while the portal's RSS
 *    is sampled from /proc every 20 ms.
 * Both paths first run once, unmeasured, on a small file. A throwaway PostgreSQL 17 cluster is used (fsync off, as in the tests: this compares the two paths, it does
 * not measure disks). Targets: ingest >= 50% of COPY rows/s (merge >= 30%); upload RSS within +64 MiB of idle.
 * `uploadMiB` 0 skips the upload.
 */
import { spawn } from "node:child_process";
import { createReadStream, createWriteStream, mkdtempSync, openAsBlob, readFileSync, rmSync, statSync } from "node:fs";
import { createRequire } from "node:module";
import os from "node:os";
import path from "node:path";
import { Readable } from "node:stream";
import { pipeline } from "node:stream/promises";
import pg from "pg";
import { from as copyFrom } from "pg-copy-streams";
import { connectionConfig } from "../app/db/connection.server";
import {
  INTERVAL_HEADER,
  addDays,
  dayLines,
  syntheticIntervalCsv,
  twelveMonthSolarCsv,
} from "../tests/fixtures/smt/generate";
import { createTestDatabase, freePort, startTestPostgres } from "../tests/support/test-database";
import { buildApp } from "../tests/support/build";

const syntheticRows = Number(process.argv[2] ?? 10_000_000);
const uploadMiB = Number(process.argv[3] ?? 100);
const repeats = Number(process.argv[4] ?? 3);
const work = mkdtempSync(path.join(os.tmpdir(), "smt-bench-"));
const WEBHOOK_SECRET = "bench-webhook-secret-0123456789abcdef";
const ADMIN_TOKEN = "bench-admin-token-0123456789abcdef";

const postgres = await startTestPostgres();
const database = await createTestDatabase(postgres.adminUrl, "smt_bench");
Object.assign(process.env, {
  DATABASE_URL: database.url,
  ADMIN_TOKEN,
  INTELLIWATT_WEBHOOK_SECRET: WEBHOOK_SECRET,
  PORTAL_DATA_DIR: path.join(work, "data"),
  PORTAL_DATABASE_MODE: "external",
  SMT_UPLOAD_MAX_BYTES: String(2 * 1024 ** 3),
});
// Imported after the environment is set: the app reads it once.
const { ingestSmtFile } = await import("../app/smt/ingest.server");
const { spoolStream } = await import("../app/smt/upload.server");
const { parseIntervalCsv } = await import("../app/smt/parse/interval-csv");
const { inBatches } = await import("../app/smt/parse/types");
const { disconnectDb } = await import("../app/db/prisma.server");

const client = new pg.Client(connectionConfig(database));
await client.connect();

try {
  // Both paths first run once on a small file, unmeasured: JIT, connections and prepared statements warm up, so
  // the figures are steady-state throughput rather than the process's first seconds.
  const warmUpPath = path.join(work, "warm-up.csv");
  await pipeline(syntheticIntervalCsv(20_000, "2019-01-01"), createWriteStream(warmUpPath));
  await measure("warm-up", warmUpPath, true);
  rmSync(warmUpPath, { force: true });

  const cases = [
    ["12-month solar file", () => twelveMonthSolarCsv("2025-05-13"), true],
    [`synthetic ${syntheticRows.toLocaleString("en-US")} rows`, () => syntheticIntervalCsv(syntheticRows), true],
    ["merge: a month re-posted, newer revisions", () => overlappingMonthCsv(syntheticRows), false],
  ] as const;
  const inputs = new Map<string, string>();
  for (const [label, source] of cases) {
    const csvPath = path.join(work, `input-${inputs.size}.csv`);
    await pipeline(source(), createWriteStream(csvPath));
    inputs.set(label, csvPath);
  }
  // Rounds in turn (the merge goes onto the synthetic file stored just before it); each figure is a median.
  const rounds = new Map<string, Measured[]>(cases.map(([label]) => [label, []]));
  for (let round = 0; round < repeats; round++) {
    for (const [label, , fresh] of cases) rounds.get(label)!.push(await measure(label, inputs.get(label)!, fresh));
  }
  const results = cases.map(([label]) => summarise(rounds.get(label)!));
  const uploads = { interval: [] as UploadRun[], unreadable: [] as UploadRun[] };
  for (let round = 0; uploadMiB > 0 && round < repeats; round++) {
    uploads.interval.push(await measureUpload("interval"));
    uploads.unreadable.push(await measureUpload("unreadable"));
  }
  const upload = uploadMiB > 0 ? [summariseUpload(uploads.interval), summariseUpload(uploads.unreadable)] : [];
  console.log(`\nSMT ingest vs COPY (same rows, same cluster; median of ${repeats} rounds)`);
  console.table(results);
  console.log(`\nPortal RSS during a ${uploadMiB} MiB multipart upload to /api/admin/smt/pull (${repeats} rounds)`);
  console.table(upload);
  console.log(JSON.stringify({ throughput: results, upload }));
  const ratio = (row: Record<string, unknown>) => Number(row["ingest / COPY"]);
  const growth = upload[0]?.["growth MiB (median)"] ?? "n/a";
  console.log(
    `PERF smt-ingest ratio=${Math.min(ratio(results[0]), ratio(results[1])).toFixed(2)} ` +
      `merge_ratio=${ratio(results[2]).toFixed(2)} rss_growth_mib=${growth}`,
  );
} finally {
  await client.end();
  await disconnectDb();
  await database.drop();
  await postgres.stop();
  rmSync(work, { recursive: true, force: true });
}

/**
 * The synthetic file's second month for every ESIID it holds, revised three days later with other readings in
 * the morning: every row overlaps a stored interval and replaces it.
 */
function overlappingMonthCsv(rows: number) {
  const esiids = Math.ceil(rows / (730 * 96));
  return Readable.from(
    (function* () {
      yield `${INTERVAL_HEADER}\n`;
      for (let esiidIndex = 1; esiidIndex <= esiids; esiidIndex++) {
        const esiid = `1044372${String(esiidIndex).padStart(10, "0")}`;
        const daysStored = Math.min(730, Math.floor((rows - (esiidIndex - 1) * 730 * 96) / 96));
        for (let dayIndex = 30; dayIndex < Math.min(60, daysStored); dayIndex++) {
          const day = addDays("2024-01-01", dayIndex);
          yield `${dayLines(day, { esiid, revisionDaysLater: 3, reading: (p) => (p < 32 ? 77 + p : undefined) }).join("\n")}\n`;
        }
      }
    })(),
  );
}

/** `fresh`: the tables are emptied first; otherwise the file merges into what the previous file stored. */
async function measure(label: string, csvPath: string, fresh: boolean) {
  if (fresh) await client.query(`TRUNCATE "SmtIntervalDay", "SmtRawFile" CASCADE`);
  const bytes = statSync(csvPath).size;

  const spooledAt = performance.now();
  const file = await spoolStream(createReadStream(csvPath), path.join(work, "spool"), {
    filename: "IntervalData.csv",
    contentType: "text/csv",
    maxBytes: Number.MAX_SAFE_INTEGER,
  });
  const spoolSeconds = (performance.now() - spooledAt) / 1000;

  const ingestAt = performance.now();
  const result = await ingestSmtFile({ file, source: "upload" });
  const ingestSeconds = (performance.now() - ingestAt) / 1000;
  rmSync(file.path, { force: true });
  if (result.errorCount > 0) throw new Error(`The bench file did not ingest cleanly: ${result.message}`);

  // COPY's input: the same rows the parser produced, as COPY text, written out before the clock starts.
  const tsvPath = path.join(work, "rows.tsv");
  const tsv = createWriteStream(tsvPath);
  let rows = 0;
  const parsed = parseIntervalCsv(createReadStream(csvPath));
  for await (const batch of inBatches(parsed.batches, 5000)) {
    rows += batch.length;
    const text = batch
      .map(
        (row) =>
          `${row.esiid}\t${row.channel}\t${row.intervalStart.toISOString()}\t${row.kwh ?? "\\N"}\t${row.estimated ? "t" : "f"}\t${row.revisionAt.toISOString()}\n`,
      )
      .join("");
    if (!tsv.write(text)) await new Promise<void>((resolve) => tsv.once("drain", () => resolve()));
  }
  await new Promise<void>((resolve) => tsv.end(() => resolve()));
  await client.query(`DROP TABLE IF EXISTS copy_bench`);
  await client.query(
    `CREATE TABLE copy_bench (esiid text, channel text, interval_start timestamp(3), kwh numeric(12,4), estimated boolean, revision_at timestamp(3))`,
  );
  const copyAt = performance.now();
  await pipeline(createReadStream(tsvPath), client.query(copyFrom("COPY copy_bench FROM STDIN")));
  const copySeconds = (performance.now() - copyAt) / 1000;
  rmSync(tsvPath, { force: true });
  await client.query(`DROP TABLE copy_bench`);

  return {
    label,
    bytes,
    rows: result.rowsParsed,
    inserted: result.rowsInserted,
    updated: result.rowsUpdated,
    copyRows: rows,
    spoolSeconds,
    ingestSeconds,
    copySeconds,
  };
}

type Measured = Awaited<ReturnType<typeof measure>>;

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2;
}

function summarise(runs: Measured[]) {
  const [first] = runs;
  const ingestSeconds = median(runs.map((run) => run.ingestSeconds));
  const copySeconds = median(runs.map((run) => run.copySeconds));
  const ingestRate = first.rows / ingestSeconds;
  const copyRate = first.copyRows / copySeconds;
  return {
    file: first.label,
    MiB: +(first.bytes / 1024 ** 2).toFixed(1),
    rows: first.rows,
    "inserted / updated": `${first.inserted} / ${first.updated}`,
    "ingest s": +ingestSeconds.toFixed(2),
    "ingest s, each round": runs.map((run) => run.ingestSeconds.toFixed(2)).join(" "),
    "ingest rows/s": Math.round(ingestRate),
    "COPY s": +copySeconds.toFixed(2),
    "COPY s, each round": runs.map((run) => run.copySeconds.toFixed(2)).join(" "),
    "COPY rows/s": Math.round(copyRate),
    "ingest / COPY": +(ingestRate / copyRate).toFixed(2),
  };
}

type UploadRun = Awaited<ReturnType<typeof measureUpload>>;

function summariseUpload(runs: UploadRun[]) {
  const growth = runs.map((run) => run.growth);
  return {
    request: runs[0].request,
    "upload MiB": runs[0].uploadMiB,
    rows: runs[0].rows,
    "request s (median)": +median(runs.map((run) => run.seconds)).toFixed(1),
    "idle RSS MiB (median)": Math.round(median(runs.map((run) => run.idle))),
    "growth MiB, each round": growth.map((value) => Math.round(value)).join(" "),
    "growth MiB (median)": Math.round(median(growth)),
    "within +64 MiB": median(growth) <= 64,
  };
}

/**
 * "interval": a real interval CSV, so the request spools, stores, parses and upserts it.
 * "unreadable": the same bytes behind a header the portal does not read, so the request is the upload alone
 * (spool, SHA-256, storage copy) and ends with a 422.
 */
async function measureUpload(kind: "interval" | "unreadable") {
  await client.query(`TRUNCATE "SmtIntervalDay", "SmtRawFile" CASCADE`);
  const csvPath = path.join(work, "upload.csv");
  const rowsFor100MiB = Math.round((uploadMiB * 1024 ** 2) / 84);
  const out = createWriteStream(csvPath);
  if (kind === "unreadable") out.write("NOT,AN,SMT,HEADER\n");
  await pipeline(syntheticIntervalCsv(rowsFor100MiB, "2020-01-01"), out);
  const size = statSync(csvPath).size;

  buildApp();
  const port = await freePort();
  const serveCli = createRequire(import.meta.url).resolve("@remix-run/serve/dist/cli.js");
  const portal = spawn(process.execPath, [serveCli, "build/index.js"], {
    env: {
      ...process.env,
      NODE_ENV: "production",
      PORT: String(port),
      HOST: "127.0.0.1",
      ERCOT_SCHEDULE_ENABLED: "false",
    },
    stdio: "ignore",
  });
  const baseUrl = `http://127.0.0.1:${port}`;
  const rssMiB = () => Number(/VmRSS:\s+(\d+)/.exec(readFileSync(`/proc/${portal.pid}/status`, "utf8"))![1]) / 1024;
  try {
    for (let ready = false; !ready; await new Promise((resolve) => setTimeout(resolve, 100))) {
      ready = await fetch(`${baseUrl}/login`).then(
        (response) => response.ok,
        () => false,
      );
    }
    // Warm up the route and the database pool with a small post, then let the heap settle.
    const warm = new FormData();
    warm.append("file", new Blob(["ESIID,USAGE_DATE\n"]), "warm.csv");
    await fetch(`${baseUrl}/api/admin/smt/pull`, {
      method: "POST",
      headers: { "x-intelliwatt-secret": WEBHOOK_SECRET },
      body: warm,
    });
    await new Promise<void>((resolve) => setTimeout(resolve, 1000));
    const idle = rssMiB();

    let peak = idle;
    const sampler = setInterval(() => (peak = Math.max(peak, rssMiB())), 20);
    const form = new FormData();
    form.append("file", await openAsBlob(csvPath, { type: "text/csv" }), "IntervalData.csv");
    const startedAt = performance.now();
    const response = await fetch(`${baseUrl}/api/admin/smt/pull`, {
      method: "POST",
      headers: { "x-intelliwatt-secret": WEBHOOK_SECRET },
      body: form,
    });
    const answer = (await response.json()) as { rowsInserted?: number; error?: string };
    clearInterval(sampler);
    if (response.status !== (kind === "interval" ? 200 : 422)) {
      throw new Error(`The upload answered ${response.status}: ${answer.error}`);
    }
    return {
      request: kind === "interval" ? "upload + ingest" : "upload only (422)",
      uploadMiB: +(size / 1024 ** 2).toFixed(1),
      rows: answer.rowsInserted,
      seconds: (performance.now() - startedAt) / 1000,
      idle,
      growth: peak - idle,
    };
  } finally {
    portal.kill("SIGTERM");
    rmSync(csvPath, { force: true });
  }
}

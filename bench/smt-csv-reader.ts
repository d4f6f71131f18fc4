/**
 * Is csv-parse the bottleneck of the whole SMT ingest? The question that decides whether the portal needs a CSV
 * reader of its own (docs/decisions/009-smt-csv-reader.md).
 *
 *   npx tsx bench/smt-csv-reader.ts [rows=1000000]
 *
 * On one synthetic interval CSV of `rows` rows, in the same run: csv-parse alone (the reader's options),
 * readCsvRecords (csv-parse plus line numbers, app/smt/parse/csv-records.ts), and the whole ingest (ingestSmtFile:
 * storage copy, CSV, parsing, DST placement, COPY and merge into a throwaway PostgreSQL 17).
 * ratio = readCsvRecords ÷ whole ingest: the share of the ingest's time spent reading CSV.
 */
import { createReadStream, createWriteStream, mkdtempSync, rmSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { pipeline } from "node:stream/promises";
import { parse } from "csv-parse";
import { syntheticIntervalCsv } from "../tests/fixtures/smt/generate";
import { createTestDatabase, startTestPostgres } from "../tests/support/test-database";

const rows = Number(process.argv[2] ?? 1_000_000);
const work = mkdtempSync(path.join(os.tmpdir(), "smt-csv-bench-"));
const postgres = await startTestPostgres();
const database = await createTestDatabase(postgres.adminUrl, "smt_csv_bench");
Object.assign(process.env, {
  DATABASE_URL: database.url,
  DATABASE_SCHEMA: database.schema,
  ADMIN_TOKEN: "bench-admin-token-0123456789abcdef",
  PORTAL_DATA_DIR: path.join(work, "data"),
  PORTAL_DATABASE_MODE: "external",
});
// Imported after the environment is set: the app reads it once.
const { readCsvRecords } = await import("../app/smt/parse/csv-records");
const { ingestSmtFile } = await import("../app/smt/ingest.server");
const { spoolStream } = await import("../app/smt/upload.server");
const { disconnectDb } = await import("../app/db/prisma.server");

const seconds = (since: number) => (performance.now() - since) / 1000;
try {
  const csvPath = path.join(work, "input.csv");
  await pipeline(syntheticIntervalCsv(rows), createWriteStream(csvPath));
  const rssBefore = process.memoryUsage().rss;

  let at = performance.now();
  let parsed = 0;
  const parser = createReadStream(csvPath).pipe(
    parse({ bom: true, trim: true, skip_empty_lines: true, relax_column_count: true, info: true }),
  );
  for await (const _record of parser) parsed++;
  const csvParseSeconds = seconds(at);

  at = performance.now();
  let read = 0;
  for await (const batch of readCsvRecords(createReadStream(csvPath))) read += batch.length;
  const readerSeconds = seconds(at);

  const file = await spoolStream(createReadStream(csvPath), path.join(work, "spool"), {
    filename: "IntervalData.csv",
    contentType: "text/csv",
    maxBytes: Number.MAX_SAFE_INTEGER,
  });
  at = performance.now();
  const result = await ingestSmtFile({ file, source: "upload" });
  const ingestSeconds = seconds(at);
  if (result.errorCount > 0 || parsed !== read)
    throw new Error(`The bench file did not read cleanly: ${result.message}`);

  console.table([
    {
      step: "csv-parse alone",
      seconds: +csvParseSeconds.toFixed(2),
      "µs/record": +((csvParseSeconds / parsed) * 1e6).toFixed(2),
    },
    {
      step: "readCsvRecords alone",
      seconds: +readerSeconds.toFixed(2),
      "µs/record": +((readerSeconds / read) * 1e6).toFixed(2),
    },
    {
      step: "whole ingest",
      seconds: +ingestSeconds.toFixed(2),
      "µs/record": +((ingestSeconds / read) * 1e6).toFixed(2),
    },
  ]);
  const rssGrowth = (process.memoryUsage().rss - rssBefore) / 1024 ** 2;
  console.log(
    `PERF smt-csv-reader ratio=${(readerSeconds / ingestSeconds).toFixed(2)} rss_growth_mib=${rssGrowth.toFixed(0)}`,
  );
} finally {
  await disconnectDb();
  await database.drop();
  await postgres.stop();
  rmSync(work, { recursive: true, force: true });
}

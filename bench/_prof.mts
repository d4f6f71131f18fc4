import { createWriteStream, createReadStream } from "node:fs";
import { pipeline } from "node:stream/promises";
import { twelveMonthSolarCsv } from "../tests/fixtures/smt/generate";
import { parseIntervalCsv } from "../app/smt/parse/interval-csv";
import { inBatches } from "../app/smt/parse/types";
import { readCsvRecords } from "../app/smt/parse/csv-records";
import { intervalDays, dayCopyLine } from "../app/smt/interval-days";
await pipeline(twelveMonthSolarCsv("2025-05-13"), createWriteStream("/tmp/solar.csv"));
for (let round = 0; round < 3; round++) {
  let t = performance.now();
  let n = 0;
  for await (const recs of readCsvRecords(createReadStream("/tmp/solar.csv"))) n += recs.length;
  const csv = performance.now() - t;
  t = performance.now();
  const run = parseIntervalCsv(createReadStream("/tmp/solar.csv"));
  let rows = 0; let days = 0; let text = 0; let group = 0;
  for await (const batch of inBatches(run.rows, 5000)) {
    rows += batch.length;
    const g = performance.now();
    const d = intervalDays(batch);
    for (const day of d.values()) text += dayCopyLine(day, 1).length;
    group += performance.now() - g;
  }
  console.log({ n, csvMs: Math.round(csv), parseMs: Math.round(performance.now() - t), groupMs: Math.round(group), rows });
}

import { createReadStream } from "node:fs";
import { parseIntervalCsv } from "../app/smt/parse/interval-csv";
import { inBatches } from "../app/smt/parse/types";
for (let round = 0; round < 4; round++) {
  const t = performance.now();
  const run = parseIntervalCsv(createReadStream("/tmp/solar.csv"));
  let rows = 0;
  for await (const batch of inBatches(run.rows, 5000)) rows += batch.length;
  console.log(Math.round(performance.now() - t), rows);
}

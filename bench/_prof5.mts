import { createReadStream } from "node:fs";
import { Readable } from "node:stream";
import { pipeline } from "node:stream/promises";
import pg from "pg";
import { from as copyFrom } from "pg-copy-streams";
import { connectionConfig } from "../app/db/connection.server";
import { createTestDatabase, startTestPostgres } from "../tests/support/test-database";
import { parseIntervalCsv } from "../app/smt/parse/interval-csv";
import { inBatches } from "../app/smt/parse/types";
import { DayBuffer } from "../app/smt/interval-days";
const postgres = await startTestPostgres();
const database = await createTestDatabase(postgres.adminUrl, "smt_prof5");
const client = new pg.Client(connectionConfig(database));
await client.connect();
const buffer = new DayBuffer();
for await (const b of inBatches(parseIntervalCsv(createReadStream("/tmp/solar.csv")).rows, 5000)) buffer.add(b);
const { copyText } = buffer.take(1);
const t = async (label: string, sql: string) => { const s = performance.now(); await client.query(sql); console.log(label, Math.round(performance.now() - s)); };
try {
  await client.query(`CREATE TABLE stage ("esiid" text, "channel" "SmtChannel", "day" date, "dayStart" timestamp(3), "kwh" numeric(14,5)[], "estimated" boolean[], "revisionAt" timestamp(3)[], "rawFileIds" integer[])`);
  await client.query(`CREATE TABLE plain (LIKE stage)`);
  await client.query(`ALTER TABLE plain ADD PRIMARY KEY (esiid, channel, day)`);
  for (let round = 0; round < 3; round++) {
    await client.query("TRUNCATE stage, plain, \"SmtIntervalDay\"");
    let s = performance.now();
    await pipeline(Readable.from([copyText]), client.query(copyFrom(`COPY stage FROM STDIN`)));
    console.log("copy stage", Math.round(performance.now() - s), copyText.length);
    await t("insert plain", `INSERT INTO plain SELECT * FROM stage`);
    await t("insert SmtIntervalDay", `INSERT INTO "SmtIntervalDay" ("esiid", "channel", "day", "dayStart", "kwh", "estimated", "revisionAt", "rawFileIds") SELECT * FROM stage`);
    await t("select totals only", `SELECT smt_kwh_total(kwh), smt_received_count(estimated), smt_blank_count(kwh, estimated), smt_estimated_count(estimated) FROM stage`);
  }
} finally { await client.end(); await database.drop(); await postgres.stop(); }

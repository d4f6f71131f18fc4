import { createWriteStream, mkdtempSync, createReadStream } from "node:fs";
import os from "node:os"; import path from "node:path";
import { pipeline } from "node:stream/promises";
import { twelveMonthSolarCsv } from "./tests/fixtures/smt/generate";
import { createTestDatabase, startTestPostgres } from "./tests/support/test-database";
const work = mkdtempSync(path.join(os.tmpdir(), "prof-"));
const postgres = await startTestPostgres();
const database = await createTestDatabase(postgres.adminUrl, "prof");
Object.assign(process.env, { DATABASE_URL: database.url, ADMIN_TOKEN: "x".repeat(32), PORTAL_DATA_DIR: path.join(work, "data"), PORTAL_DATABASE_MODE: "external" });
const { ingestSmtFile } = await import("./app/smt/ingest.server");
const { spoolStream } = await import("./app/smt/upload.server");
const { db, disconnectDb } = await import("./app/db/prisma.server");
const csv = path.join(work, "solar.csv");
await pipeline(twelveMonthSolarCsv("2025-05-13"), createWriteStream(csv));
for (let i = 0; i < 4; i++) {
  const file = await spoolStream(createReadStream(csv), path.join(work, `s${i}`), { filename: `I${i}.csv`, contentType: "text/csv", maxBytes: 1e12 });
  await db().$executeRawUnsafe(`TRUNCATE "SmtIntervalDay", "SmtRawFile" CASCADE`);
  (globalThis as any).T0 = performance.now();
  const r = await ingestSmtFile({ file, source: "upload" });
  console.log("ingest", ((performance.now() - (globalThis as any).T0) / 1000).toFixed(3), r.rowsParsed);
}
await disconnectDb(); await database.drop(); await postgres.stop();

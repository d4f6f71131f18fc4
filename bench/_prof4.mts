import { createReadStream, statSync } from "node:fs";
import pg from "pg";
import { connectionConfig } from "../app/db/connection.server";
import { createTestDatabase, startTestPostgres } from "../tests/support/test-database";
const postgres = await startTestPostgres();
const database = await createTestDatabase(postgres.adminUrl, "smt_prof");
const { loadFile } = await import("../app/smt/load-file.server");
const { RowWriter } = await import("../app/smt/row-writer.server");
const { FileOutcome } = await import("../app/smt/outcome");
const client = new pg.Client(connectionConfig(database));
await client.connect();
const file = { path: "/tmp/solar.csv", sizeBytes: statSync("/tmp/solar.csv").size } as never;
const times = new Map<string, number>();
const original = client.query.bind(client);
(client as any).query = (...args: any[]) => {
  const a = args[0];
  const key = typeof a === "string" ? a.slice(0, 30) : a?.name ?? a?.text?.slice?.(0, 30) ?? "copy";
  const s = performance.now();
  const r = original(...args);
  if (r && typeof r.then === "function") return r.then((v: unknown) => { times.set(key, (times.get(key) ?? 0) + performance.now() - s); return v; });
  if (r && typeof r.on === "function") { r.on("finish", () => times.set("copy", (times.get("copy") ?? 0) + performance.now() - s)); }
  return r;
};
try {
  for (let round = 0; round < 3; round++) {
    const noop = { addIntervals() {}, pendingDays: 0, flushIntervals: async () => ({ inserted: 0, updated: 0, unchanged: 0 }) } as never;
    let t = performance.now();
    await loadFile(file, "interval-csv", noop, new FileOutcome("interval-csv"));
    const parseOnly = performance.now() - t;
    await client.query("TRUNCATE \"SmtIntervalDay\", \"SmtRawFile\" CASCADE");
    const { rows } = await client.query(`INSERT INTO "SmtRawFile" (sha256, filename, "sizeBytes", "storageKey", source) VALUES ('x${round}', 'a', 1, 'k', 'upload') RETURNING id`);
    await client.query("BEGIN");
    const writer = new RowWriter(client, rows[0].id);
    const orig = writer.flushIntervals.bind(writer); let dbMs = 0;
    writer.flushIntervals = async () => { const s = performance.now(); const r = await orig(); dbMs += performance.now() - s; return r; };
    t = performance.now();
    await loadFile(file, "interval-csv", writer, new FileOutcome("interval-csv"));
    const full = performance.now() - t;
    await client.query("COMMIT");
    console.log(Object.fromEntries([...times].map(([k, v]) => [k, Math.round(v)]))); times.clear();
    console.log({ parseOnly: Math.round(parseOnly), full: Math.round(full), writerMs: Math.round(dbMs) });
  }
} finally { await client.end(); await database.drop(); await postgres.stop(); }

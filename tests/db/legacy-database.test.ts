import { spawn, spawnSync, type ChildProcess } from "node:child_process";
import { createHash } from "node:crypto";
import { readFileSync } from "node:fs";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, inject, it, vi } from "vitest";
import { withClient } from "~/db/connection.server";
import { signInCookie } from "../support/portal-server";
import { freePort, testTarget } from "../support/test-database";
import { TEST_ADMIN_TOKEN } from "../support/per-file-database";
import { createLegacyDatabase, LEGACY_ESIIDS, LEGACY_FILES, publicChecksums } from "./legacy/legacy-database";

// The old portal's production database, with our portal pointed at it: started beside it in its own schema,
// the old tables byte-for-byte unchanged, the old history imported once (and a second import changes nothing).
const adminUrl = inject("postgresAdminUrl");
let legacyUrl = "";
let before: Record<string, string> = {};

function portalEnv(url: string, extra: Record<string, string> = {}): NodeJS.ProcessEnv {
  const env: Record<string, string | undefined> = { ...process.env, DATABASE_URL: url, ...extra };
  for (const name of ["DATABASE_SCHEMA", "PORTAL_DATABASE_MODE", "NODE_ENV"]) delete env[name];
  return env as NodeJS.ProcessEnv;
}

function launch(url: string, port: number) {
  const child = spawn(process.execPath, ["--import", "tsx", "scripts/start.ts"], {
    env: portalEnv(url, { PORT: String(port), HOST: "127.0.0.1" }),
    stdio: ["ignore", "pipe", "pipe"],
  });
  let output = "";
  child.stdout!.on("data", (chunk) => (output += chunk));
  child.stderr!.on("data", (chunk) => (output += chunk));
  return { child, output: () => output };
}

const exited = (child: ChildProcess) =>
  new Promise<number | null>((resolve) =>
    child.exitCode !== null ? resolve(child.exitCode) : child.once("exit", (code) => resolve(code)),
  );

function importLegacy(url: string) {
  const run = spawnSync(process.execPath, ["--import", "tsx", "scripts/db/import-legacy.ts"], {
    env: portalEnv(url),
    encoding: "utf8",
  });
  return { code: run.status, output: run.stdout + run.stderr };
}

async function ourChecksums(url: string) {
  return withClient(testTarget(url), async (client) => {
    const sums: Record<string, string> = {};
    for (const table of ["ErcotIngest", "SmtRawFile", "SmtIntervalDay", "SmtBillingRead"]) {
      const { rows } = await client.query(
        `SELECT count(*)::int AS n, md5(coalesce(string_agg(t::text, E'\\n' ORDER BY t::text), '')) AS sum FROM "${table}" t`,
      );
      sums[table] = `${rows[0].n}/${rows[0].sum}`;
    }
    return sums;
  });
}

beforeAll(async () => {
  legacyUrl = await createLegacyDatabase(adminUrl, `legacy_${process.pid}`);
  before = await publicChecksums(legacyUrl);
}, 60_000);

afterAll(async () => {
  await withClient(testTarget(adminUrl), (admin) =>
    admin.query(`DROP DATABASE IF EXISTS legacy_${process.pid} WITH (FORCE)`),
  );
});

describe("the old portal's database", () => {
  it("has the old layout with a few thousand rows, a DST day and a repost", async () => {
    const counts = await withClient(testTarget(legacyUrl), async (client) => {
      const { rows } = await client.query(
        `SELECT (SELECT count(*)::int FROM public."SmtInterval") AS intervals,
                (SELECT count(*)::int FROM public."SmtInterval" WHERE esiid = '10089010000000000000001'
                    AND (ts AT TIME ZONE 'UTC' AT TIME ZONE 'America/Chicago')::date = '2025-11-02') AS dst_day,
                (SELECT count(*)::int FROM public."ErcotIngest" WHERE headers->>'filename' LIKE '%ONCOR_ELEC%') AS oncor`,
      );
      return rows[0];
    });
    expect(counts.intervals).toBeGreaterThan(1900);
    expect(counts.dst_day).toBe(100 + 1); // 25 hours, plus the second meter's reading
    expect(counts.oncor).toBe(2);
  });

  it("starts beside it in its own schema, lists our models in the explorer, and leaves public unchanged", async () => {
    const port = await freePort();
    const run = launch(legacyUrl, port);
    try {
      await vi.waitFor(
        async () => {
          if (run.child.exitCode !== null) throw new Error(`npm start exited:\n${run.output()}`);
          expect((await fetch(`http://127.0.0.1:${port}/login`)).status).toBe(200);
        },
        { timeout: 90_000, interval: 250 },
      );
      const baseUrl = `http://127.0.0.1:${port}`;
      const cookie = await signInCookie(baseUrl, TEST_ADMIN_TOKEN);
      const list = await fetch(`${baseUrl}/admin/database`, { headers: { cookie } });
      const html = await list.text();
      expect(list.status).toBe(200);
      for (const model of ["IngestRun", "ErcotIngest", "SmtRawFile", "SmtIntervalDay", "SmtBillingRead", "AuditEvent"])
        expect(html).toContain(model);
      const page = await fetch(`${baseUrl}/admin/database/ErcotIngest`, { headers: { cookie } });
      expect(page.status).toBe(200);
    } finally {
      run.child.kill("SIGTERM");
      await exited(run.child);
    }
    expect(await publicChecksums(legacyUrl)).toEqual(before);
    const ours = await withClient(testTarget(legacyUrl), (client) =>
      client.query(`SELECT migration_name FROM portal._prisma_migrations WHERE finished_at IS NOT NULL`),
    );
    expect(ours.rowCount).toBeGreaterThan(0);
  }, 120_000);

  it("imports every row with the documented mapping, reports what it cannot map, and a second import changes nothing", async () => {
    // One interval our own ingest already stored, in a day the old portal also has: ours wins, the rest is filled.
    await withClient(testTarget(legacyUrl), (client) =>
      client.query(
        `INSERT INTO "SmtIntervalDay" (esiid, channel, day, "dayStart", kwh, estimated, "revisionAt", "rawFileIds",
                                       "totalKwh", intervals, missing, "estimatedCount")
         VALUES ($1, 'consumption', '2025-10-30', '2025-10-30 05:00', array_fill(NULL::numeric, ARRAY[95]) || ARRAY[9.99999],
                 array_fill(NULL::boolean, ARRAY[95]) || ARRAY[false], array_fill(NULL::timestamp, ARRAY[95]) || ARRAY[now()::timestamp],
                 array_fill(NULL::int, ARRAY[96]), 9.99999, 1, 0, 0)`,
        [LEGACY_ESIIDS[1]],
      ),
    );
    const first = importLegacy(legacyUrl);
    expect(first.output).toContain("not mapped: SmtIntervalDay from old id clsecondmeter: second meter M9");
    expect(first.output).toContain("not mapped: ErcotIngest from old id clerc5: stored, but headers hold no filename");
    expect(first.output).toContain("not mapped: SmtBillingRead from old id clbill4: no read start or end date");
    expect(first.output).toContain("not mapped: SmtRawFile from old id 4: lost.csv: no stored bytes");
    expect(first.code).toBe(2);

    await withClient(testTarget(legacyUrl), async (client) => {
      const old = await client.query(`SELECT count(*)::int AS n FROM public."SmtInterval"`);
      const ours = await client.query(
        `SELECT sum(intervals)::int AS n, count(*)::int AS days, count(*) FILTER (WHERE cardinality(kwh) = 100)::int AS long_days
           FROM "SmtIntervalDay"`,
      );
      expect(ours.rows[0]).toEqual({ n: old.rows[0].n - 1, days: 2 * 10, long_days: 2 });
      // Every mapped interval, value for value, in its day row's slot: kWh to 5 decimals, filled → estimated,
      // updatedAt → revision, consumption.
      const mismatched = await client.query(
        `WITH ours AS (
           SELECT d.esiid, d.channel, d."dayStart" + (u.slot - 1) * interval '15 minutes' AS ts, u.kwh, u.estimated, u.revision
             FROM "SmtIntervalDay" d,
                  unnest(d.kwh, d.estimated, d."revisionAt") WITH ORDINALITY AS u(kwh, estimated, revision, slot)
            WHERE u.estimated IS NOT NULL)
         SELECT count(*)::int AS n FROM public."SmtInterval" o
           LEFT JOIN ours i ON i.esiid = o.esiid AND i.ts = o.ts AND i.channel = 'consumption'
          WHERE o.id <> 'clsecondmeter'
            AND (i.kwh IS DISTINCT FROM o.kwh OR i.estimated IS DISTINCT FROM o.filled OR i.revision IS DISTINCT FROM o."updatedAt")`,
      );
      expect(mismatched.rows[0].n).toBe(1); // the interval our ingest stored first
      const totals = await client.query(
        `SELECT count(*)::int AS n FROM "SmtIntervalDay" d
          WHERE "totalKwh" IS DISTINCT FROM (SELECT sum(k) FROM unnest(d.kwh) k)
             OR "estimatedCount" <> (SELECT count(*) FROM unnest(d.estimated) e WHERE e)`,
      );
      expect(totals.rows[0].n).toBe(0);
      const files = await client.query(
        `SELECT filename, "storageKey", "sizeBytes"::int AS size, sha256, status::text, source::text, "docId", "legacyId"
           FROM "ErcotIngest" ORDER BY "legacyId"`,
      );
      expect(files.rows.map((row) => row.legacyId)).toEqual(["clerc1", "clerc2", "clerc3", "clerc4"]);
      expect(files.rows[0]).toMatchObject({
        filename: expect.stringContaining("ONCOR_ELEC_DAILY.zip"),
        storageKey: expect.stringMatching(/^ercot\/2025-11-01\//),
        sha256: "1".repeat(64),
        status: "stored",
        source: "legacy",
        docId: null,
      });
      expect(files.rows[2].sha256).toBe("3".repeat(64)); // the repost, kept as its own file record
      expect(files.rows[3]).toMatchObject({ status: "failed", legacyId: "clerc4" });
      const billing = await client.query(
        `SELECT esiid, meter, "readStart"::text, kwh::text, extra, "rawFileId" FROM "SmtBillingRead" ORDER BY "readStart"`,
      );
      expect(billing.rowCount).toBe(3);
      expect(billing.rows.find((row) => row.kwh === "980.0000")).toMatchObject({
        meter: "M2",
        extra: expect.objectContaining({ tdspCode: "CNP", kwhTotal: 987.25, legacyId: "clbill2" }),
        rawFileId: expect.any(Number),
      });
      const raw = await client.query(`SELECT sha256, "storageKey", "sizeBytes"::int AS size FROM "SmtRawFile"`);
      expect(raw.rowCount).toBe(3);
      // The old ESIID index seeds the premise index, marked as imported, in a partition the first FUL replaces.
      const premises = await client.query(
        `SELECT tdsp, address, city, zipcode, status, "searchText", "sourceDocId", "publishedAt"::text
           FROM "EsiidPremise" ORDER BY esiid`,
      );
      expect(premises.rowCount).toBe(40);
      expect(premises.rows[0]).toMatchObject({
        tdsp: "ONCOR_ELEC",
        city: "DALLAS",
        zipcode: "75201",
        status: "Active",
        searchText: expect.stringMatching(/^\d+ MAIN ST DALLAS 75201$/),
        sourceDocId: "legacy:ErcotEsiidIndex",
        publishedAt: "2025-11-01 06:30:00",
      });
      const snapshot = await client.query(`SELECT tdsp, "partitionName", "fulDocId" FROM "EsiidSnapshot"`);
      expect(snapshot.rows).toEqual([{ tdsp: "ONCOR_ELEC", partitionName: "esiid_legacy_oncor_elec", fulDocId: null }]);
    });
    // The raw files' bytes are in our storage, byte for byte.
    for (const file of LEGACY_FILES.filter((f) => f.text !== null)) {
      const stored = readFileSync(path.join(process.env.PORTAL_DATA_DIR!, "objects", "smt", "legacy", file.sha256));
      expect(createHash("sha256").update(stored).digest("hex")).toBe(file.sha256);
    }

    const afterFirst = await ourChecksums(legacyUrl);
    const second = importLegacy(legacyUrl);
    expect(second.code).toBe(2);
    expect(second.output).toMatch(/SmtIntervalDay: \d+ read, 0 new/);
    expect(second.output).toMatch(/EsiidPremise: 40 read, 0 new, 40 already there/);
    expect(await ourChecksums(legacyUrl)).toEqual(afterFirst);
    expect(await publicChecksums(legacyUrl)).toEqual(before);
  }, 120_000);

  it("stops a start when a table with our name has another shape, names it and its columns, and never serves", async () => {
    // The old ErcotIngest where ours belongs: a schema someone pointed DATABASE_SCHEMA at by mistake.
    await withClient(testTarget(legacyUrl), (client) =>
      client.query(`CREATE SCHEMA mixed; CREATE TABLE mixed."ErcotIngest" (LIKE public."ErcotIngest" INCLUDING ALL)`),
    );
    const port = await freePort();
    const child = spawn(process.execPath, ["--import", "tsx", "scripts/start.ts"], {
      env: { ...portalEnv(legacyUrl, { PORT: String(port), HOST: "127.0.0.1" }), DATABASE_SCHEMA: "mixed" },
      stdio: ["ignore", "pipe", "pipe"],
    });
    let output = "";
    child.stdout!.on("data", (chunk) => (output += chunk));
    child.stderr!.on("data", (chunk) => (output += chunk));
    expect(await exited(child)).toBe(1);
    expect(output).toContain('Table "mixed"."ErcotIngest" does not have the shape our migrations define');
    expect(output).toMatch(/missing [^;]*docId \(text\)/);
    expect(output).toMatch(/unexpected [^;]*fileSha256/);
    expect(output).toContain("id is text not null, expected integer not null");
    expect(output).not.toContain("Applying");
    await expect(fetch(`http://127.0.0.1:${port}/login`)).rejects.toThrow();
    const tables = await withClient(testTarget(legacyUrl), (client) =>
      client.query(`SELECT tablename FROM pg_tables WHERE schemaname = 'mixed'`),
    );
    expect(tables.rows).toEqual([{ tablename: "ErcotIngest" }]);
    // db:status reports the same, and fails.
    const status = spawnSync(process.execPath, ["--import", "tsx", "scripts/db/run.ts", "status"], {
      env: { ...portalEnv(legacyUrl), DATABASE_SCHEMA: "mixed" },
      encoding: "utf8",
    });
    expect(status.stderr).toContain('Table "mixed"."ErcotIngest" does not have the shape our migrations define');
    expect(status.status).toBe(1);
    expect(await publicChecksums(legacyUrl)).toEqual(before);
  }, 60_000);
});

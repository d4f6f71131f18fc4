import { createHash } from "node:crypto";
import { readFile } from "node:fs/promises";
import path from "node:path";
import type pg from "pg";
import { withClient } from "../../../app/db/connection.server";
import { databaseUrl, testTarget } from "../../support/test-database";

export const LEGACY_ESIIDS = ["10089010000000000000001", "10443720000000000000002"];

/** Raw SMT files of the old portal; the last one lost its bytes (content NULL) and cannot be moved. */
export const LEGACY_FILES = [
  { name: "IntervalData_20251102.csv", text: "ESIID,USAGE_DATE,...\n10089010000000000000001,11/02/2025,0.25\n" },
  { name: "IntervalData_20251103.csv", text: "ESIID,USAGE_DATE,...\n10089010000000000000001,11/03/2025,0.5\n" },
  { name: "BillingReads_202510.csv", text: "ESIID,READ_START,READ_END,KWH\n10443720000000000000002,...\n" },
  { name: "lost.csv", text: null },
].map((file, index) => ({
  ...file,
  id: index + 1,
  sha256: createHash("sha256")
    .update(file.text ?? file.name)
    .digest("hex"),
}));

/**
 * A database in the old portal's layout, with realistic rows: 15-minute intervals for two ESIIDs over ten days
 * including the 2025-11-02 fall-back day (100 intervals in Central time), a second meter on one interval, an
 * ERCOT file reposted with new bytes, a failed ingest, billing reads and raw files with their bytes.
 */
export async function createLegacyDatabase(adminUrl: string, name: string): Promise<string> {
  await withClient(testTarget(adminUrl), (admin) => admin.query(`CREATE DATABASE ${name}`));
  const url = databaseUrl(adminUrl, name);
  const layout = await readFile(path.join(import.meta.dirname, "old-portal-layout.sql"), "utf8");
  await withClient(testTarget(url), async (client) => {
    await client.query(layout);
    await seed(client);
  });
  return url;
}

async function seed(client: pg.Client) {
  await client.query(
    `INSERT INTO public."_prisma_migrations" (id, checksum, finished_at, migration_name, applied_steps_count)
     VALUES ('0b1c…1', repeat('a', 64), '2025-11-23 03:55:00+00', '20251123035440_puct_rep_dev_setup', 1),
            ('0b1c…2', repeat('b', 64), '2025-11-25 10:00:00+00', '20251125100000_smt_billing', 1),
            ('0b1c…3', repeat('c', 64), '2025-11-28 09:00:00+00', '20251128090000_esiid_index_trgm', 1)`,
  );
  // Every 15 minutes from 2025-10-28 00:00 to 2025-11-06 23:45 Central (UTC stored), 5-decimal kWh.
  await client.query(
    `INSERT INTO public."SmtInterval" (id, esiid, meter, ts, kwh, filled, source, "createdAt", "updatedAt")
     SELECT 'cl' || md5(e || ts::text), e, 'M' || right(e, 1), ts,
            ((extract(epoch FROM ts)::bigint / 900 % 9973) / 3997.0)::numeric(10,5),
            extract(epoch FROM ts)::bigint / 900 % 17 = 0, 'smt', ts + interval '1 day', ts + interval '1 day'
       FROM unnest($1::text[]) AS e,
            generate_series(timestamp '2025-10-28 05:00', timestamp '2025-11-07 05:45', interval '15 minutes') AS ts`,
    [LEGACY_ESIIDS],
  );
  // A second meter on one interval: our intervals are per ESIID and channel, so it cannot come across.
  await client.query(
    `INSERT INTO public."SmtInterval" (id, esiid, meter, ts, kwh, filled, source, "updatedAt")
     VALUES ('clsecondmeter', $1, 'M9', timestamp '2025-11-02 06:00', 0.12345, false, 'smt', now())`,
    [LEGACY_ESIIDS[0]],
  );
  for (const file of LEGACY_FILES) {
    await client.query(
      `INSERT INTO public.raw_smt_files (id, filename, size_bytes, sha256, source, content_type, storage_path, content, received_at)
       VALUES ($1, $2, $3, $4, 'droplet', 'text/csv', $5, $6, timestamptz '2025-11-04 12:00:00+00' + $7 * interval '1 hour')`,
      [
        file.id,
        file.name,
        file.text === null ? 0 : Buffer.byteLength(file.text),
        file.sha256,
        `smt/raw/${file.name}`,
        file.text === null ? null : Buffer.from(file.text),
        file.id,
      ],
    );
  }
  await client.query(`SELECT setval('public.raw_smt_files_id_seq', 10)`);
  await client.query(
    `INSERT INTO public."SmtBillingRead" (id, "rawSmtFileId", esiid, meter, "tdspCode", "tdspName", "readStart", "readEnd", "billDate", "kwhTotal", "kwhBilled", source)
     VALUES ('clbill1', 3, $1, 'M2', 'CNP', 'CENTERPOINT', '2025-09-03', '2025-10-02', '2025-10-05', 1234.5, 1234.5, 'smt'),
            ('clbill2', 3, $1, 'M2', 'CNP', 'CENTERPOINT', '2025-10-02', '2025-11-01', '2025-11-04', 987.25, 980.0, 'smt'),
            ('clbill3', NULL, $2, NULL, 'ONCOR', 'ONCOR_ELEC', '2025-10-01', '2025-10-31', NULL, 612.75, NULL, 'manual'),
            ('clbill4', NULL, $2, NULL, 'ONCOR', 'ONCOR_ELEC', NULL, '2025-11-30', NULL, 10, NULL, 'manual')`,
    LEGACY_ESIIDS.slice().reverse(),
  );
  const ingest = (id: string, status: string, file: string | null, sha: string | null, tdsp: string, at: string) => ({
    id,
    status,
    file,
    sha,
    tdsp,
    at,
  });
  const ingests = [
    ingest(
      "clerc1",
      "done",
      "ext.00000203.0000000000000000.20251101.063000.ONCOR_ELEC_DAILY.zip",
      "1".repeat(64),
      "ONCOR_ELEC",
      "2025-11-01 11:40:00",
    ),
    ingest(
      "clerc2",
      "done",
      "ext.00000203.0000000000000000.20251101.063000.CENTERPOINT_DAILY.zip",
      "2".repeat(64),
      "CENTERPOINT",
      "2025-11-01 11:41:00",
    ),
    // ERCOT reposted the Oncor file with new bytes the next day.
    ingest(
      "clerc3",
      "done",
      "ext.00000203.0000000000000000.20251101.063000.ONCOR_ELEC_DAILY.zip",
      "3".repeat(64),
      "ONCOR_ELEC",
      "2025-11-02 11:40:00",
    ),
    ingest("clerc4", "error", null, null, "AEP_CENTRAL", "2025-11-02 11:42:00"),
    ingest("clerc5", "done", null, "5".repeat(64), "TNMP", "2025-11-03 11:40:00"),
  ];
  for (const row of ingests) {
    const headers = row.file
      ? { filename: row.file, key: `ercot/2025-11-01/${row.file}`, size: 1_098_000 + row.id.length }
      : null;
    await client.query(
      `INSERT INTO public."ErcotIngest" (id, status, note, "fileUrl", "fileSha256", tdsp, "rowCount", headers, error, "errorDetail", "createdAt")
       VALUES ($1, $2, 'daily', $3, $4, $5, 1200, $6, $7, $8, $9)`,
      [
        row.id,
        row.status,
        row.file ? `https://example.spaces/ercot/${row.file}` : null,
        row.sha,
        row.tdsp,
        headers,
        row.status === "error" ? "download failed" : null,
        row.status === "error" ? "ETIMEDOUT" : null,
        row.at,
      ],
    );
  }
  await client.query(
    `INSERT INTO public."ErcotEsiidIndex" (id, esiid, "tdspCode", "serviceAddress1", "serviceCity", "serviceState", "serviceZip", status, "premiseType", "postedAtUtc", "normAddress", "normZip")
     SELECT 'clidx' || n, lpad(n::text, 17, '1044372000'), 'ONCOR', n || ' MAIN ST', 'DALLAS', 'TX', '75201', 'Active', 'Residential',
            timestamp '2025-11-01 06:30', n || ' main st dallas', '75201'
       FROM generate_series(1, 40) AS n`,
  );
  await client.query(`INSERT INTO public."RatePlan" VALUES ('clrate1', 'Fixed 12', 12.3456)`);
  await client.query(`INSERT INTO public."HouseAddress" VALUES ('clhouse1', '1 Main St', '75201', $1)`, [
    LEGACY_ESIIDS[1],
  ]);
}

/** A checksum of every table in `public` (definition and rows), and the list of objects in it. */
export async function publicChecksums(url: string): Promise<Record<string, string>> {
  return withClient(testTarget(url), async (client) => {
    const { rows: tables } = await client.query<{ name: string }>(
      `SELECT tablename AS name FROM pg_tables WHERE schemaname = 'public' ORDER BY 1`,
    );
    const sums: Record<string, string> = {};
    for (const { name } of tables) {
      const {
        rows: [{ rows, definition }],
      } = await client.query(
        `SELECT (SELECT md5(coalesce(string_agg(t::text, E'\\n' ORDER BY t::text), '')) FROM public."${name}" t) AS rows,
                (SELECT md5(string_agg(x, E'\\n' ORDER BY x)) FROM (
                   SELECT attname || ' ' || format_type(atttypid, atttypmod) || ' ' || attnotnull AS x
                     FROM pg_attribute WHERE attrelid = format('public.%I', $1::text)::regclass AND attnum > 0 AND NOT attisdropped
                   UNION ALL SELECT indexdef FROM pg_indexes WHERE schemaname = 'public' AND tablename = $1
                   UNION ALL SELECT pg_get_constraintdef(oid) FROM pg_constraint WHERE conrelid = format('public.%I', $1::text)::regclass
                 ) d) AS definition`,
        [name],
      );
      sums[name] = `${rows}/${definition}`;
    }
    const { rows: objects } = await client.query<{ list: string }>(
      `SELECT (SELECT string_agg(relname || ':' || relkind::text, ',' ORDER BY relname)
                 FROM pg_class WHERE relnamespace = 'public'::regnamespace)
              || (SELECT format(' %s types, %s functions', count(DISTINCT t.oid), count(DISTINCT p.oid))
                    FROM pg_type t, pg_proc p
                   WHERE t.typnamespace = 'public'::regnamespace AND p.pronamespace = 'public'::regnamespace) AS list`,
    );
    sums["(objects in public)"] = objects[0].list;
    return sums;
  });
}

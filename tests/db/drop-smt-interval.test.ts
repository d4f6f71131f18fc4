import { readFile } from "node:fs/promises";
import path from "node:path";
import type pg from "pg";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { ensureSchema, withClient } from "~/db/connection.server";
import { migrationNames, MIGRATIONS_DIR } from "~/db/migrations.server";
import { databaseUrl, testTarget } from "../support/test-database";

// A database migrated before the per-interval table was dropped, with rows still in it (a legacy import or the
// demo seed ran after 20261203130000_smt_interval_day): the drop migration must keep every one as a day-row slot.
const DROP = "20261203140000_drop_smt_interval";
const adminUrl = inject("postgresAdminUrl");
const name = `drop_interval_${process.pid}`;
const target = testTarget(databaseUrl(adminUrl, name));

const migrationSql = (migration: string) => readFile(path.join(MIGRATIONS_DIR, migration, "migration.sql"), "utf8");

async function slots(client: pg.Client, esiid: string, channel: string, day: string) {
  const { rows } = await client.query(
    `SELECT u.slot::int, u.kwh::text, u.estimated, u.file
       FROM "SmtIntervalDay" d, unnest(d.kwh, d.estimated, d."rawFileIds") WITH ORDINALITY AS u(kwh, estimated, file, slot)
      WHERE d.esiid = $1 AND d.channel = $2::"SmtChannel" AND d.day = $3 AND u.estimated IS NOT NULL ORDER BY u.slot`,
    [esiid, channel, day],
  );
  return rows;
}

beforeAll(async () => {
  await withClient(testTarget(adminUrl), (admin) => admin.query(`CREATE DATABASE ${name}`));
  await ensureSchema(target);
  const names = await migrationNames();
  await withClient(target, async (client) => {
    for (const migration of names.slice(0, names.indexOf(DROP))) await client.query(await migrationSql(migration));
    await client.query(`INSERT INTO "SmtRawFile" (id, filename, sha256, "sizeBytes", "storageKey", source)
                        VALUES (1, 'a.csv', repeat('a', 64), 1, 'smt/a', 'upload'), (2, 'b.csv', repeat('b', 64), 1, 'smt/b', 'upload')`);
    // Day A exists only in SmtInterval: two readings, one blank, one estimated; day B is the fall-back day (100 slots).
    await client.query(`INSERT INTO "SmtInterval" (esiid, channel, "intervalStart", kwh, estimated, "revisionAt", "rawFileId") VALUES
      ('E1', 'consumption', '2025-10-28 05:00', 0.25, false, '2025-10-29', 1),
      ('E1', 'consumption', '2025-10-28 05:15', NULL, false, '2025-10-29', 1),
      ('E1', 'consumption', '2025-10-29 04:45', 1.5, true, '2025-10-29', 1),
      ('E1', 'generation', '2025-11-03 05:45', 0.125, false, '2025-11-04', 1)`);
    // Day C is in both tables: slot 1 is newer in SmtInterval, slot 2 newer in the day row, slot 3 only in SmtInterval.
    await client.query(`INSERT INTO "SmtIntervalDay" (esiid, channel, day, "dayStart", kwh, estimated, "revisionAt",
                          "rawFileIds", "totalKwh", intervals, missing, "estimatedCount", "rawFileId")
      VALUES ('E2', 'consumption', '2025-10-30', '2025-10-30 05:00', ARRAY[1, 2] || array_fill(NULL::numeric, ARRAY[94]),
              ARRAY[false, false] || array_fill(NULL::boolean, ARRAY[94]),
              ARRAY['2025-10-31', '2025-11-05']::timestamp[] || array_fill(NULL::timestamp, ARRAY[94]),
              ARRAY[2, 2] || array_fill(NULL::int, ARRAY[94]), 3, 2, 0, 0, 2)`);
    await client.query(`INSERT INTO "SmtInterval" (esiid, channel, "intervalStart", kwh, estimated, "revisionAt", "rawFileId") VALUES
      ('E2', 'consumption', '2025-10-30 05:00', 10, true, '2025-11-01', 1),
      ('E2', 'consumption', '2025-10-30 05:15', 20, false, '2025-11-01', 1),
      ('E2', 'consumption', '2025-10-30 05:30', 30, false, '2025-11-01', 1)`);
  });
}, 60_000);

afterAll(async () => {
  await withClient(testTarget(adminUrl), (admin) => admin.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`));
});

describe(`migration ${DROP}`, () => {
  it("moves rows left in SmtInterval into their day rows, then drops the table", async () => {
    await withClient(target, async (client) => {
      await client.query(await migrationSql(DROP));
      expect((await client.query(`SELECT to_regclass('"SmtInterval"') AS t`)).rows[0].t).toBeNull();

      expect(await slots(client, "E1", "consumption", "2025-10-28")).toEqual([
        { slot: 1, kwh: "0.25000", estimated: false, file: 1 },
        { slot: 2, kwh: null, estimated: false, file: 1 },
        { slot: 96, kwh: "1.50000", estimated: true, file: 1 },
      ]);
      // 05:45 UTC on 2025-11-03 is 23:45 CST: the last of the fall-back day's 100 slots.
      expect(await slots(client, "E1", "generation", "2025-11-02")).toEqual([
        { slot: 100, kwh: "0.12500", estimated: false, file: 1 },
      ]);
      expect(await slots(client, "E2", "consumption", "2025-10-30")).toEqual([
        { slot: 1, kwh: "10.00000", estimated: true, file: 1 },
        { slot: 2, kwh: "2.00000", estimated: false, file: 2 },
        { slot: 3, kwh: "30.00000", estimated: false, file: 1 },
      ]);
      const { rows } = await client.query(
        `SELECT esiid, channel::text, to_char(day, 'YYYY-MM-DD') AS day, cardinality(kwh) AS slots, "totalKwh"::text AS total,
                intervals, missing, "estimatedCount", "rawFileId"
           FROM "SmtIntervalDay" ORDER BY esiid, channel, day`,
      );
      expect(rows).toEqual([
        {
          esiid: "E1",
          channel: "consumption",
          day: "2025-10-28",
          slots: 96,
          total: "1.75000",
          intervals: 3,
          missing: 1,
          estimatedCount: 1,
          rawFileId: 1,
        },
        {
          esiid: "E1",
          channel: "generation",
          day: "2025-11-02",
          slots: 100,
          total: "0.12500",
          intervals: 1,
          missing: 0,
          estimatedCount: 0,
          rawFileId: 1,
        },
        {
          esiid: "E2",
          channel: "consumption",
          day: "2025-10-30",
          slots: 96,
          total: "42.00000",
          intervals: 3,
          missing: 0,
          estimatedCount: 1,
          rawFileId: 2,
        },
      ]);
    });
  });

  it("runs again without changing anything once the table is gone", async () => {
    await withClient(target, async (client) => {
      const before = await client.query(
        `SELECT md5(string_agg(d::text, ',' ORDER BY d::text)) AS sum FROM "SmtIntervalDay" d`,
      );
      await client.query(await migrationSql(DROP));
      const after = await client.query(
        `SELECT md5(string_agg(d::text, ',' ORDER BY d::text)) AS sum FROM "SmtIntervalDay" d`,
      );
      expect(after.rows[0].sum).toBe(before.rows[0].sum);
    });
  });
});

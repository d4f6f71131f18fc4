import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { db } from "~/db/prisma.server";
import { resultFromRow } from "~/smt/stored-result.server";
import { connectedClient } from "../support/database-client";

const MIGRATION = readFileSync("prisma/migrations/20261203000100_smt_raw_file_summary_columns/migration.sql", "utf8");
const client = connectedClient();

describe("migration 20261203000100_smt_raw_file_summary_columns", () => {
  it("moves the summary out of the warnings object into columns, and a second run changes nothing", async () => {
    // A row as the portal stored it before: counts, days and ESIIDs riding inside the JSON.
    await client().query(
      `INSERT INTO "SmtRawFile" ("sha256", "filename", "sizeBytes", "storageKey", "source", "status", "kind",
         "rowsParsed", "warnings", "errors")
       VALUES ('old-shape', 'IntervalData.csv', 10, 'smt/raw/ol/old-shape/IntervalData.csv', 'upload', 'parsed',
         'interval-csv', 192,
         '{"count": 3, "items": [{"message": "DST spring-forward day 2026-03-08: …"}], "firstDay": "2026-03-07",
           "lastDay": "2026-03-08", "esiids": ["10443720000000001"]}',
         '{"count": 0, "items": []}')`,
    );
    await client().query(MIGRATION);
    const once = await db().smtRawFile.findUniqueOrThrow({ where: { sha256: "old-shape" } });
    await client().query(MIGRATION);
    const twice = await db().smtRawFile.findUniqueOrThrow({ where: { sha256: "old-shape" } });
    expect(twice).toEqual(once);
    expect(resultFromRow(once, false)).toMatchObject({
      firstDay: "2026-03-07",
      lastDay: "2026-03-08",
      esiids: ["10443720000000001"],
      warningCount: 3,
      errorCount: 0,
      warnings: [{ message: "DST spring-forward day 2026-03-08: …" }],
      errors: [],
    });
  });
});

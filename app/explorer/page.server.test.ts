import pg from "pg";
import { connectionConfig, databaseTargetFromEnv } from "~/db/connection.server";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { listModels } from "./models.server";
import { closeExplorerPool, ExplorerTimeoutError, readOnly } from "./pool.server";
import { pageQuery, queryPage } from "./page.server";
import { queryRow } from "./row.server";
import { SqlParams } from "./sql.server";
import { decodeToken, encodeToken } from "./token.server";
import type { ExplorerModel, PageResult } from "./types";
import { conditionSql, whereSql } from "./where.server";
import { parseView, type ViewState } from "./view";

let models: ExplorerModel[];
const lookup = (name: string) => models.find((m) => m.name === name);
const model = (name: string) => lookup(name)!;
const column = (modelName: string, name: string) => model(modelName).columns.find((c) => c.name === name)!;

const ESIIDS = ["10443720000000001", "10443720000000002", "1008901000000000000001"];
const DAYS = 20;

beforeAll(async () => {
  const client = new pg.Client(connectionConfig(databaseTargetFromEnv()));
  await client.connect();
  await client.query(`INSERT INTO "SmtRawFile" (id, sha256, filename, "sizeBytes", "storageKey", source, head)
                      VALUES (1, 'a', 'one.csv', 9223372036854775807, 'smt/one.csv', 'upload', '\\x48454c4c4f'),
                             (2, 'b', 'two.json', 12, 'smt/two.json', 'webhook', NULL)`);
  // Day rows of 96 equal readings: totalKwh repeats (and is sometimes NULL, a day of blank readings) so paging
  // must break ties on the primary key (esiid, channel, day).
  await client.query(
    `INSERT INTO "SmtIntervalDay" (esiid, channel, day, "dayStart", kwh, estimated, "revisionAt", "rawFileIds",
                                   "totalKwh", intervals, missing, "estimatedCount", "rawFileId")
     SELECT e, c::"SmtChannel", '2026-01-01'::date + i, '2026-01-01 06:00'::timestamp + i * interval '1 day',
            array_fill(v.kwh, ARRAY[96]), array_fill(i % 4 = 0, ARRAY[96]), array_fill(NULL::timestamp, ARRAY[96]),
            array_fill(v.file, ARRAY[96]), v.kwh * 96, 96, CASE WHEN v.kwh IS NULL THEN 96 ELSE 0 END,
            CASE WHEN i % 4 = 0 THEN 96 ELSE 0 END, v.file
       FROM unnest($1::text[]) e, unnest(ARRAY['consumption', 'generation']) c, generate_series(0, $2::int - 1) i,
            LATERAL (SELECT CASE WHEN i % 5 = 0 THEN NULL ELSE (i % 3)::numeric + 0.1234 END AS kwh,
                            CASE WHEN c = 'consumption' THEN 1 ELSE 2 END AS file) v`,
    [ESIIDS, DAYS],
  );
  await client.end();
  models = await listModels();
});

afterAll(closeExplorerPool);

function view(search: string, modelName = "SmtIntervalDay"): ViewState {
  return parseView(new URLSearchParams(search), model(modelName), lookup).view;
}

async function walk(search: string, direction: "forward" | "backward", start?: PageResult): Promise<string[]> {
  const seen: string[] = [];
  let page =
    start ?? (await queryPage({ model: model("SmtIntervalDay"), view: view(search), paging: "keyset", lookup }));
  for (;;) {
    const keys = page.rows.map((r) => r.pk);
    if (direction === "forward") seen.push(...keys);
    else seen.unshift(...keys);
    const cursor =
      direction === "forward" ? (page.hasNext ? page.nextCursor : null) : page.hasPrev ? page.prevCursor : null;
    if (!cursor) return seen;
    page = await queryPage({
      model: model("SmtIntervalDay"),
      view: view(`${search}&${direction === "forward" ? "after" : "before"}=${cursor}`),
      paging: "keyset",
      lookup,
    });
  }
}

describe("model metadata", () => {
  it("lists every Prisma model with its primary key, even composite and not named id", () => {
    expect(models.map((m) => m.name)).toEqual(
      expect.arrayContaining([
        "IngestRun",
        "ErcotIngest",
        "AuditEvent",
        "SmtRawFile",
        "SmtIntervalDay",
        "SmtBillingRead",
      ]),
    );
    expect(model("SmtIntervalDay").primaryKey).toEqual(["esiid", "channel", "day"]);
    expect(column("SmtIntervalDay", "channel").enumValues).toEqual(["consumption", "generation"]);
    expect(column("SmtBillingRead", "readStart").kind).toBe("date");
    expect(column("ErcotIngest", "storageKey").masked).toBe(false);
  });

  it("knows which text columns a trigram index serves, and that such an index does not order rows", () => {
    expect(column("SmtRawFile", "filename")).toMatchObject({ trigramIndexed: true, leadsIndex: false });
    expect(column("SmtIntervalDay", "esiid")).toMatchObject({ trigramIndexed: true, leadsIndex: true });
    expect(column("SmtRawFile", "storageKey").trigramIndexed).toBe(false);
  });

  it("finds both sides of each relation from the foreign keys", () => {
    expect(model("SmtIntervalDay").relations).toContainEqual({
      name: "rawFile",
      targetModel: "SmtRawFile",
      kind: "toOne",
      localFields: ["rawFileId"],
      remoteFields: ["id"],
    });
    expect(model("SmtRawFile").relations).toContainEqual({
      name: "intervalDays",
      targetModel: "SmtIntervalDay",
      kind: "toMany",
      localFields: ["id"],
      remoteFields: ["rawFileId"],
    });
    expect(model("IngestRun").relations).toContainEqual(
      expect.objectContaining({ name: "files", targetModel: "ErcotIngest", kind: "toMany" }),
    );
  });
});

describe("filters", () => {
  it("binds every value as a typed parameter, never as SQL text", () => {
    // No portal table has a plain boolean column, so one is described here.
    const FLAG = {
      ...column("SmtIntervalDay", "intervals"),
      name: "flag",
      dbName: "flag",
      sqlType: "boolean",
      kind: "boolean" as const,
    };
    const params = new SqlParams();
    const sql = [
      conditionSql(column("SmtIntervalDay", "esiid"), { op: "contains", value: "1%_'; DROP TABLE x" }, "t", params),
      conditionSql(column("SmtIntervalDay", "esiid"), { op: "starts", value: "1044" }, "t", params),
      conditionSql(column("SmtIntervalDay", "totalKwh"), { op: "gte", value: "1.5" }, "t", params),
      conditionSql(column("SmtIntervalDay", "dayStart"), { op: "lt", value: "2026-01-01T06:00" }, "t", params),
      conditionSql(column("SmtIntervalDay", "channel"), { op: "eq", value: "generation" }, "t", params),
      conditionSql(FLAG, { op: "eq", value: "true" }, "t", params),
      conditionSql(column("SmtIntervalDay", "totalKwh"), { op: "is", value: "notnull" }, "t", params),
    ];
    expect(sql).toEqual([
      't."esiid" ILIKE $1::text',
      't."esiid" LIKE $2::text',
      't."totalKwh" >= $3::numeric',
      't."dayStart" < $4::timestamp without time zone',
      't."channel" = $5::"SmtChannel"',
      't."flag" = $6::boolean',
      't."totalKwh" IS NOT NULL',
    ]);
    expect(params.values).toEqual([
      "%1\\%\\_'; DROP TABLE x%",
      "1044%",
      "1.5",
      "2026-01-01T06:00",
      "generation",
      "true",
    ]);
  });

  it("filters on a relation with EXISTS on the related table", () => {
    const params = new SqlParams();
    const sql = whereSql(model("SmtIntervalDay"), view("rawFile.filename.contains=two"), params, lookup);
    expect(sql).toEqual([
      'EXISTS (SELECT 1 FROM "SmtRawFile" r WHERE r."id" = t."rawFileId" AND r."filename" ILIKE $1::text)',
    ]);
  });

  it("returns what each typed filter asks for", async () => {
    const count = async (search: string) => {
      let total = 0;
      for (const page of [
        await queryPage({ model: model("SmtIntervalDay"), view: view(`${search}&size=500`), paging: "keyset", lookup }),
      ])
        total += page.rows.length;
      return total;
    };
    const all = ESIIDS.length * 2 * DAYS;
    expect(await count("")).toBe(all);
    expect(await count("esiid.starts=1008901")).toBe(2 * DAYS);
    expect(await count("esiid.contains=0000000002")).toBe(2 * DAYS);
    expect(await count("channel.eq=generation")).toBe(all / 2);
    expect(await count("totalKwh.is=null")).toBe(all / 5);
    expect(await count("totalKwh.gte=100&totalKwh.lte=110")).toBe(ESIIDS.length * 2 * 6); // i % 3 = 1 and i % 5 != 0
    expect(await count("estimatedCount.gte=1")).toBe(all / 4);
    expect(await count("day.gte=2026-01-05&day.lte=2026-01-08")).toBe(ESIIDS.length * 2 * 4);
    expect(await count("dayStart.gte=2026-01-05T06:00&dayStart.lt=2026-01-06T06:00")).toBe(ESIIDS.length * 2);
    expect(await count("rawFile.filename.contains=TWO")).toBe(all / 2);
    expect(await count("q=8901")).toBe(2 * DAYS);
    expect(await count("q=%")).toBe(0); // the search text is a literal, not a pattern
    expect(await count("q=GENERAT")).toBe(all / 2); // enum labels are searched too
  });

  it("serves the global search on a large table from the trigram index", async () => {
    const query = pageQuery({ model: model("SmtIntervalDay"), view: view("q=0000000002"), paging: "keyset", lookup });
    const plan = await readOnly(async (client) => {
      await client.query("SET LOCAL enable_seqscan = off");
      const { rows } = await client.query(`EXPLAIN ${query.text}`, query.values);
      return rows.map((r) => r["QUERY PLAN"]).join("\n");
    });
    expect(plan).toContain("SmtIntervalDay_esiid_trgm_idx");
  });

  it("filters a parent by its to-many children", async () => {
    const page = await queryPage({
      model: model("SmtRawFile"),
      view: view("intervalDays.channel.eq=generation", "SmtRawFile"),
      paging: "offset",
      lookup,
    });
    expect(page.rows.map((r) => r.cells.id)).toEqual([2]);
    expect(page.matching).toBe(1);
  });
});

describe("keyset paging", () => {
  const total = ESIIDS.length * 2 * DAYS;
  it.each([
    "size=7",
    "size=7&sort=totalKwh",
    "size=7&sort=totalKwh&dir=desc",
    "size=9&sort=estimatedCount&dir=desc",
    "size=11&sort=day",
    "size=5&sort=channel&totalKwh.is=notnull",
    "size=7&sort=totalKwh&dir=desc&rawFileId.eq=1", // an indexed filter: the page is sorted after the index finds rows
  ])("walks %s forward and back with no row repeated or skipped, across duplicate sort values", async (search) => {
    const forward = await walk(search, "forward");
    const expected = search.includes("totalKwh.is")
      ? total - total / 5
      : search.includes("rawFileId")
        ? total / 2
        : total;
    expect(forward).toHaveLength(expected);
    expect(new Set(forward).size).toBe(expected);

    let page = await queryPage({ model: model("SmtIntervalDay"), view: view(search), paging: "keyset", lookup });
    while (page.hasNext)
      page = await queryPage({
        model: model("SmtIntervalDay"),
        view: view(`${search}&after=${page.nextCursor}`),
        paging: "keyset",
        lookup,
      });
    expect(await walk(search, "backward", page)).toEqual(forward);
  });

  it("treats a mangled cursor as the first page and says so", async () => {
    const page = await queryPage({
      model: model("SmtIntervalDay"),
      view: view("size=7&after=not-a-cursor"),
      paging: "keyset",
      lookup,
    });
    expect(page.problems).toEqual([
      "The page link does not fit this view: it does not hold 3 key values. Showing the first page.",
    ]);
    expect(page.hasPrev).toBe(false);
  });

  it("orders NULLs last whether ascending or descending", async () => {
    const asc = await queryPage({
      model: model("SmtIntervalDay"),
      view: view("size=500&sort=totalKwh"),
      paging: "keyset",
      lookup,
    });
    expect(asc.rows.at(-1)!.cells.totalKwh).toBeNull();
    expect(asc.rows[0].cells.totalKwh).toBe("11.84640");
    const desc = await queryPage({
      model: model("SmtIntervalDay"),
      view: view("size=500&sort=totalKwh&dir=desc"),
      paging: "keyset",
      lookup,
    });
    expect(desc.rows[0].cells.totalKwh).toBe("203.84640");
    expect(desc.rows.at(-1)!.cells.totalKwh).toBeNull();
  });

  it("never reads more than one page plus one row, and never counts a large table", () => {
    const query = pageQuery({
      model: model("SmtIntervalDay"),
      view: view("size=50&sort=totalKwh"),
      paging: "keyset",
      lookup,
    });
    expect(query.text).toMatch(
      /ORDER BY t\."totalKwh" ASC NULLS LAST, t\."esiid" ASC, t\."channel" ASC, t\."day" ASC LIMIT \$\d+::int\) page JOIN /,
    );
    expect(query.values.at(-1)).toBe("51");
    expect(query.text).not.toMatch(/count\(/i);
  });
});

describe("values and relations", () => {
  it("sends BigInt, Decimal, DateTime and Bytes exactly", async () => {
    const page = await queryPage({
      model: model("SmtRawFile"),
      view: view("", "SmtRawFile"),
      paging: "offset",
      lookup,
    });
    expect(page.rows[0].cells).toMatchObject({
      sizeBytes: "9223372036854775807",
      head: { bytes: { size: 5, hexPreview: "48454c4c4f" } },
    });
    const day = await queryPage({
      model: model("SmtIntervalDay"),
      view: view("size=2&totalKwh.is=notnull"),
      paging: "keyset",
      lookup,
    });
    expect(day.rows[0].cells).toMatchObject({
      totalKwh: "107.84640",
      day: "2026-01-02",
      dayStart: "2026-01-02T06:00:00Z",
      intervals: 96,
    });
  });

  it("links a foreign-key cell to the related row, and the row page shows both directions", async () => {
    const page = await queryPage({
      model: model("SmtIntervalDay"),
      view: view("size=1&channel.eq=generation"),
      paging: "keyset",
      lookup,
    });
    const link = page.rows[0].links.rawFileId;
    expect(link).toEqual({ model: "SmtRawFile", pk: encodeToken(["2"]), filters: [] });

    const row = await queryRow(model("SmtIntervalDay"), decodeToken(page.rows[0].pk, 3)!, lookup);
    expect(decodeToken(page.rows[0].pk, 3)).toEqual(["1008901000000000000001", "generation", "2026-01-01"]);
    expect(row!.cells.channel).toBe("generation");
    expect(row!.toOne[0]).toMatchObject({
      relation: "rawFile",
      targetModel: "SmtRawFile",
      cells: expect.objectContaining({ filename: "two.json" }),
    });
    expect(await queryRow(model("SmtIntervalDay"), ["nope", "generation", "2026-01-01"], lookup)).toBeNull();
  });
});

describe("safety", () => {
  it("masks secret columns in SQL, so their values never leave the database", async () => {
    const client = new pg.Client(connectionConfig(databaseTargetFromEnv()));
    await client.connect();
    await client.query(`CREATE TABLE "Credential" (id int PRIMARY KEY, "apiToken" text, "storageKey" text)`);
    await client.query(`INSERT INTO "Credential" VALUES (1, 'sk-live-123', 'smt/a.csv'), (2, NULL, 'smt/b.csv')`);
    await client.end();
    const credential: ExplorerModel = {
      name: "Credential",
      table: "Credential",
      primaryKey: ["id"],
      btreeIndexes: [["id"]],
      relations: [],
      columns: [
        { ...column("SmtRawFile", "id") },
        { ...column("SmtRawFile", "filename"), name: "apiToken", dbName: "apiToken", masked: true },
        { ...column("SmtRawFile", "storageKey") },
      ],
    };
    const query = pageQuery({
      model: credential,
      view: parseView(new URLSearchParams(), credential, lookup).view,
      paging: "offset",
      lookup,
    });
    expect(query.text).toContain('(t."apiToken" IS NOT NULL) AS c1');
    const page = await queryPage({
      model: credential,
      view: parseView(new URLSearchParams(), credential, lookup).view,
      paging: "offset",
      lookup,
    });
    expect(page.rows.map((r) => r.cells)).toEqual([
      { id: 1, apiToken: { masked: true }, storageKey: "smt/a.csv" },
      { id: 2, apiToken: null, storageKey: "smt/b.csv" },
    ]);
    expect(JSON.stringify(page)).not.toContain("sk-live");
  });

  it("stops a slow statement and says so, instead of hanging or failing with a 500", async () => {
    const slow = readOnly((client) => client.query("SELECT pg_sleep(2)"), 100);
    await expect(slow).rejects.toBeInstanceOf(ExplorerTimeoutError);
    await expect(slow).rejects.toThrow(/took longer than 0.1 s/);
  });

  it("runs explorer queries read-only", async () => {
    await expect(readOnly((client) => client.query(`DELETE FROM "SmtRawFile"`))).rejects.toThrow(
      /read-only transaction/,
    );
  });
});

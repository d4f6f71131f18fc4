import pg from "pg";
import { connectionConfig, databaseTargetFromEnv } from "~/db/connection.server";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { listModels } from "./models.server";
import { closeExplorerPool, ExplorerTimeoutError, readOnly } from "./pool.server";
import {
  conditionSql,
  decodeToken,
  encodeToken,
  pageQuery,
  queryPage,
  queryRow,
  SqlParams,
  whereSql,
  type PageResult,
} from "./query.server";
import type { ExplorerModel } from "./types";
import { parseView, type ViewState } from "./view";

let models: ExplorerModel[];
const lookup = (name: string) => models.find((m) => m.name === name);
const model = (name: string) => lookup(name)!;
const column = (modelName: string, name: string) => model(modelName).columns.find((c) => c.name === name)!;

const ESIIDS = ["10443720000000001", "10443720000000002", "1008901000000000000001"];
const INTERVALS = 20;

beforeAll(async () => {
  const client = new pg.Client(connectionConfig(databaseTargetFromEnv()));
  await client.connect();
  await client.query(`INSERT INTO "SmtRawFile" (id, sha256, filename, "sizeBytes", "storageKey", source, head)
                      VALUES (1, 'a', 'one.csv', 9223372036854775807, 'smt/one.csv', 'upload', '\\x48454c4c4f'),
                             (2, 'b', 'two.json', 12, 'smt/two.json', 'webhook', NULL)`);
  // kwh repeats (and is sometimes NULL) so paging must break ties on the primary key.
  await client.query(
    `INSERT INTO "SmtInterval" (esiid, channel, "intervalStart", kwh, estimated, "rawFileId")
     SELECT e, c::"SmtChannel", '2026-01-01'::timestamp + i * interval '15 minutes',
            CASE WHEN i % 5 = 0 THEN NULL ELSE (i % 3)::numeric + 0.1234 END, i % 4 = 0, CASE WHEN c = 'consumption' THEN 1 ELSE 2 END
       FROM unnest($1::text[]) e, unnest(ARRAY['consumption', 'generation']) c, generate_series(0, $2::int - 1) i`,
    [ESIIDS, INTERVALS],
  );
  await client.end();
  models = await listModels();
});

afterAll(closeExplorerPool);

function view(search: string, modelName = "SmtInterval"): ViewState {
  return parseView(new URLSearchParams(search), model(modelName), lookup).view;
}

async function walk(search: string, direction: "forward" | "backward", start?: PageResult): Promise<string[]> {
  const seen: string[] = [];
  let page = start ?? (await queryPage({ model: model("SmtInterval"), view: view(search), paging: "keyset", lookup }));
  for (;;) {
    const keys = page.rows.map((r) => r.pk);
    if (direction === "forward") seen.push(...keys);
    else seen.unshift(...keys);
    const cursor =
      direction === "forward" ? (page.hasNext ? page.nextCursor : null) : page.hasPrev ? page.prevCursor : null;
    if (!cursor) return seen;
    page = await queryPage({
      model: model("SmtInterval"),
      view: view(`${search}&${direction === "forward" ? "after" : "before"}=${cursor}`),
      paging: "keyset",
      lookup,
    });
  }
}

describe("model metadata", () => {
  it("lists every Prisma model with its primary key, even composite and not named id", () => {
    expect(models.map((m) => m.name)).toEqual(
      expect.arrayContaining(["IngestRun", "ErcotIngest", "AuditEvent", "SmtRawFile", "SmtInterval", "SmtBillingRead"]),
    );
    expect(model("SmtInterval").primaryKey).toEqual(["esiid", "channel", "intervalStart"]);
    expect(column("SmtInterval", "channel").enumValues).toEqual(["consumption", "generation"]);
    expect(column("SmtBillingRead", "readStart").kind).toBe("date");
    expect(column("ErcotIngest", "storageKey").masked).toBe(false);
  });

  it("finds both sides of each relation from the foreign keys", () => {
    expect(model("SmtInterval").relations).toContainEqual({
      name: "rawFile",
      targetModel: "SmtRawFile",
      kind: "toOne",
      localFields: ["rawFileId"],
      remoteFields: ["id"],
    });
    expect(model("SmtRawFile").relations).toContainEqual({
      name: "intervals",
      targetModel: "SmtInterval",
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
    const params = new SqlParams();
    const sql = [
      conditionSql(column("SmtInterval", "esiid"), { op: "contains", value: "1%_'; DROP TABLE x" }, "t", params),
      conditionSql(column("SmtInterval", "esiid"), { op: "starts", value: "1044" }, "t", params),
      conditionSql(column("SmtInterval", "kwh"), { op: "gte", value: "1.5" }, "t", params),
      conditionSql(column("SmtInterval", "intervalStart"), { op: "lt", value: "2026-01-01T06:00" }, "t", params),
      conditionSql(column("SmtInterval", "channel"), { op: "eq", value: "generation" }, "t", params),
      conditionSql(column("SmtInterval", "estimated"), { op: "eq", value: "true" }, "t", params),
      conditionSql(column("SmtInterval", "kwh"), { op: "is", value: "notnull" }, "t", params),
    ];
    expect(sql).toEqual([
      't."esiid" ILIKE $1::text',
      't."esiid" LIKE $2::text',
      't."kwh" >= $3::numeric',
      't."intervalStart" < $4::timestamp without time zone',
      't."channel" = $5::"SmtChannel"',
      't."estimated" = $6::boolean',
      't."kwh" IS NOT NULL',
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
    const sql = whereSql(model("SmtInterval"), view("rawFile.filename.contains=two"), params, lookup);
    expect(sql).toEqual([
      'EXISTS (SELECT 1 FROM "SmtRawFile" r WHERE r."id" = t."rawFileId" AND r."filename" ILIKE $1::text)',
    ]);
  });

  it("returns what each typed filter asks for", async () => {
    const count = async (search: string) => {
      let total = 0;
      for (const page of [
        await queryPage({ model: model("SmtInterval"), view: view(`${search}&size=500`), paging: "keyset", lookup }),
      ])
        total += page.rows.length;
      return total;
    };
    const all = ESIIDS.length * 2 * INTERVALS;
    expect(await count("")).toBe(all);
    expect(await count("esiid.starts=1008901")).toBe(2 * INTERVALS);
    expect(await count("esiid.contains=0000000002")).toBe(2 * INTERVALS);
    expect(await count("channel.eq=generation")).toBe(all / 2);
    expect(await count("kwh.is=null")).toBe(all / 5);
    expect(await count("kwh.gte=1&kwh.lte=1.5")).toBe(ESIIDS.length * 2 * 6); // i % 3 = 1 and i % 5 != 0
    expect(await count("estimated.eq=true")).toBe(all / 4);
    expect(await count("intervalStart.gte=2026-01-01T01:00&intervalStart.lt=2026-01-01T02:00")).toBe(
      ESIIDS.length * 2 * 4,
    );
    expect(await count("rawFile.filename.contains=TWO")).toBe(all / 2);
    expect(await count("q=8901")).toBe(2 * INTERVALS);
    expect(await count("q=%")).toBe(0); // the search text is a literal, not a pattern
  });

  it("filters a parent by its to-many children", async () => {
    const page = await queryPage({
      model: model("SmtRawFile"),
      view: view("intervals.channel.eq=generation", "SmtRawFile"),
      paging: "offset",
      lookup,
    });
    expect(page.rows.map((r) => r.cells.id)).toEqual([2]);
    expect(page.matching).toBe(1);
  });
});

describe("keyset paging", () => {
  const total = ESIIDS.length * 2 * INTERVALS;
  it.each([
    "size=7",
    "size=7&sort=kwh",
    "size=7&sort=kwh&dir=desc",
    "size=9&sort=estimated&dir=desc",
    "size=11&sort=intervalStart",
    "size=5&sort=channel&kwh.is=notnull",
  ])("walks %s forward and back with no row repeated or skipped, across duplicate sort values", async (search) => {
    const forward = await walk(search, "forward");
    const expected = search.includes("kwh.is") ? total - total / 5 : total;
    expect(forward).toHaveLength(expected);
    expect(new Set(forward).size).toBe(expected);

    let page = await queryPage({ model: model("SmtInterval"), view: view(search), paging: "keyset", lookup });
    while (page.hasNext)
      page = await queryPage({
        model: model("SmtInterval"),
        view: view(`${search}&after=${page.nextCursor}`),
        paging: "keyset",
        lookup,
      });
    expect(await walk(search, "backward", page)).toEqual(forward);
  });

  it("treats a mangled cursor as the first page and says so", async () => {
    const page = await queryPage({
      model: model("SmtInterval"),
      view: view("size=7&after=not-a-cursor"),
      paging: "keyset",
      lookup,
    });
    expect(page.problems).toEqual(["The page link no longer fits this view; showing the first page."]);
    expect(page.hasPrev).toBe(false);
  });

  it("orders NULLs last ascending and first descending, like PostgreSQL", async () => {
    const asc = await queryPage({
      model: model("SmtInterval"),
      view: view("size=500&sort=kwh"),
      paging: "keyset",
      lookup,
    });
    expect(asc.rows.at(-1)!.cells.kwh).toBeNull();
    expect(asc.rows[0].cells.kwh).toBe("0.1234");
    const desc = await queryPage({
      model: model("SmtInterval"),
      view: view("size=500&sort=kwh&dir=desc"),
      paging: "keyset",
      lookup,
    });
    expect(desc.rows[0].cells.kwh).toBeNull();
  });

  it("never reads more than one page plus one row, and never counts a large table", () => {
    const query = pageQuery({ model: model("SmtInterval"), view: view("size=50&sort=kwh"), paging: "keyset", lookup });
    expect(query.text).toMatch(
      /ORDER BY t\."kwh" ASC, t\."esiid" ASC, t\."channel" ASC, t\."intervalStart" ASC LIMIT \$\d+::int$/,
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
    const interval = await queryPage({
      model: model("SmtInterval"),
      view: view("size=2&kwh.is=notnull"),
      paging: "keyset",
      lookup,
    });
    expect(interval.rows[0].cells).toMatchObject({ kwh: "1.1234", intervalStart: "2026-01-01T00:15:00Z" });
  });

  it("links a foreign-key cell to the related row, and the row page shows both directions", async () => {
    const page = await queryPage({
      model: model("SmtInterval"),
      view: view("size=1&channel.eq=generation"),
      paging: "keyset",
      lookup,
    });
    const link = page.rows[0].links.rawFileId;
    expect(link).toEqual({ model: "SmtRawFile", pk: encodeToken(["2"]), filters: [] });

    const row = await queryRow(model("SmtInterval"), page.rows[0].pk, lookup);
    expect(decodeToken(page.rows[0].pk, 3)).toEqual(["1008901000000000000001", "generation", "2026-01-01T00:00:00Z"]);
    expect(row!.cells.channel).toBe("generation");
    expect(row!.toOne[0]).toMatchObject({
      relation: "rawFile",
      targetModel: "SmtRawFile",
      cells: expect.objectContaining({ filename: "two.json" }),
    });
    expect(
      await queryRow(model("SmtInterval"), encodeToken(["nope", "generation", "2026-01-01T00:00:00Z"]), lookup),
    ).toBeNull();
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

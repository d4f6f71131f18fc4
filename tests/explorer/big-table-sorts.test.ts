// Sorts and filters on a keyset-paged SmtIntervalDay (more rows than the exact-count limit): a sort no index serves
// is served with a notice and in the right order, the wide select list (slot arrays as JSON) is computed for one
// page only, and a file's rows come off the (rawFileId, primary key) index without a sort. Timings: bench/explorer.ts.
import pg from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { connectionConfig, databaseTargetFromEnv } from "~/db/connection.server";
import { tableView } from "~/explorer/explorer.server";
import { listModels } from "~/explorer/models.server";
import { pageQuery, queryPage } from "~/explorer/page.server";
import { closeExplorerPool, readOnly } from "~/explorer/pool.server";
import { encodeToken } from "~/explorer/token.server";
import type { ExplorerModel, PageResult } from "~/explorer/types";
import { parseView, type ViewState } from "~/explorer/view";

let models: ExplorerModel[];
const lookup = (name: string) => models.find((m) => m.name === name);
const days = () => lookup("SmtIntervalDay")!;

const METERS = 20;
const DAYS = 300; // 20 meters × 2 channels × 300 days = 12,000 rows: past the exact-count limit, so keyset paging
const PAGE = 500;

beforeAll(async () => {
  const client = new pg.Client(connectionConfig(databaseTargetFromEnv()));
  await client.connect();
  await client.query(`INSERT INTO "SmtRawFile" (id, sha256, filename, "sizeBytes", "storageKey", source)
                      SELECT n, 'sha' || n, 'file' || n || '.csv', 1, 'smt/' || n, 'upload' FROM generate_series(1, 3) n`);
  // 96 readings a day; totalKwh repeats (ties broken by the primary key) and is NULL on every 13th day.
  await client.query(
    `INSERT INTO "SmtIntervalDay" (esiid, channel, day, "dayStart", kwh, estimated, "revisionAt", "rawFileIds",
                                   "totalKwh", intervals, "rawFileId")
     SELECT '1044372' || lpad(m::text, 10, '0'), c::"SmtChannel", '2025-01-01'::date + i,
            '2025-01-01 06:00'::timestamp + i * interval '1 day', array_fill(0.25::numeric, ARRAY[96]),
            array_fill(false, ARRAY[96]), array_fill('2025-06-01'::timestamp, ARRAY[96]), array_fill(1 + m % 3, ARRAY[96]),
            CASE WHEN i % 13 = 0 THEN NULL ELSE ((m * 7 + i * 11) % 97)::numeric / 4 END, 96, 1 + m % 3
       FROM generate_series(1, $1::int) m, unnest(ARRAY['consumption', 'generation']) c,
            generate_series(0, $2::int - 1) i`,
    [METERS, DAYS],
  );
  await client.query(`ANALYZE "SmtIntervalDay"`);
  await client.end();
  models = await listModels();
});

afterAll(closeExplorerPool);

function view(search: string): ViewState {
  return parseView(new URLSearchParams(search), days(), lookup).view;
}

function page(search: string): Promise<PageResult> {
  return queryPage({ model: days(), view: view(search), paging: "keyset", lookup });
}

/** Every row key of a view through the explorer: forward to the end, then backward to the start. */
async function walkBothWays(search: string): Promise<{ forward: string[]; backward: string[] }> {
  const forward: string[] = [];
  let current = await page(search);
  for (;;) {
    forward.push(...current.rows.map((r) => r.pk));
    if (!current.hasNext) break;
    current = await page(`${search}&after=${current.nextCursor}`);
  }
  const backward: string[] = [];
  for (;;) {
    backward.unshift(...current.rows.map((r) => r.pk));
    if (!current.hasPrev) break;
    current = await page(`${search}&before=${current.prevCursor}`);
  }
  return { forward, backward };
}

/** The expected order, straight from PostgreSQL. */
async function expectedKeys(where: string, orderBy: string): Promise<string[]> {
  const { rows } = await readOnly((client) =>
    client.query<{ esiid: string; channel: string; day: string }>(
      `SELECT esiid, channel::text, day FROM "SmtIntervalDay" ${where} ORDER BY ${orderBy}`,
    ),
  );
  return rows.map((r) => encodeToken([r.esiid, r.channel, r.day]));
}

interface PlanNode {
  "Node Type": string;
  "Index Name"?: string;
  Output?: string[];
  "Actual Rows"?: number;
  "Actual Loops"?: number;
  Plans?: PlanNode[];
}

async function plan(search: string, analyze: boolean): Promise<PlanNode[]> {
  const query = pageQuery({ model: days(), view: view(search), paging: "keyset", lookup });
  const options = analyze ? "ANALYZE, VERBOSE, FORMAT JSON" : "FORMAT JSON";
  const { rows } = await readOnly((client) => client.query(`EXPLAIN (${options}) ${query.text}`, query.values));
  const nodes: PlanNode[] = [];
  const visit = (node: PlanNode) => {
    nodes.push(node);
    node.Plans?.forEach(visit);
  };
  // The explorer's pool hands json over as text.
  visit((JSON.parse(rows[0]["QUERY PLAN"] as string) as { Plan: PlanNode }[])[0].Plan);
  return nodes;
}

describe("explorer on a keyset-paged SmtIntervalDay", () => {
  it("serves a sort no index supports, says so, and pages it in order both ways", async () => {
    const table = await tableView("SmtIntervalDay", new URLSearchParams("sort=totalKwh&dir=desc"));
    if (table.kind !== "table") throw new Error(`expected a table view, got ${table.kind}`);
    expect(table.page?.paging).toBe("keyset");
    expect(table.timeout).toBeNull();
    expect(table.notices).toContain(
      "No index serves sorting by totalKwh descending, so PostgreSQL sorts every matching row: slow on a table " +
        "this size unless a filter narrows it.",
    );

    const expected = await expectedKeys("", `"totalKwh" DESC NULLS LAST, esiid DESC, channel DESC, day DESC`);
    expect(expected).toHaveLength(METERS * 2 * DAYS);
    const { forward, backward } = await walkBothWays(`sort=totalKwh&dir=desc&size=${PAGE}`);
    expect(forward).toEqual(expected);
    expect(backward).toEqual(expected);
    // The cells of a page are the rows its keys name (the page is fetched by key after the sort).
    const first = await page(`sort=totalKwh&dir=desc&size=5`);
    expect(first.rows.map((r) => r.pk)).toEqual(expected.slice(0, 5));
    expect(first.rows[0].cells.kwh).toEqual({ json: `[${Array(96).fill("0.25000").join(", ")}]` });
  });

  it("sorts an unindexed column ascending with NULLs last, filtered by an indexed column", async () => {
    const esiid = "10443720000000007";
    const expected = await expectedKeys(`WHERE esiid = '${esiid}'`, `day, esiid, channel`);
    const { forward, backward } = await walkBothWays(`sort=day&esiid.eq=${esiid}&size=${PAGE / 10}`);
    expect(forward).toEqual(expected);
    expect(backward).toEqual(expected);
  });

  it("computes the select list (slot arrays as JSON) for one page only, not for every row it sorts", async () => {
    const nodes = await plan(`sort=totalKwh&dir=desc`, true);
    const rowsOut = (node: PlanNode) => (node["Actual Rows"] ?? 0) * (node["Actual Loops"] ?? 1);
    expect(Math.max(...nodes.map(rowsOut))).toBe(METERS * 2 * DAYS); // the sort did read the whole table
    const renderingArrays = nodes.filter((node) => node.Output?.some((o) => o.includes("to_jsonb")));
    expect(renderingArrays.length).toBeGreaterThan(0);
    for (const node of renderingArrays) expect(rowsOut(node)).toBeLessThanOrEqual(51);
  });

  it("pages a file's rows off the (rawFileId, primary key) index in primary-key order, with no sort", async () => {
    const nodes = await plan(`rawFileId.eq=2`, false);
    expect(nodes.map((n) => n["Node Type"])).not.toContain("Sort");
    expect(nodes.map((n) => n["Index Name"])).toContain("SmtIntervalDay_rawFileId_esiid_channel_day_idx");

    const expected = await expectedKeys(`WHERE "rawFileId" = 2`, `esiid, channel, day`);
    const { forward, backward } = await walkBothWays(`rawFileId.eq=2&size=${PAGE}`);
    expect(forward).toEqual(expected);
    expect(backward).toEqual(expected);
  });

  it("sorts by rawFileId from the same index, with no notice", async () => {
    const table = await tableView("SmtIntervalDay", new URLSearchParams("sort=rawFileId"));
    if (table.kind !== "table") throw new Error(`expected a table view, got ${table.kind}`);
    expect(table.notices).toEqual([]);
    expect((await plan(`sort=rawFileId`, false)).map((n) => n["Node Type"])).not.toContain("Sort");
  });
});

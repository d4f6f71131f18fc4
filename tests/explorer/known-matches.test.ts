// Text predicates on SmtInterval.esiid (leads the primary key, few distinct values) are answered through the
// values they match (app/explorer/distinct.server.ts). The oracle is the plain predicate, run as SQL directly.
import pg from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { connectionConfig, databaseTargetFromEnv } from "~/db/connection.server";
import { DISTINCT_VALUE_CAP, resolveKnownMatches } from "~/explorer/distinct.server";
import { listModels } from "~/explorer/models.server";
import { countMatchingRows, pageQuery, queryPage, searchScopeFor } from "~/explorer/page.server";
import { closeExplorerPool, readOnly } from "~/explorer/pool.server";
import type { ExplorerModel, PageResult } from "~/explorer/types";
import { parseView, type ViewState } from "~/explorer/view";

let models: ExplorerModel[];
const lookup = (name: string) => models.find((m) => m.name === name);
const interval = () => lookup("SmtInterval")!;

// Mixed case and LIKE metacharacters, so ILIKE/LIKE semantics and escaping are checked, not just digits.
const ESIIDS = ["10443720000000001", "10443720000000002", "1008901000000000000001", "ab_cD%7", "AB1CD%7", "abxcd"];
const INTERVALS = 40;

beforeAll(async () => {
  const client = new pg.Client(connectionConfig(databaseTargetFromEnv()));
  await client.connect();
  await client.query(
    `INSERT INTO "SmtInterval" (esiid, channel, "intervalStart", kwh)
     SELECT e, c::"SmtChannel", '2026-01-01'::timestamp + i * interval '15 minutes',
            CASE WHEN i % 7 = 0 THEN NULL ELSE (i % 5)::numeric END
       FROM unnest($1::text[]) e, unnest(ARRAY['consumption', 'generation']) c, generate_series(0, $2::int - 1) i`,
    [ESIIDS, INTERVALS],
  );
  await client.query(`ANALYZE "SmtInterval"`);
  await client.end();
  models = await listModels();
});

afterAll(closeExplorerPool);

function view(search: string): ViewState {
  return parseView(new URLSearchParams(search), interval(), lookup).view;
}

/** Every row key of a view, page by page through the explorer (forward, then backward from the end). */
async function walkExplorer(search: string): Promise<{ forward: string[]; backward: string[] }> {
  const forward: string[] = [];
  let page: PageResult = await queryPage({ model: interval(), view: view(search), paging: "keyset", lookup });
  for (;;) {
    forward.push(...page.rows.map((r) => r.pk));
    if (!page.hasNext) break;
    page = await queryPage({
      model: interval(),
      view: view(`${search}&after=${page.nextCursor}`),
      paging: "keyset",
      lookup,
    });
  }
  const backward: string[] = [];
  for (;;) {
    backward.unshift(...page.rows.map((r) => r.pk));
    if (!page.hasPrev) break;
    page = await queryPage({
      model: interval(),
      view: view(`${search}&before=${page.prevCursor}`),
      paging: "keyset",
      lookup,
    });
  }
  return { forward, backward };
}

/** The same view with the plain predicates (no value resolution), one big page, straight from PostgreSQL. */
async function plainRows(search: string): Promise<string[]> {
  const params = new URLSearchParams(search);
  params.set("size", "500");
  const query = pageQuery({ model: interval(), view: view(params.toString()), paging: "keyset", lookup });
  const { rows } = await readOnly((client) => client.query(query.text, query.values));
  return rows.map((r) => query.decodeRow(r).pk);
}

describe("text predicates on a leading key column with few values", () => {
  it.each([
    "size=7&esiid.starts=1044",
    "size=7&esiid.starts=ab_",
    "size=7&esiid.contains=cd%25",
    "size=7&esiid.contains=CD",
    "size=7&q=0000000002",
    "size=7&q=AB",
    "size=7&q=_",
    "size=7&q=generat",
    "size=7&q=nothing-matches",
    "size=5&sort=kwh&dir=desc&esiid.starts=1",
    "size=5&sort=intervalStart&q=cd",
    "size=5&esiid.starts=1044&esiid.contains=2",
  ])("%s pages the same rows as the plain predicate, both ways", async (search) => {
    const expected = await plainRows(search);
    const { forward, backward } = await walkExplorer(search);
    expect(forward).toEqual(expected);
    expect(backward).toEqual(expected);
    const counted = await countMatchingRows({ model: interval(), view: view(search), paging: "keyset", lookup });
    expect(counted).toBe(expected.length);
  });

  it("resolves the search to the matching values and pages them by the primary key, with no sort", async () => {
    const searched = view("q=cd");
    const plan = await readOnly(async (client) => {
      const known = await resolveKnownMatches(client, interval(), searched, searchScopeFor("keyset"));
      expect([...(known?.search.get("esiid") ?? [])].sort()).toEqual(["AB1CD%7", "ab_cD%7", "abxcd"]);
      const query = pageQuery({ model: interval(), view: searched, paging: "keyset", lookup, known });
      await client.query("SET LOCAL enable_seqscan = off");
      const { rows } = await client.query(`EXPLAIN ${query.text}`, query.values);
      return rows.map((r) => r["QUERY PLAN"]).join("\n");
    });
    expect(plan).toContain("SmtInterval_pkey");
    expect(plan).not.toMatch(/Sort/);
  });

  it(`falls back to the plain predicate past ${DISTINCT_VALUE_CAP} distinct values, with the same rows`, async () => {
    const client = new pg.Client(connectionConfig(databaseTargetFromEnv()));
    await client.connect();
    await client.query(
      `INSERT INTO "SmtInterval" (esiid, channel, "intervalStart", kwh)
       SELECT '2' || lpad(i::text, 16, '0'), 'consumption', '2026-01-01', 1 FROM generate_series(1, $1::int) i`,
      [DISTINCT_VALUE_CAP],
    );
    await client.end();
    const known = await readOnly((c) => resolveKnownMatches(c, interval(), view("q=00015"), "indexed"));
    expect(known).toBeUndefined();
    const search = "size=50&q=00015";
    expect((await walkExplorer(search)).forward).toEqual(await plainRows(search));
  });
});

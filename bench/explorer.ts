// Explorer loader timings on a 1,000,000-row SmtIntervalDay (about 96 million intervals), each beside the same SQL
// run directly with pg.
//   npx tsx bench/explorer.ts [rows]     (DATABASE_URL, or the embedded cluster; seeds demo day rows up to `rows`,
//                                         default 1,000,000, when the table has fewer)
// Ratio: worst loader p95 ÷ raw p95 over the cases an index serves. Targets (issue 12): indexed p95 < 50 ms,
// global search p95 < 100 ms; unindexed sorts are served with a notice inside the 5 s statement timeout.
import { randomBytes } from "node:crypto";
import pg from "pg";
import { connectionConfig } from "../app/db/connection.server";
import { resolveDatabase } from "../scripts/lib/database";
import { pendingMigrations, runPrismaCli } from "../app/db/migrations.server";
import { seedDemo } from "../scripts/db/seed-demo";

const ROWS = parseRowsArgument(process.argv[2]);
const DEEP_ROW = Math.floor(ROWS * 0.9);
const RUNS = 50;
/** Each unindexed sort reads the whole table, so fewer runs keep the benchmark to minutes. */
const UNINDEXED_RUNS = 10;
const WARMUP = 5;

function parseRowsArgument(text: string | undefined): number {
  if (text === undefined) return 1_000_000;
  const rows = Number(text);
  if (!Number.isInteger(rows) || rows < 1000)
    throw new Error("The row count must be a whole number ≥ 1000, e.g. 200000.");
  return rows;
}

function percentile(sorted: number[], p: number) {
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))];
}

async function time(runs: number, work: () => Promise<unknown>) {
  for (let i = 0; i < WARMUP; i++) await work();
  const samples: number[] = [];
  for (let i = 0; i < runs; i++) {
    const started = performance.now();
    await work();
    samples.push(performance.now() - started);
  }
  samples.sort((a, b) => a - b);
  return { p50: percentile(samples, 50), p95: percentile(samples, 95) };
}

async function main() {
  const database = await resolveDatabase((line) => console.log(line));
  const raw = new pg.Client(connectionConfig(database, { serverSettings: "-c TimeZone=UTC" }));
  try {
    if ((await pendingMigrations(database)).length) await runPrismaCli(["migrate", "deploy"], database);
    await raw.connect();
    const {
      rows: [{ n }],
    } = await raw.query(`SELECT count(*)::int AS n FROM "SmtIntervalDay"`);
    if (n < ROWS) {
      console.log(`SmtIntervalDay has ${n} rows; seeding to ${ROWS}…`);
      await seedDemo(raw, ROWS);
    }
    // The state autovacuum leaves a table in minutes after a bulk load (visibility map set, statistics fresh):
    // index-only scans can then pick a page's keys without reading the wide day rows.
    await raw.query(`VACUUM (ANALYZE) "SmtIntervalDay"`);

    // Route modules read the environment when first used.
    process.env.DATABASE_URL = database.url;
    process.env.ADMIN_TOKEN ??= randomBytes(24).toString("base64url");
    const { startSession } = await import("../app/auth/session.server");
    const { loader } = await import("../app/routes/admin.database.$model");
    const { listModels } = await import("../app/explorer/models.server");
    const { pageQuery } = await import("../app/explorer/page.server");
    const { encodeToken } = await import("../app/explorer/token.server");
    const { parseView } = await import("../app/explorer/view");
    const { closeExplorerPool } = await import("../app/explorer/pool.server");

    const cookie = (await startSession(new Request("http://localhost/login"))).split(";")[0];

    const models = await listModels();
    const lookup = (name: string) => models.find((m) => m.name === name);
    const model = lookup("SmtIntervalDay")!;

    const {
      rows: [deep],
    } = await raw.query(
      `SELECT esiid, channel::text, to_char(day, 'YYYY-MM-DD') AS at
         FROM "SmtIntervalDay" ORDER BY esiid, channel, day OFFSET $1 LIMIT 1`,
      [DEEP_ROW],
    );
    const {
      rows: [{ rawFileId }],
    } = await raw.query(`SELECT "rawFileId" FROM "SmtIntervalDay" WHERE "rawFileId" IS NOT NULL LIMIT 1`);
    const deepCursor = encodeToken([deep.esiid, deep.channel, deep.at]);
    const esiid = deep.esiid as string;
    // Indexed: every case a btree or trigram index serves; the target is p95 < 50 ms (search < 100 ms). Text
    // predicates on esiid are answered through its matching values (distinct.server.ts); "raw pg" is the plain SQL.
    const cases: { name: string; search: string; kind: "indexed" | "search" | "unindexed" }[] = [
      { name: "first page", search: "", kind: "indexed" },
      {
        name: `deep page (row ${DEEP_ROW.toLocaleString("en-US")}, keyset)`,
        search: `after=${deepCursor}`,
        kind: "indexed",
      },
      { name: "filter esiid = (primary key)", search: `esiid.eq=${esiid}`, kind: "indexed" },
      { name: "filter esiid starts with (trigram)", search: `esiid.starts=${esiid.slice(0, 12)}`, kind: "indexed" },
      { name: "filter rawFileId = (index)", search: `rawFileId.eq=${rawFileId}`, kind: "indexed" },
      { name: "sort rawFileId (index, ties sorted)", search: "sort=rawFileId", kind: "indexed" },
      { name: "sort esiid desc (primary key)", search: "sort=esiid&dir=desc", kind: "indexed" },
      // The filter is indexed, the sort is not: every row of the meter is sorted, and the loader says so.
      {
        name: "sort totalKwh desc + filter esiid (notice)",
        search: `sort=totalKwh&dir=desc&esiid.eq=${esiid}`,
        kind: "unindexed",
      },
      { name: "global search ESIID digits", search: `q=${esiid.slice(-10)}`, kind: "search" },
      { name: "global search enum value", search: "q=generation", kind: "search" },
      { name: "sort totalKwh desc (no index; notice)", search: "sort=totalKwh&dir=desc", kind: "unindexed" },
      { name: "sort day (no index; notice)", search: "sort=day", kind: "unindexed" },
    ];

    // Every count(*) the explorer sends, to show none of them counts the whole table.
    const countQueries = new Set<string>();
    const originalQuery = pg.Client.prototype.query;
    pg.Client.prototype.query = function (this: pg.Client, ...args: unknown[]) {
      const text = typeof args[0] === "string" ? args[0] : (args[0] as { text?: string })?.text;
      if (this !== raw && text && /count\(/i.test(text)) countQueries.add(text.replace(/\s+/g, " "));
      return (originalQuery as (...a: unknown[]) => unknown).apply(this, args);
    } as typeof pg.Client.prototype.query;

    const ms = (n: number) => n.toFixed(1).padStart(7);
    const rssBefore = process.memoryUsage().rss;
    console.log(
      `\nSmtIntervalDay, ${Math.max(n, ROWS).toLocaleString("en-US")} rows; ${RUNS} requests each ` +
        `(${UNINDEXED_RUNS} for unindexed sorts) after ${WARMUP} warm-up; ms.`,
    );
    console.log("case".padEnd(40) + "loader p50    p95 | raw pg p50    p95 | rows | notice");
    const results: { kind: string; loader: { p95: number }; raw: { p95: number } }[] = [];
    for (const c of cases) {
      const url = `http://bench.local/admin/database/SmtIntervalDay?${c.search}`;
      let rowsSeen = 0;
      let notice = "";
      const runs = c.kind === "unindexed" ? UNINDEXED_RUNS : RUNS;
      const loaderTimes = await time(runs, async () => {
        const response = (await loader({
          request: new Request(url, { headers: { cookie } }),
          params: { model: "SmtIntervalDay" },
          context: {},
        })) as Response;
        const body = (await response.json()) as {
          page: { rows: unknown[] } | null;
          timeout: string | null;
          notices: string[];
        };
        if (body.timeout) throw new Error(`${c.name}: ${body.timeout}`);
        rowsSeen = body.page?.rows.length ?? 0;
        notice = body.notices.length ? "yes" : "";
      });
      const { view } = parseView(new URLSearchParams(c.search), model, lookup);
      const query = pageQuery({ model, view, paging: "keyset", lookup });
      const rawTimes = await time(runs, () => raw.query(query.text, query.values));
      results.push({ kind: c.kind, loader: loaderTimes, raw: rawTimes });
      console.log(
        c.name.padEnd(40) +
          `${ms(loaderTimes.p50)} ${ms(loaderTimes.p95)} | ${ms(rawTimes.p50)} ${ms(rawTimes.p95)} | ` +
          `${String(rowsSeen).padStart(4)} | ${notice}`,
      );
    }
    pg.Client.prototype.query = originalQuery;

    // Baseline for the search: the same SQL with the trigram index dropped inside a transaction (rolled back).
    const searchCase = cases.find((c) => c.name === "global search ESIID digits")!;
    const { view: searchView } = parseView(new URLSearchParams(searchCase.search), model, lookup);
    const searchQuery = pageQuery({ model, view: searchView, paging: "keyset", lookup });
    await raw.query("BEGIN");
    await raw.query(`DROP INDEX IF EXISTS "SmtIntervalDay_esiid_trgm_idx"`);
    const withoutIndex = await time(RUNS, () => raw.query(searchQuery.text, searchQuery.values));
    await raw.query("ROLLBACK");
    console.log(
      `${"global search ESIID digits, no trigram idx".padEnd(40)}${" ".repeat(15)} | ` +
        `${ms(withoutIndex.p50)} ${ms(withoutIndex.p95)} |`,
    );
    console.log(
      `\ncount(*) statements sent by the loader: ${countQueries.size ? [...countQueries].join("\n  ") : "none"}`,
    );
    const worst = (kind: string) => Math.max(...results.filter((r) => r.kind === kind).map((r) => r.loader.p95));
    const ratio = Math.max(...results.filter((r) => r.kind !== "unindexed").map((r) => r.loader.p95 / r.raw.p95));
    const rssGrowth = (process.memoryUsage().rss - rssBefore) / 1024 / 1024;
    console.log(
      `PERF explorer ratio=${ratio.toFixed(2)} indexed_p95_ms=${worst("indexed").toFixed(1)} ` +
        `search_p95_ms=${worst("search").toFixed(1)} search_without_trigram_p95_ms=${withoutIndex.p95.toFixed(1)} ` +
        `unindexed_sort_p95_ms=${worst("unindexed").toFixed(1)} rss_growth_mib=${rssGrowth.toFixed(1)}`,
    );
    await closeExplorerPool();
    return 0;
  } finally {
    await raw.end().catch(() => {});
    await database.stop?.();
  }
}

main().then(
  (code) => process.exit(code),
  (error) => {
    console.error(error);
    process.exit(1);
  },
);

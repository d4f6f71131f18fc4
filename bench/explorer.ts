// Explorer loader timings on a 1,000,000-row SmtInterval, each beside the same SQL run directly with pg.
//   npx tsx bench/explorer.ts            (DATABASE_URL, or the embedded cluster; seeds 1M demo rows if fewer)
import { randomBytes } from "node:crypto";
import pg from "pg";
import { connectionConfig } from "../app/db/connection.server";
import { resolveDatabase } from "../scripts/lib/database";
import { pendingMigrations, runPrismaCli } from "../app/db/migrations.server";
import { seedDemo } from "../scripts/db/seed-demo";

const ROWS = 1_000_000;
const RUNS = 50;
const WARMUP = 5;

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
    } = await raw.query(`SELECT count(*)::int AS n FROM "SmtInterval"`);
    if (n < ROWS) {
      console.log(`SmtInterval has ${n} rows; seeding to ${ROWS}…`);
      await seedDemo(raw, ROWS);
    }

    // Route modules read the environment when first used.
    process.env.DATABASE_URL = database.url;
    process.env.ADMIN_TOKEN ??= randomBytes(24).toString("base64url");
    const { sessionStorage } = await import("../app/auth/session.server");
    const { loader } = await import("../app/routes/admin.database.$model");
    const { listModels } = await import("../app/explorer/models.server");
    const { pageQuery, encodeToken } = await import("../app/explorer/query.server");
    const { parseView } = await import("../app/explorer/view");
    const { closeExplorerPool } = await import("../app/explorer/pool.server");

    const session = await sessionStorage().getSession();
    session.set("operator", true);
    session.set("signedInAt", new Date().toISOString());
    const cookie = (await sessionStorage().commitSession(session)).split(";")[0];

    const models = await listModels();
    const lookup = (name: string) => models.find((m) => m.name === name);
    const model = lookup("SmtInterval")!;

    const {
      rows: [deep],
    } = await raw.query(
      `SELECT esiid, channel::text, to_char("intervalStart", 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"') AS at FROM "SmtInterval" ORDER BY esiid, channel, "intervalStart" OFFSET 900000 LIMIT 1`,
    );
    const deepCursor = encodeToken([deep.esiid, deep.channel, deep.at]);
    const cases = [
      { name: "first page", search: "" },
      { name: "deep page (row 900,000, keyset)", search: `after=${deepCursor}` },
      { name: "sort kwh (no index) + filter esiid", search: "sort=kwh&dir=desc&esiid.eq=10443720000000007" },
      { name: "sort kwh (no index) + filter estimated", search: "sort=kwh&dir=desc&estimated.eq=true" },
      { name: "global search (text columns)", search: "q=0000000007" },
    ];

    // Every count(*) the explorer sends, to show none of them counts the whole table.
    const countQueries = new Set<string>();
    const originalQuery = pg.Client.prototype.query;
    pg.Client.prototype.query = function (this: pg.Client, ...args: unknown[]) {
      const text = typeof args[0] === "string" ? args[0] : (args[0] as { text?: string })?.text;
      if (this !== raw && text && /count\(/i.test(text)) countQueries.add(text.replace(/\s+/g, " "));
      return (originalQuery as (...a: unknown[]) => unknown).apply(this, args);
    } as typeof pg.Client.prototype.query;

    console.log(
      `\nSmtInterval, ${ROWS.toLocaleString("en-US")} rows; ${RUNS} requests each after ${WARMUP} warm-up; milliseconds.`,
    );
    console.log("case".padEnd(42) + "loader p50  p95   | raw pg p50  p95   | rows");
    for (const c of cases) {
      const url = `http://bench.local/admin/database/SmtInterval?${c.search}`;
      let rowsSeen = 0;
      const loaderTimes = await time(RUNS, async () => {
        const response = (await loader({
          request: new Request(url, { headers: { cookie } }),
          params: { model: "SmtInterval" },
          context: {},
        })) as Response;
        const body = (await response.json()) as { page: { rows: unknown[] } | null; timeout: string | null };
        if (body.timeout) throw new Error(body.timeout);
        rowsSeen = body.page?.rows.length ?? 0;
      });
      const { view } = parseView(new URLSearchParams(c.search), model, lookup);
      const query = pageQuery({ model, view, paging: "keyset", lookup });
      const rawTimes = await time(RUNS, () => raw.query(query.text, query.values));
      console.log(
        c.name.padEnd(42) +
          `${loaderTimes.p50.toFixed(1).padStart(6)} ${loaderTimes.p95.toFixed(1).padStart(6)}   | ${rawTimes.p50.toFixed(1).padStart(6)} ${rawTimes.p95.toFixed(1).padStart(6)}   | ${rowsSeen}`,
      );
    }
    pg.Client.prototype.query = originalQuery;
    console.log(
      `\ncount(*) statements sent by the loader: ${countQueries.size ? [...countQueries].join("\n  ") : "none"}`,
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

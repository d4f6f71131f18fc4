/**
 * npm run verify:reliability: runs every reliability suite in full (RELIABILITY_FULL=1), prints one table and,
 * last, the machine-readable line. Exits non-zero when a case failed or a counter is not 0.
 */
import { spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";

interface VitestJson {
  testResults: { name: string; assertionResults: { status: string; fullName: string }[] }[];
}

const results = mkdtempSync(path.join(os.tmpdir(), "reliability-"));
const report = path.join(results, "vitest.json");
spawnSync("npx", ["vitest", "run", "tests/reliability", "--reporter=json", `--outputFile=${report}`], {
  stdio: ["ignore", "ignore", "inherit"],
  env: { ...process.env, RELIABILITY_FULL: "1", RELIABILITY_RESULTS: results },
});
if (!existsSync(report)) {
  console.error("The reliability suites did not produce a report; see the output above.");
  process.exit(1);
}
const vitest = JSON.parse(readFileSync(report, "utf8")) as VitestJson;
const figuresFile = path.join(results, "figures.jsonl");
const figures = existsSync(figuresFile)
  ? readFileSync(figuresFile, "utf8")
      .trim()
      .split("\n")
      .map((line) => JSON.parse(line) as Record<string, number> & { suite: string; name: string })
  : [];
const total = (key: string) => figures.reduce((sum, figure) => sum + (Number(figure[key]) || 0), 0);

const rows = vitest.testResults.map((file) => {
  const ran = file.assertionResults.filter((test) => test.status !== "skipped" && test.status !== "pending");
  const failed = ran.filter((test) => test.status !== "passed");
  return { suite: path.basename(file.name, ".test.ts"), tried: ran.length, passed: ran.length - failed.length, failed };
});
console.log("| Suite | Cases | Passed |\n|---|---|---|");
for (const row of rows) console.log(`| ${row.suite} | ${row.tried} | ${row.passed} |`);
const counters = {
  lost: total("lost"),
  duplicated: total("duplicated"),
  orphans: total("orphans"),
  secrets: total("secrets"),
  "5xx": total("serverErrors"),
};
console.log(`\n| Rows or objects lost | Duplicates | Orphans | Secrets seen | 5xx |\n|---|---|---|---|---|`);
console.log(`| ${Object.values(counters).join(" | ")} |`);
const load = figures.filter((figure) => figure.suite === "load");
const routes = load.filter((figure) => figure.p95 !== undefined);
if (routes.length) {
  console.log("\n| Load: route | Answers | p50 ms | p95 ms | 5xx |\n|---|---|---|---|---|");
  for (const route of routes) {
    console.log(`| ${route.name} | ${route.requests} | ${route.p50} | ${route.p95} | ${route.serverErrors} |`);
  }
  const portal = load.find((figure) => figure.peakRssMib !== undefined);
  if (portal) console.log(`\nPortal peak RSS under load: ${portal.peakRssMib} MiB (bound ${portal.rssBoundMib} MiB)`);
}
const failures = rows.flatMap((row) => row.failed.map((test) => `${row.suite}: ${test.fullName}`));
if (failures.length) console.log(`\nFailed:\n${failures.map((name) => `- ${name}`).join("\n")}`);
const tried = rows.reduce((sum, row) => sum + row.tried, 0);
const passed = rows.reduce((sum, row) => sum + row.passed, 0);
console.log(
  `RELIABILITY cases=${tried} passed=${passed} ${Object.entries(counters)
    .map(([name, value]) => `${name}=${value}`)
    .join(" ")}`,
);
process.exit(failures.length === 0 && Object.values(counters).every((value) => value === 0) ? 0 : 1);

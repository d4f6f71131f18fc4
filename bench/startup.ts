// Time from `npm start` to the first 200 from /login on an already-initialised .data/,
// next to a bare `remix-serve build/index.js` (same database) as the baseline for the launcher's overhead.
//   npx tsx bench/startup.ts [--runs 5]
import { spawn, type ChildProcess } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { freePort } from "../tests/support/test-database";

const runs = Number(process.argv[process.argv.indexOf("--runs") + 1]) || 5;
const dataDir = mkdtempSync(path.join(os.tmpdir(), "portal-bench-start-"));

function cleanEnv(extra: Record<string, string> = {}) {
  const env: NodeJS.ProcessEnv = { ...process.env, PORTAL_DATA_DIR: dataDir, HOST: "127.0.0.1", ...extra };
  for (const name of ["DATABASE_URL", "ADMIN_TOKEN", "PORTAL_DATABASE_MODE", "NODE_ENV"])
    if (!(name in extra)) delete env[name];
  return env;
}

async function timeToLogin(command: string[], env: NodeJS.ProcessEnv, port: number) {
  const started = performance.now();
  const child: ChildProcess = spawn(process.execPath, command, {
    env: { ...env, PORT: String(port) },
    stdio: ["ignore", "pipe", "pipe"],
  });
  let output = "";
  child.stdout!.on("data", (c) => (output += c));
  child.stderr!.on("data", (c) => (output += c));
  for (;;) {
    if (child.exitCode !== null) throw new Error(output);
    try {
      if ((await fetch(`http://127.0.0.1:${port}/login`)).status === 200) break;
    } catch {
      // not yet
    }
    await new Promise((r) => setTimeout(r, 20));
  }
  const elapsed = performance.now() - started;
  return {
    elapsed,
    output,
    stop: () => new Promise<void>((resolve) => (child.once("exit", () => resolve()), child.kill("SIGTERM"))),
  };
}

const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)];

async function main() {
  const launcher = ["--import", "tsx", "scripts/start.ts"];
  console.log("Initialising .data/ (first start, not timed)…");
  const first = await timeToLogin(launcher, cleanEnv({}), await freePort());
  await first.stop();

  const launcherTimes: number[] = [];
  for (let i = 0; i < runs; i++) {
    const run = await timeToLogin(launcher, cleanEnv({}), await freePort());
    launcherTimes.push(run.elapsed);
    await run.stop();
  }

  // Baseline: remix-serve alone against the same (already running) embedded cluster.
  const holder = await timeToLogin(launcher, cleanEnv({}), await freePort());
  const databasePort = holder.output.match(/@127\.0\.0\.1:(\d+)\/portal/)![1];
  const password = readFileSync(path.join(dataDir, "postgres-password"), "utf8").trim();
  const token = readFileSync(path.join(dataDir, "admin-token"), "utf8").trim();
  const bareEnv = cleanEnv({
    DATABASE_URL: `postgresql://postgres:${encodeURIComponent(password)}@127.0.0.1:${databasePort}/portal`,
    ADMIN_TOKEN: token,
    NODE_ENV: "production",
  });
  const bareTimes: number[] = [];
  for (let i = 0; i < runs; i++) {
    const run = await timeToLogin(
      ["node_modules/@remix-run/serve/dist/cli.js", "build/index.js"],
      bareEnv,
      await freePort(),
    );
    bareTimes.push(run.elapsed);
    await run.stop();
  }
  await holder.stop();
  rmSync(dataDir, { recursive: true, force: true });

  const row = (label: string, times: number[]) =>
    console.log(
      `${label.padEnd(44)} median ${(median(times) / 1000).toFixed(2)} s   min ${(Math.min(...times) / 1000).toFixed(2)} s   max ${(Math.max(...times) / 1000).toFixed(2)} s`,
    );
  console.log(`\nTime to first 200 from /login, ${runs} runs each (target: npm start under 3 s)`);
  row("npm start (embedded PostgreSQL, initialised)", launcherTimes);
  row("baseline: bare remix-serve build/index.js", bareTimes);
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});

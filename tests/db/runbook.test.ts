import { spawnSync } from "node:child_process";
import { readFile } from "node:fs/promises";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { migrationNames, MIGRATIONS_DIR } from "~/db/migrations.server";
import { connectedClient } from "../support/database-client";

const client = connectedClient();

function npmRun(script: string, ...args: string[]) {
  const result = spawnSync("npm", ["run", "--silent", script, "--", ...args], {
    env: { ...process.env, NODE_ENV: "production" },
    encoding: "utf8",
  });
  return { code: result.status, output: `${result.stdout}\n${result.stderr}` };
}

describe("the recovery runbook", () => {
  it("can apply every migration again over an existing schema (they are re-runnable)", async () => {
    for (const name of await migrationNames()) {
      const sql = await readFile(path.join(MIGRATIONS_DIR, name, "migration.sql"), "utf8");
      await expect(client().query(sql), name).resolves.toBeDefined();
    }
  });

  it("marks a failed migration rolled back and deploys it again (db:resolve --rolled-back, db:migrate)", async () => {
    const [, failedName] = await migrationNames();
    // What a migration that died halfway leaves behind: a started row without finished_at.
    await client().query(`UPDATE _prisma_migrations SET finished_at = NULL, logs = 'boom' WHERE migration_name = $1`, [
      failedName,
    ]);
    const status = npmRun("db:status");
    expect(status.code).not.toBe(0);
    expect(status.output).toContain(failedName);

    const resolve = npmRun("db:resolve", "--rolled-back", failedName);
    expect(resolve.output).toContain(`Migration ${failedName} marked as rolled back`);
    expect(resolve.code).toBe(0);
    const { rows } = await client().query(
      `SELECT rolled_back_at FROM _prisma_migrations WHERE migration_name = $1 AND finished_at IS NULL`,
      [failedName],
    );
    expect(rows[0].rolled_back_at).not.toBeNull();

    const deploy = npmRun("db:migrate");
    expect(deploy.code, deploy.output).toBe(0);
    const applied = await client().query(
      `SELECT count(*)::int AS n FROM _prisma_migrations WHERE migration_name = $1 AND finished_at IS NOT NULL`,
      [failedName],
    );
    expect(applied.rows[0].n).toBe(1);
    expect(npmRun("db:status").code).toBe(0);
  }, 120_000);

  it("refuses to roll back a migration that did not fail, with Prisma's P3012 explanation", () => {
    const [first] = ["20261127000000_init"];
    const result = npmRun("db:resolve", "--rolled-back", first);
    expect(result.code).toBe(1);
    expect(result.output).toContain("not in a failed state (P3012)");
  });

  it("explains its usage when the flag is missing", () => {
    const result = npmRun("db:resolve", "20261127000000_init");
    expect(result.code).toBe(2);
    expect(result.output).toContain("--applied <migration> | --rolled-back <migration>");
  });
});

import { spawnSync } from "node:child_process";
import { createHash } from "node:crypto";
import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import pg from "pg";
import { connectionConfig, databaseTargetFromEnv } from "~/db/connection.server";
import { afterAll, beforeAll, describe, expect, it } from "vitest";

const MIGRATION = "20261127000200_add_smt_billing_read";
const tsxCli = createRequire(import.meta.url).resolve("tsx/cli");

let client: pg.Client;
beforeAll(async () => {
  client = new pg.Client(connectionConfig(databaseTargetFromEnv()));
  await client.connect();
});
afterAll(async () => {
  await client?.end();
});

function run(script: string, args: string[] = []) {
  const result = spawnSync(process.execPath, [tsxCli, script, ...args], { encoding: "utf8", env: process.env });
  return { code: result.status, output: `${result.stdout}${result.stderr}` };
}

const records = async () =>
  (
    await client.query<{ checksum: string; finished_at: Date | null; rolled_back_at: Date | null }>(
      `SELECT checksum, finished_at, rolled_back_at FROM _prisma_migrations WHERE migration_name = $1 ORDER BY started_at`,
      [MIGRATION],
    )
  ).rows;
const tableExists = async () =>
  (await client.query(`SELECT to_regclass('"SmtBillingRead"') AS name`)).rows[0].name !== null;

describe("npm run db:apply-smt-billing", () => {
  it("does nothing when the table exists and the migration is recorded", async () => {
    const before = await records();
    const result = run("scripts/db/apply-smt-billing.ts");
    expect(result.code, result.output).toBe(0);
    expect(result.output).toContain("nothing to do");
    expect(await records()).toEqual(before);
  });

  it("creates the missing table and records the migration as Prisma would, so migrate deploy is content", async () => {
    await client.query(`DROP TABLE "SmtBillingRead"`);
    await client.query(`DELETE FROM _prisma_migrations WHERE migration_name = $1`, [MIGRATION]);

    const result = run("scripts/db/apply-smt-billing.ts");
    expect(result.code, result.output).toBe(0);
    expect(result.output).toContain("Created SmtBillingRead");
    expect(await tableExists()).toBe(true);
    const recorded = await records();
    expect(recorded).toHaveLength(1);
    // Same checksum rule as Prisma's: compare with what migrate deploy wrote for the first migration.
    const init = (
      await client.query(`SELECT checksum FROM _prisma_migrations WHERE migration_name = '20261127000000_init'`)
    ).rows[0];
    expect(init.checksum).toBe(
      createHash("sha256").update(readFileSync("prisma/migrations/20261127000000_init/migration.sql")).digest("hex"),
    );
    expect(recorded[0].checksum).toBe(
      createHash("sha256")
        .update(readFileSync(`prisma/migrations/${MIGRATION}/migration.sql`))
        .digest("hex"),
    );

    const status = run("scripts/db/run.ts", ["status"]);
    expect(status.code, status.output).toBe(0);
    expect(status.output).toMatch(/Database schema is up to date/);
    const deploy = run("scripts/db/run.ts", ["migrate"]);
    expect(deploy.code, deploy.output).toBe(0);
    expect(deploy.output).toMatch(/No pending migrations to apply/);
    expect(await records()).toHaveLength(1);
  }, 120_000);

  it("recovers from a failed attempt: table kept, failure marked rolled back, migration recorded", async () => {
    await client.query(`DELETE FROM _prisma_migrations WHERE migration_name = $1`, [MIGRATION]);
    await client.query(
      `INSERT INTO _prisma_migrations (id, checksum, migration_name, started_at, applied_steps_count, logs)
       VALUES ('00000000-0000-0000-0000-000000000001', 'x', $1, now() - interval '1 hour', 0, 'connection lost')`,
      [MIGRATION],
    );
    const result = run("scripts/db/apply-smt-billing.ts");
    expect(result.code, result.output).toBe(0);
    expect(result.output).toContain("already exists; its table is left as it is");
    expect(result.output).toContain("rolled back");
    const recorded = await records();
    expect(recorded.map((record) => [Boolean(record.finished_at), Boolean(record.rolled_back_at)])).toEqual([
      [false, true],
      [true, false],
    ]);
    const status = run("scripts/db/run.ts", ["status"]);
    expect(status.code, status.output).toBe(0);
  }, 120_000);
});

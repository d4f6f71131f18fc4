import { spawn } from "node:child_process";
import { readdir } from "node:fs/promises";
import { createRequire } from "node:module";
import path from "node:path";
import pg from "pg";

export const MIGRATIONS_DIR = path.resolve("prisma/migrations");

export async function migrationNames(): Promise<string[]> {
  const entries = await readdir(MIGRATIONS_DIR, { withFileTypes: true });
  return entries
    .filter((entry) => entry.isDirectory())
    .map((entry) => entry.name)
    .sort();
}

export interface MigrationRecord {
  migration_name: string;
  finished_at: Date | null;
  rolled_back_at: Date | null;
}

export async function withClient<T>(databaseUrl: string, work: (client: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString: databaseUrl });
  await client.connect();
  try {
    return await work(client);
  } finally {
    await client.end();
  }
}

export async function migrationRecords(client: pg.Client): Promise<MigrationRecord[]> {
  const {
    rows: [table],
  } = await client.query(`SELECT to_regclass('public._prisma_migrations') AS name`);
  if (!table.name) return [];
  const { rows } = await client.query<MigrationRecord>(
    `SELECT migration_name, finished_at, rolled_back_at FROM _prisma_migrations ORDER BY started_at`,
  );
  return rows;
}

/** Migrations on disk not yet successfully applied: a cheap check so start-up skips the schema engine. */
export async function pendingMigrations(databaseUrl: string): Promise<string[]> {
  const applied = await withClient(
    databaseUrl,
    async (client) =>
      new Set(
        (await migrationRecords(client)).filter((r) => r.finished_at && !r.rolled_back_at).map((r) => r.migration_name),
      ),
  );
  return (await migrationNames()).filter((name) => !applied.has(name));
}

/** Runs the Prisma CLI (JS schema engine via prisma.config.ts) with DATABASE_URL set. */
export function runPrismaCli(args: string[], databaseUrl: string): Promise<number> {
  const cli = createRequire(import.meta.url).resolve("prisma/build/index.js");
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [cli, ...args], {
      stdio: "inherit",
      env: { ...process.env, DATABASE_URL: databaseUrl, PRISMA_HIDE_UPDATE_MESSAGE: "1" },
    });
    child.on("error", reject);
    child.on("exit", (code) => resolve(code ?? 1));
  });
}

export class MigrationStateError extends Error {}

/**
 * `prisma migrate resolve --rolled-back` needs the native engine in 6.19; this does the same bookkeeping:
 * a failed migration (started, not finished) is marked rolled back, so `migrate deploy` retries it.
 */
export async function markRolledBack(databaseUrl: string, migrationName: string) {
  if (!(await migrationNames()).includes(migrationName)) {
    throw new MigrationStateError(`Migration ${migrationName} is not in prisma/migrations.`);
  }
  return withClient(databaseUrl, async (client) => {
    const failed = (await migrationRecords(client)).filter(
      (r) => r.migration_name === migrationName && !r.finished_at && !r.rolled_back_at,
    );
    if (failed.length === 0) {
      throw new MigrationStateError(
        `Migration ${migrationName} cannot be rolled back because it is not in a failed state (P3012). ` +
          `Check it with npm run db:status.`,
      );
    }
    await client.query(
      `UPDATE _prisma_migrations SET rolled_back_at = now() WHERE migration_name = $1 AND finished_at IS NULL AND rolled_back_at IS NULL`,
      [migrationName],
    );
    return failed.length;
  });
}

import { spawn } from "node:child_process";
import { readdir } from "node:fs/promises";
import { Transform } from "node:stream";
import { createRequire } from "node:module";
import path from "node:path";
import type pg from "pg";
import { type DatabaseTarget, ensureSchema, withClient } from "./connection.server";

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

/** Our migration history: `_prisma_migrations` in our schema, never another application's in `public`. */
export async function migrationRecords(client: pg.Client, schema: string): Promise<MigrationRecord[]> {
  const {
    rows: [table],
  } = await client.query(`SELECT to_regclass(format('%I._prisma_migrations', $1::text)) AS name`, [schema]);
  if (!table.name) return [];
  const { rows } = await client.query<MigrationRecord>(
    `SELECT migration_name, finished_at, rolled_back_at FROM "${schema}"._prisma_migrations ORDER BY started_at`,
  );
  return rows;
}

/** Migrations on disk not yet successfully applied: a cheap check so start-up skips the schema engine. */
export async function pendingMigrations(target: DatabaseTarget): Promise<string[]> {
  const applied = await withClient(
    target,
    async (client) =>
      new Set(
        (await migrationRecords(client, target.schema))
          .filter((r) => r.finished_at && !r.rolled_back_at)
          .map((r) => r.migration_name),
      ),
  );
  return (await migrationNames()).filter((name) => !applied.has(name));
}

// Prisma 6.19 requires a datasource url in schema.prisma (without one the CLI downloads the native query engine),
// then warns on every migrate command that it is unused because prisma.config.ts supplies the adapter. It is
// unused by design: drop exactly that notice so it does not read like an error (docs/decisions/006-db-prisma-url-warning.md).
const UNUSED_URL_NOTICE =
  /\n?WARNING: Your schema specifies the following datasource properties but you are using a Driver Adapter[\s\S]*?avoid confusion if you are only using driver adapters\.\n/;

/** Copies the CLI's output without the unused-url notice (it arrives in one write, so one chunk). */
function withoutUnusedUrlNotice() {
  return new Transform({
    transform(chunk: Buffer, _encoding, done) {
      done(null, chunk.toString("utf8").replace(UNUSED_URL_NOTICE, ""));
    },
  });
}

/**
 * Runs the Prisma CLI (JS schema engine via prisma.config.ts) on the target's schema, which is created first:
 * otherwise the migrations' unqualified CREATEs would land in the next schema on the search_path.
 */
export async function runPrismaCli(args: string[], target: DatabaseTarget): Promise<number> {
  await ensureSchema(target);
  const cli = createRequire(import.meta.url).resolve("prisma/build/index.js");
  // `schema` in the URL only labels the CLI's "Datasource" line; connections take the schema from DATABASE_SCHEMA.
  const labelled = new URL(target.url);
  labelled.searchParams.set("schema", target.schema);
  const env = { ...process.env, DATABASE_URL: labelled.toString(), DATABASE_SCHEMA: target.schema };
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [cli, ...args], {
      stdio: ["inherit", "pipe", "inherit"],
      env: { ...env, PRISMA_HIDE_UPDATE_MESSAGE: "1" },
    });
    child.stdout.pipe(withoutUnusedUrlNotice()).pipe(process.stdout, { end: false });
    child.on("error", reject);
    child.on("exit", (code) => resolve(code ?? 1));
  });
}

export class MigrationStateError extends Error {}

/**
 * `prisma migrate resolve --rolled-back` needs the native engine in 6.19; this does the same bookkeeping:
 * a failed migration (started, not finished) is marked rolled back, so `migrate deploy` retries it.
 */
export async function markRolledBack(target: DatabaseTarget, migrationName: string) {
  if (!(await migrationNames()).includes(migrationName)) {
    throw new MigrationStateError(`Migration ${migrationName} is not in prisma/migrations.`);
  }
  return withClient(target, async (client) => {
    const failed = (await migrationRecords(client, target.schema)).filter(
      (r) => r.migration_name === migrationName && !r.finished_at && !r.rolled_back_at,
    );
    if (failed.length === 0) {
      throw new MigrationStateError(
        `Migration ${migrationName} cannot be rolled back because it is not in a failed state (P3012). ` +
          `Check it with npm run db:status.`,
      );
    }
    await client.query(
      `UPDATE "${target.schema}"._prisma_migrations SET rolled_back_at = now() WHERE migration_name = $1 AND finished_at IS NULL AND rolled_back_at IS NULL`,
      [migrationName],
    );
    return failed.length;
  });
}

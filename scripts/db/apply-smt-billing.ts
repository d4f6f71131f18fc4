// npm run db:apply-smt-billing — the ops checklist's fix for "The table `public.SmtBillingRead` does not exist".
// Applies prisma/migrations/20261127000200_add_smt_billing_read by itself and records it in _prisma_migrations the
// way `prisma migrate deploy` does (same checksum, a finished row, failed attempts marked rolled back), so a later
// `npm run db:migrate` neither re-applies it nor stops on P3009. With the table already there it changes nothing.
// Works with DATABASE_URL, or on the embedded PostgreSQL when it is unset (like scripts/db/run.ts).
import { createHash, randomUUID } from "node:crypto";
import { readFile } from "node:fs/promises";
import path from "node:path";
import { withClient } from "../../app/db/connection.server";
import { migrationRecords } from "../../app/db/migrations.server";
import { resolveDatabase } from "../lib/database";

const MIGRATION = "20261127000200_add_smt_billing_read";
/** The advisory lock key `prisma migrate` takes, so this never runs alongside it. */
const PRISMA_MIGRATE_LOCK = 72707369;

// Prisma's own DDL for the bookkeeping table (in our schema, never another application's), for a database that was never migrated by Prisma.
const migrationsTable = (schema: string) => `CREATE TABLE IF NOT EXISTS "${schema}"."_prisma_migrations" (
    "id" VARCHAR(36) PRIMARY KEY NOT NULL,
    "checksum" VARCHAR(64) NOT NULL,
    "finished_at" TIMESTAMPTZ,
    "migration_name" VARCHAR(255) NOT NULL,
    "logs" TEXT,
    "rolled_back_at" TIMESTAMPTZ,
    "started_at" TIMESTAMPTZ NOT NULL DEFAULT now(),
    "applied_steps_count" INTEGER NOT NULL DEFAULT 0
)`;

async function main(): Promise<number> {
  const sql = await readFile(path.resolve("prisma/migrations", MIGRATION, "migration.sql"), "utf8");
  // Prisma's checksum is the SHA-256 of the migration file as written.
  const checksum = createHash("sha256").update(sql).digest("hex");
  const database = await resolveDatabase((line) => console.log(line));
  try {
    return await withClient(database, async (client) => {
      await client.query("SELECT pg_advisory_lock($1)", [PRISMA_MIGRATE_LOCK]);
      try {
        const { rows } = await client.query<{ billing: string | null; rawFile: string | null }>(
          `SELECT to_regclass(format('%I."SmtBillingRead"', $1::text)) AS billing,
                  to_regclass(format('%I."SmtRawFile"', $1::text)) AS "rawFile"`,
          [database.schema],
        );
        if (!rows[0].rawFile) {
          console.error(
            "SmtRawFile does not exist, so this database is missing earlier migrations too. Run npm run db:migrate instead.",
          );
          return 1;
        }
        const records = (await migrationRecords(client, database.schema)).filter(
          (record) => record.migration_name === MIGRATION,
        );
        const applied = records.some((record) => record.finished_at && !record.rolled_back_at);
        const failed = records.some((record) => !record.finished_at && !record.rolled_back_at);

        if (rows[0].billing && applied && !failed) {
          console.log(`SmtBillingRead exists and ${MIGRATION} is recorded as applied; nothing to do.`);
          return 0;
        }

        await client.query("BEGIN");
        try {
          if (rows[0].billing) {
            console.log("SmtBillingRead already exists; its table is left as it is.");
          } else {
            // Every statement in the migration is guarded (IF NOT EXISTS / pg_constraint check).
            await client.query(sql);
            console.log("Created SmtBillingRead with its indexes and foreign key.");
          }
          await client.query(migrationsTable(database.schema));
          if (failed) {
            await client.query(
              `UPDATE "${database.schema}"."_prisma_migrations" SET rolled_back_at = now()
               WHERE migration_name = $1 AND finished_at IS NULL AND rolled_back_at IS NULL`,
              [MIGRATION],
            );
            console.log(`Marked the failed attempt of ${MIGRATION} as rolled back.`);
          }
          if (!applied) {
            await client.query(
              `INSERT INTO "${database.schema}"."_prisma_migrations" (id, checksum, migration_name, started_at, finished_at, applied_steps_count)
               VALUES ($1, $2, $3, now(), now(), 1)`,
              [randomUUID(), checksum, MIGRATION],
            );
            console.log(`Recorded ${MIGRATION} as applied; npm run db:migrate will not apply it again.`);
          }
          await client.query("COMMIT");
        } catch (error) {
          await client.query("ROLLBACK");
          throw error;
        }
        return 0;
      } finally {
        await client.query("SELECT pg_advisory_unlock($1)", [PRISMA_MIGRATE_LOCK]);
      }
    });
  } catch (error) {
    console.error(
      `The SmtBillingRead migration could not be applied: ${error instanceof Error ? error.message.split("\n")[0] : error}`,
    );
    return 1;
  } finally {
    await database.stop?.();
  }
}

main().then((code) => process.exit(code));

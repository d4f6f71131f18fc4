// npm run import:legacy — brings the old portal's history (its tables in `public` of the same database) into ours.
// Reads the old tables only; idempotent and resumable; prints progress, counts, and every row it could not map.
// Exit 0: everything mapped. Exit 2: finished, some rows listed as not mapped. Exit 1: it could not run.
import { openClient, withClient } from "../../app/db/connection.server";
import { pendingMigrations } from "../../app/db/migrations.server";
import { assertShapes } from "../../app/db/shape.server";
import { EnvError } from "../../app/env/env.server";
import { storage } from "../../app/storage/index.server";
import { resolveDatabase } from "../lib/database";
import { importPremiseIndex } from "./legacy/premises";
import { importRawFiles } from "./legacy/raw-files";
import {
  ERCOT_INGEST,
  runStep,
  SMT_BILLING_READ,
  SMT_INTERVAL_DAY,
  type StepCounts,
  type Unmapped,
} from "./legacy/tables";

const log = (line: string) => console.log(`[import:legacy] ${line}`);

async function main(): Promise<number> {
  const database = await resolveDatabase(log);
  Object.assign(process.env, { DATABASE_URL: database.url, PORTAL_DATABASE_MODE: database.mode });
  try {
    const pending = await pendingMigrations(database);
    if (pending.length) {
      console.error(`Migrations are pending (${pending.join(", ")}): run npm run db:migrate (or npm start) first.`);
      return 1;
    }
    await assertShapes(database);
    const present = await withClient(database, async (client) => {
      const { rows } = await client.query<{ name: string }>(
        `SELECT c.relname AS name FROM pg_class c WHERE c.relnamespace = 'public'::regnamespace AND c.relkind = 'r'`,
      );
      return new Set(rows.map((row) => row.name));
    });
    const counts: StepCounts[] = [];
    const unmapped: Unmapped[] = [];
    const reader = await openClient(database, { applicationName: "import-legacy-reader" });
    const writer = await openClient(database, { applicationName: "import-legacy" });
    try {
      // One consistent, read-only view of the old tables for the streamed file contents.
      await reader.query("BEGIN ISOLATION LEVEL REPEATABLE READ, READ ONLY");
      const steps = [
        { old: "ErcotIngest", run: () => runStep(writer, ERCOT_INGEST) },
        { old: "raw_smt_files", run: () => importRawFiles(reader, writer, storage(), log) },
        { old: "SmtInterval", run: () => runStep(writer, SMT_INTERVAL_DAY) },
        { old: "SmtBillingRead", run: () => runStep(writer, SMT_BILLING_READ) },
        { old: "ErcotEsiidIndex", run: () => importPremiseIndex(reader, writer, log) },
      ];
      for (const step of steps) {
        if (!present.has(step.old)) {
          log(`public."${step.old}" does not exist: skipped.`);
          continue;
        }
        log(`Importing public."${step.old}"…`);
        const result = await step.run();
        counts.push(result.counts);
        unmapped.push(...result.unmapped);
        const c = result.counts;
        log(`${c.table}: ${c.read} read, ${c.inserted} new, ${c.alreadyThere} already there, ${c.unmapped} not mapped`);
      }
      await reader.query("COMMIT");
    } finally {
      await Promise.allSettled([reader.end(), writer.end()]);
    }
    for (const row of unmapped) console.log(`  not mapped: ${row.table} from old id ${row.id}: ${row.reason}`);
    console.table(counts);
    if (unmapped.length) {
      log(`Finished. ${unmapped.length} row(s) could not be mapped (listed above); everything else is imported.`);
      return 2;
    }
    log("Finished. Every row is imported.");
    return 0;
  } catch (error) {
    console.error(
      error instanceof EnvError
        ? error.message
        : `import:legacy failed (run it again to resume): ${error instanceof Error ? error.message : error}`,
    );
    return 1;
  } finally {
    await database.stop?.();
  }
}

main().then((code) => process.exit(code));

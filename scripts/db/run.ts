// Runbook commands that work with or without DATABASE_URL (embedded PostgreSQL is started or reused).
//   npm run db:migrate | db:status | db:resolve -- --applied|--rolled-back <migration>
import { markRolledBack, MigrationStateError, runPrismaCli } from "../../app/db/migrations.server";
import { shapeProblems } from "../../app/db/shape.server";
import { resolveDatabase } from "../lib/database";

const USAGE = "Usage: npm run db:resolve -- --applied <migration> | --rolled-back <migration>";

async function main() {
  const [command, ...args] = process.argv.slice(2);
  const database = await resolveDatabase((line) => console.log(line));
  try {
    switch (command) {
      case "migrate":
        return await runPrismaCli(["migrate", "deploy"], database);
      case "status": {
        const code = await runPrismaCli(["migrate", "status"], database);
        const problems = await shapeProblems(database);
        for (const problem of problems) console.error(problem);
        if (!problems.length)
          console.log(`Every table in schema "${database.schema}" has the shape its migrations define.`);
        return problems.length ? 1 : code;
      }
      case "resolve": {
        const [flag, migration] = args;
        if (!migration || (flag !== "--applied" && flag !== "--rolled-back")) {
          console.error(USAGE);
          return 2;
        }
        if (flag === "--applied") return await runPrismaCli(["migrate", "resolve", "--applied", migration], database);
        await markRolledBack(database, migration);
        console.log(
          `Migration ${migration} marked as rolled back. Fix it to be re-runnable, then run npm run db:migrate.`,
        );
        return 0;
      }
      default:
        console.error("Usage: tsx scripts/db/run.ts migrate|status|resolve");
        return 2;
    }
  } catch (error) {
    console.error(
      error instanceof MigrationStateError
        ? error.message
        : `Failed: ${error instanceof Error ? error.message : error}`,
    );
    return 1;
  } finally {
    await database.stop?.();
  }
}

main().then((code) => process.exit(code));

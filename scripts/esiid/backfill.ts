// npm run esiid:backfill [-- --all] — applies every stored ERCOT extract not yet applied to the ESIID premise
// tables, in publish order per TDSP; --all applies every stored file again (the result is the same by design).
// Works with DATABASE_URL, or on the embedded PostgreSQL when it is unset (like scripts/db/run.ts).
import { resolveDatabase } from "../lib/database";

async function main(): Promise<number> {
  const reprocess = process.argv.includes("--all");
  const database = await resolveDatabase((line) => console.log(line));
  process.env.DATABASE_URL = database.url;
  try {
    const { processStoredExtracts } = await import("../../app/esiid/process.server");
    const { disconnectDb } = await import("../../app/db/prisma.server");
    const outcome = await processStoredExtracts({ wait: true, reprocess });
    await disconnectDb();
    if (outcome.busy) return 1;
    for (const file of outcome.files) {
      console.log(
        `${file.tdsp} ${file.kind ?? "?"} DocID ${file.docId}: ${file.status}, ${file.rows} rows, ${file.changes} changes` +
          (file.message ? ` — ${file.message}` : ""),
      );
    }
    const failed = outcome.files.filter((file) => file.status === "failed").length;
    console.log(
      outcome.files.length === 0
        ? "Nothing to apply: every stored extract is already applied."
        : `${outcome.files.length} files processed, ${failed} failed.`,
    );
    return failed ? 1 : 0;
  } finally {
    await database.stop?.();
  }
}

main().then(
  (code) => process.exit(code),
  (error: unknown) => {
    console.error(`ESIID backfill stopped: ${error instanceof Error ? error.message.split("\n")[0] : error}`);
    process.exit(1);
  },
);

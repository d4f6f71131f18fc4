/**
 * A run in its own process, for the killed-run test: it prints the run id once the run holds the lock,
 * then keeps going until the test kills it. Env: DATABASE_URL, ERCOT_PAGE_URL, PORTAL_DATA_DIR, ERCOT_RUN_LEASE_SECONDS.
 */
import { beginIngest } from "~/ercot/ingest.server";

const start = await beginIngest({ trigger: "manual" });
if (start.running) {
  console.log(JSON.stringify({ running: true, runId: start.runId }));
  process.exit(1);
}
console.log(JSON.stringify({ started: true, runId: start.runId }));
const outcome = await start.done;
console.log(JSON.stringify({ finished: true, status: outcome.status }));
process.exit(0);

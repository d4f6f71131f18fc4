import type { ActionFunctionArgs, LoaderFunctionArgs } from "@remix-run/node";
import { json } from "@remix-run/node";
import { runAlertChecksSafely } from "~/alerts/run.server";
import { cronAuthorized, cronUnauthorized } from "~/ercot/cron.server";
import { guardSecret } from "~/auth/throttle.server";
import { beginIngest } from "~/ercot/ingest.server";
import { processAfterErcotStore } from "~/esiid/process.server";

/** Serverless hosts may freeze the process after the answer: give queued notices this long to go out. */
const NOTICE_WAIT_MS = 15_000;

/** GET or POST runs the ERCOT ingest (ops checklist); a ping during a run answers at once with its id. */
async function handle(request: Request) {
  if (!(await guardSecret(request, "cron", () => cronAuthorized(request)))) return cronUnauthorized();
  const start = await beginIngest({ trigger: "cron", afterFileStored: processAfterErcotStore });
  if (start.running) {
    void runAlertChecksSafely();
    return json({ ok: true, running: true, runId: start.runId }, { headers: { "Cache-Control": "no-store" } });
  }
  const outcome = await start.done;
  // After the run, so the checks see its outcome; the ingest itself never waits on a notice.
  await runAlertChecksSafely(NOTICE_WAIT_MS);
  const ok = outcome.status === "succeeded";
  // Non-2xx on a failed or partial run, so managed cron dashboards flag it.
  return json(
    {
      ok,
      runId: outcome.runId,
      status: outcome.status,
      results: outcome.summary.results,
      ...(outcome.error ? { error: outcome.error } : {}),
    },
    { status: ok ? 200 : 502, headers: { "Cache-Control": "no-store" } },
  );
}

export const loader = ({ request }: LoaderFunctionArgs) => handle(request);
export const action = ({ request }: ActionFunctionArgs) => handle(request);

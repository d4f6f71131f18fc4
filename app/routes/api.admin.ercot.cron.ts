import type { ActionFunctionArgs, LoaderFunctionArgs } from "@remix-run/node";
import { json } from "@remix-run/node";
import { runAlertChecksSafely } from "~/alerts/run.server";
import { cronAuthorized, cronUnauthorized } from "~/ercot/cron.server";
import { guardSecret } from "~/auth/throttle.server";
import { beginIngest } from "~/ercot/ingest.server";
import { parseTdspFilter } from "~/ercot/tdsp-filter";
import { processAfterErcotStore } from "~/esiid/process.server";

/** Serverless hosts may freeze the process after the answer: give queued notices this long to go out. */
const NOTICE_WAIT_MS = 15_000;

const noStore = { "Cache-Control": "no-store" };

/**
 * GET or POST runs the ERCOT ingest (ops checklist); a ping during a run answers at once with its id.
 * `?tdsp=ONCOR_ELEC,CENTERPOINT` limits the run to those TDSPs (one lock for all invocations).
 */
async function handle(request: Request) {
  if (!(await guardSecret(request, "cron", () => cronAuthorized(request)))) return cronUnauthorized();
  const filter = parseTdspFilter(new URL(request.url).searchParams.get("tdsp"));
  if (!filter.ok) return json({ ok: false, error: filter.error }, { status: 400, headers: noStore });
  const start = await beginIngest({ trigger: "cron", tdsps: filter.tdsps, afterFileStored: processAfterErcotStore });
  if (start.running) {
    void runAlertChecksSafely();
    // A run going for longer than its deadline is hung: non-2xx, so managed cron flags it.
    if (start.overdue)
      return json(
        { ok: false, running: true, runId: start.runId, error: start.overdue },
        { status: 503, headers: noStore },
      );
    return json({ ok: true, running: true, runId: start.runId }, { headers: noStore });
  }
  const outcome = await start.done;
  // After the run, so the checks see its outcome; the ingest itself never waits on a notice.
  await runAlertChecksSafely(NOTICE_WAIT_MS);
  const ok = outcome.status === "succeeded" || outcome.status === "warning";
  const { summary } = outcome;
  // Non-2xx on a failed or partial run, so managed cron dashboards flag it.
  return json(
    {
      ok,
      runId: outcome.runId,
      status: outcome.status,
      ...(summary.tdsps ? { tdsps: summary.tdsps } : {}),
      backfilled: summary.results.filter((result) => "backfilled" in result && result.backfilled).length,
      deferred: summary.deferred,
      dropped: summary.dropped,
      ...(summary.warnings.length ? { warnings: summary.warnings } : {}),
      results: summary.results,
      ...(outcome.error ? { error: outcome.error } : {}),
    },
    { status: ok ? 200 : 502, headers: noStore },
  );
}

export const loader = ({ request }: LoaderFunctionArgs) => handle(request);
export const action = ({ request }: ActionFunctionArgs) => handle(request);

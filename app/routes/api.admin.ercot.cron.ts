import type { ActionFunctionArgs, LoaderFunctionArgs } from "@remix-run/node";
import { json } from "@remix-run/node";
import { cronAuthorized, cronUnauthorized } from "~/ercot/cron.server";
import { beginIngest } from "~/ercot/ingest.server";
import { parseTdspFilter } from "~/ercot/tdsp-filter";

const noStore = { "Cache-Control": "no-store" };

/**
 * GET or POST runs the ERCOT ingest (ops checklist); a ping during a run answers at once with its id.
 * `?tdsp=ONCOR_ELEC,CENTERPOINT` limits the run to those TDSPs (one lock for all invocations).
 */
async function handle(request: Request) {
  if (!cronAuthorized(request)) return cronUnauthorized();
  const filter = parseTdspFilter(new URL(request.url).searchParams.get("tdsp"));
  if (!filter.ok) return json({ ok: false, error: filter.error }, { status: 400, headers: noStore });
  const start = await beginIngest({ trigger: "cron", tdsps: filter.tdsps });
  if (start.running) return json({ ok: true, running: true, runId: start.runId }, { headers: noStore });
  const outcome = await start.done;
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

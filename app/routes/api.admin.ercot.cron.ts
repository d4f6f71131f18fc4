import type { ActionFunctionArgs, LoaderFunctionArgs } from "@remix-run/node";
import { json } from "@remix-run/node";
import { cronAuthorized, cronUnauthorized } from "~/ercot/cron.server";
import { beginIngest } from "~/ercot/ingest.server";
import { processAfterErcotStore } from "~/esiid/process.server";

/** GET or POST runs the ERCOT ingest (ops checklist); a ping during a run answers at once with its id. */
async function handle(request: Request) {
  if (!cronAuthorized(request)) return cronUnauthorized();
  const start = await beginIngest({ trigger: "cron", afterFileStored: processAfterErcotStore });
  if (start.running)
    return json({ ok: true, running: true, runId: start.runId }, { headers: { "Cache-Control": "no-store" } });
  const outcome = await start.done;
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

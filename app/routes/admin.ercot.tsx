import type { ActionFunctionArgs, LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { json } from "@remix-run/node";
import { Outlet, useLoaderData } from "@remix-run/react";
import { useCallback, useState } from "react";
import { recordAudit } from "~/audit/audit.server";
import { requireOperator } from "~/auth/operator.server";
import { ErcotRunTable } from "~/components/ErcotRunTable";
import { SCHEDULE_BADGE } from "~/components/ercot-format";
import { Time } from "~/components/Time";
import { formatDailyTime } from "~/format/time";
import { RunNowButton } from "~/components/RunNowButton";
import { beginIngest } from "~/ercot/ingest.server";
import { listRuns, scheduleStatus } from "~/ercot/runs.server";
import { processAfterErcotStore } from "~/esiid/process.server";
import { parseTdspFilter } from "~/ercot/tdsp-filter";

export const meta: MetaFunction = () => [{ title: "ERCOT ingest · Operator portal" }];

export async function loader({ request }: LoaderFunctionArgs) {
  await requireOperator(request);
  const [runs, schedule] = await Promise.all([listRuns(50), scheduleStatus()]);
  return json({ runs, active: runs.find((run) => run.status === "running") ?? null, schedule });
}

/** Run now: starts the run in the background and answers with its id at once. */
export async function action({ request }: ActionFunctionArgs) {
  const operator = await requireOperator(request);
  const form = await request.formData();
  if (form.get("intent") !== "run") return json({ ok: false, error: "Unknown action." }, { status: 400 });
  const tdsp = form.get("tdsp");
  const filter = parseTdspFilter(typeof tdsp === "string" ? tdsp : new URL(request.url).searchParams.get("tdsp"));
  if (!filter.ok) return json({ ok: false, error: filter.error }, { status: 400 });
  const start = await beginIngest({ trigger: "manual", tdsps: filter.tdsps, afterFileStored: processAfterErcotStore });
  if (start.running) {
    return json(
      { ok: false, runId: start.runId, error: `Run #${start.runId ?? "?"} is already going; wait for it to finish.` },
      { status: 409 },
    );
  }
  void start.done.then((outcome) => {
    if (outcome.status !== "succeeded") console.error(`ERCOT run ${outcome.runId} ${outcome.status}: ${outcome.error}`);
  });
  await recordAudit({
    actor: operator.actor,
    action: "ercot.run",
    target: `IngestRun:${start.runId}`,
    details: { trigger: "manual", tdsps: filter.tdsps },
  });
  return json({ ok: true, runId: start.runId });
}

export default function ErcotIngest() {
  const { runs, active, schedule } = useLoaderData<typeof loader>();
  const [finishedRunId, setFinishedRunId] = useState<number | null>(null);
  const onFinished = useCallback((runId: number) => setFinishedRunId(runId), []);
  return (
    <>
      <h1>ERCOT ingest</h1>
      <section className="card ercot-head" aria-label="Schedule status">
        <div className="row">
          <span className={`badge ${SCHEDULE_BADGE[schedule.state]}`} data-schedule-state={schedule.state}>
            {schedule.state}
          </span>
          <span>{schedule.message}</span>
        </div>
        <p className="muted">
          Daily at {formatDailyTime(12)} with a {formatDailyTime(14)} catch-up; next due{" "}
          <Time value={schedule.nextDueAt} />. TDSP ESIID Extract files are stored under{" "}
          <span className="mono">ercot/YYYY-MM-DD/</span> by their Central publish date.
        </p>
        <RunNowButton active={active} runs={runs} onFinished={onFinished} />
      </section>
      <Outlet />
      <h2 className="ercot-section">History</h2>
      <ErcotRunTable runs={runs} highlightId={finishedRunId} />
    </>
  );
}

import type { LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { json } from "@remix-run/node";
import { Link, useLoaderData } from "@remix-run/react";
import { requireOperator } from "~/auth/operator.server";
import { RUN_STATUS_BADGE, SCHEDULE_BADGE } from "~/components/ercot-format";
import { HealthPanel, HealthPanelIndex } from "~/components/HealthPanel";
import { Time } from "~/components/Time";
import { formatBytes } from "~/format/bytes";
import { collectHealth } from "~/health/health.server";
import { lastRun, scheduleStatus } from "~/ercot/runs.server";

export const meta: MetaFunction = () => [{ title: "Dashboard · Operator portal" }];

/** The last ERCOT run and the missed-run state; null when the database cannot say (the panels explain why). */
async function ercotOverview() {
  try {
    const [run, schedule] = await Promise.all([lastRun(), scheduleStatus()]);
    return { run, schedule };
  } catch {
    return null;
  }
}

export async function loader({ request }: LoaderFunctionArgs) {
  await requireOperator(request);
  const [health, ercot] = await Promise.all([collectHealth(), ercotOverview()]);
  return json({ health, ercot });
}

export default function Dashboard() {
  const { health, ercot } = useLoaderData<typeof loader>();
  return (
    <>
      <h1>Dashboard</h1>
      <p className="muted">
        Checked <Time value={health.checkedAt} /> · machine-readable at{" "}
        <a href="/api/admin/health">/api/admin/health</a>
      </p>
      {ercot ? (
        <section className="card ercot-overview" aria-labelledby="ercot-overview-title" data-panel="ercot-ingest">
          <div className="row">
            <h2 id="ercot-overview-title" style={{ fontSize: "1.05rem", margin: 0 }}>
              ERCOT daily ingest
            </h2>
            <span
              className={`badge ${SCHEDULE_BADGE[ercot.schedule.state]}`}
              data-schedule-state={ercot.schedule.state}
            >
              {ercot.schedule.state}
            </span>
          </div>
          <p style={{ margin: ".4rem 0" }}>{ercot.schedule.message}</p>
          {ercot.run ? (
            <p className="muted">
              Last run <Link to={`/admin/ercot/${ercot.run.id}`}>#{ercot.run.id}</Link> ({ercot.run.trigger}){" "}
              <span className={`badge ${RUN_STATUS_BADGE[ercot.run.status]}`}>{ercot.run.status}</span> started{" "}
              <Time value={ercot.run.startedAt} />
              {ercot.run.summary
                ? ` · ${ercot.run.summary.stored} stored, ${ercot.run.summary.skipped} skipped, ${ercot.run.summary.failed} failed · ${formatBytes(ercot.run.bytes)}`
                : null}
            </p>
          ) : (
            <p className="muted">No run yet.</p>
          )}
          <Link to="/admin/ercot">Run history and Run now →</Link>
        </section>
      ) : null}
      <HealthPanelIndex panels={health.panels} />
      <div className="grid">
        {health.panels.map((panel) => (
          <HealthPanel key={panel.id} panel={panel} />
        ))}
      </div>
    </>
  );
}

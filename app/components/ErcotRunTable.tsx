import { Link } from "@remix-run/react";
import { TableScroll } from "~/components/TableScroll";
import type { RunView } from "~/ercot/run-record";
import { formatBytes } from "~/format/bytes";
import { formatDuration, RUN_STATUS_BADGE } from "./ercot-format";
import { Time } from "./Time";

/** Run history: trigger, duration, files and bytes, the source used (and what it fell back from), errors. */
export function ErcotRunTable({ runs, highlightId }: { runs: RunView[]; highlightId?: number | null }) {
  if (runs.length === 0) return <p className="muted">No run yet. Press Run now, or wait for the schedule.</p>;
  return (
    <TableScroll>
      <table className="data ercot-runs" aria-label="Run history">
        <thead>
          <tr>
            <th>Run</th>
            <th>Trigger</th>
            <th>Status</th>
            <th>Started</th>
            <th>Duration</th>
            <th>Files</th>
            <th>Bytes</th>
            <th>Source</th>
            <th>Error</th>
          </tr>
        </thead>
        <tbody>
          {runs.map((run) => {
            const fellBack =
              run.summary?.attempts.filter((attempt) => attempt.error).map((attempt) => attempt.source) ?? [];
            return (
              <tr
                key={run.id}
                data-run-id={run.id}
                data-status={run.status}
                className={run.id === highlightId ? "highlight" : undefined}
                aria-current={run.id === highlightId ? "true" : undefined}
              >
                <td>
                  <Link to={`/admin/ercot/${run.id}`}>#{run.id}</Link>
                </td>
                <td>{run.trigger}</td>
                <td>
                  <span className={`badge ${RUN_STATUS_BADGE[run.status]}`}>{run.status}</span>
                </td>
                <td className="mono">
                  <Time value={run.startedAt} />
                </td>
                <td>{run.status === "running" ? "running…" : formatDuration(run.durationMs)}</td>
                <td>
                  {run.summary ? (
                    <>
                      {run.summary.stored} stored · {run.summary.skipped} skipped
                      {run.summary.failed ? <span className="error-text"> · {run.summary.failed} failed</span> : null}
                    </>
                  ) : run.progress ? (
                    `${run.progress.filesDone} of ${run.progress.filesTotal}`
                  ) : (
                    "—"
                  )}
                </td>
                <td>{formatBytes(run.bytes)}</td>
                <td>
                  {run.source ?? "—"}
                  {fellBack.length > 0 ? <div className="muted">after {fellBack.join(", ")} failed</div> : null}
                </td>
                <td className="ercot-error">{run.error ?? ""}</td>
              </tr>
            );
          })}
        </tbody>
      </table>
    </TableScroll>
  );
}

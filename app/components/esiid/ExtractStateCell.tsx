import type { ExtractFileState } from "~/esiid/types";

const BADGE: Record<string, string> = { applied: "ok", skipped: "off", failed: "error" };

/** How a stored ERCOT file was applied to the premise tables, beside its download on the run page. */
export function ExtractStateCell({ state, stored }: { state: ExtractFileState | null; stored: boolean }) {
  if (!stored) return <span className="muted">—</span>;
  if (!state) return <span className="badge off">pending</span>;
  return (
    <div data-extract-status={state.status}>
      <span className={`badge ${BADGE[state.status] ?? "off"}`}>{state.status}</span>
      {state.status === "applied" ? (
        <div className="muted">
          {state.kind} · {state.layout ?? "?"} columns · {state.rows.toLocaleString("en-US")} rows ·{" "}
          {state.changes.toLocaleString("en-US")} changes
        </div>
      ) : null}
      {state.message ? <div className={state.status === "failed" ? "error-text" : "muted"}>{state.message}</div> : null}
    </div>
  );
}

import type { HealthPanel as Panel } from "~/env/health.server";

export function HealthPanel({ panel }: { panel: Panel }) {
  return (
    <section className="card" aria-labelledby={`panel-${panel.id}`} data-panel={panel.id}>
      <div className="row" style={{ justifyContent: "space-between" }}>
        <h2 id={`panel-${panel.id}`} style={{ fontSize: "1.05rem", margin: 0 }}>
          {panel.title}
        </h2>
        <span className={`badge ${panel.status}`} data-status={panel.status}>
          {panel.status}
        </span>
      </div>
      <p style={{ margin: ".4rem 0" }}>
        <strong>Mode:</strong> {panel.mode}
      </p>
      {panel.detail ? <p className="muted">{panel.detail}</p> : null}
      <table className="vars">
        <tbody>
          {panel.variables.map((variable) => (
            <tr key={variable.name}>
              <td className="mono">{variable.name}</td>
              <td>
                <span className={`badge ${variable.state}`}>{variable.state}</span>
              </td>
              <td className="mono">
                {variable.display}
                {variable.note ? <div className="muted">{variable.note}</div> : null}
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </section>
  );
}

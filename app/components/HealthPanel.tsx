import type { CertificateSummary, HealthPanel as Panel, VariableState } from "~/health/types";
import { countOf } from "~/format/count";
import { Time } from "./Time";

function Certificates({ certificates }: { certificates: CertificateSummary[] }) {
  return (
    <ul className="certificates">
      {certificates.map((certificate, index) => (
        <li key={index} data-certificate>
          <span className="cert-field">Subject</span> <span className="mono">{certificate.subject}</span>
          <br />
          <span className="cert-field">Issuer</span> <span className="mono">{certificate.issuer}</span>
          <br />
          <span className="cert-field">Expires</span> <Time value={certificate.expiresAt} precision="minute" />
          {certificate.expired ? <span className="badge error">expired</span> : null}
        </li>
      ))}
    </ul>
  );
}

function Variable({ variable }: { variable: VariableState }) {
  return (
    <li className="variable" data-variable={variable.name}>
      <div className="variable-head">
        <span className="mono variable-name">{variable.name}</span>
        <span className={`badge ${variable.state}`}>{variable.state}</span>
      </div>
      {variable.display ? <div className="mono variable-value">{variable.display}</div> : null}
      {variable.certificates ? <Certificates certificates={variable.certificates} /> : null}
      {variable.note ? <div className="muted variable-value">{variable.note}</div> : null}
    </li>
  );
}

/** The panel in one sentence, for screen readers: its status, mode and the variables that need attention. */
function panelSummary(panel: Panel): string {
  const attention = panel.variables.filter((variable) => variable.state === "missing" || variable.state === "invalid");
  return (
    `Status ${panel.status}. Mode: ${panel.mode}. ${countOf(panel.variables.length, "variable")}` +
    (attention.length
      ? `; needing attention: ${attention.map((variable) => `${variable.name} (${variable.state})`).join(", ")}.`
      : ".")
  );
}

/** One subsystem's state. Long values wrap inside the panel; certificates read as subject, issuer and expiry. */
export function HealthPanel({ panel }: { panel: Panel }) {
  return (
    <section
      className="card health-panel"
      id={`panel-${panel.id}`}
      // In the Tab order, so a keyboard user reads each panel's state as a mouse user sees it.
      // eslint-disable-next-line jsx-a11y/no-noninteractive-tabindex
      tabIndex={0}
      aria-labelledby={`panel-${panel.id}-title`}
      aria-describedby={`panel-${panel.id}-summary`}
      data-panel={panel.id}
    >
      <p id={`panel-${panel.id}-summary`} className="visually-hidden">
        {panelSummary(panel)}
      </p>
      <div className="row panel-head">
        <h2 id={`panel-${panel.id}-title`}>{panel.title}</h2>
        <span className={`badge ${panel.status}`} data-status={panel.status}>
          {panel.status}
        </span>
      </div>
      <p className="panel-mode">
        <strong>Mode:</strong> {panel.mode}
      </p>
      {panel.detail ? <p className="muted">{panel.detail}</p> : null}
      <ul className="variables">
        {panel.variables.map((variable) => (
          <Variable key={variable.name} variable={variable} />
        ))}
      </ul>
    </section>
  );
}

/** Keyboard route to every panel: one link each, focus moves into the panel. */
export function HealthPanelIndex({ panels }: { panels: Panel[] }) {
  return (
    <nav aria-label="Health panels" className="panel-index">
      {panels.map((panel) => (
        <a key={panel.id} href={`#panel-${panel.id}`}>
          {panel.title} <span className={`badge ${panel.status}`}>{panel.status}</span>
        </a>
      ))}
    </nav>
  );
}

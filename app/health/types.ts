/** Shapes of the dashboard and /api/admin/health (browser-safe: components import these). */

export type PanelStatus = "ok" | "warn" | "error" | "off";

export interface CertificateSummary {
  subject: string;
  issuer: string;
  /** ISO instant of notAfter. */
  expiresAt: string;
  expired: boolean;
}

export interface VariableState {
  name: string;
  state: "set" | "missing" | "invalid" | "default";
  /** Masked for secrets; the value itself otherwise; a short summary for certificates (never PEM text). */
  display: string;
  note?: string;
  /** For certificate variables: what the certificate says, in place of its PEM text. */
  certificates?: CertificateSummary[];
}

export type PanelId =
  | "database"
  | "storage"
  | "ercot-ews"
  | "ercot-api"
  | "ercot-scrape"
  | "cron"
  | "smt-webhook"
  | "alerts";

export interface HealthPanel {
  id: PanelId;
  title: string;
  status: PanelStatus;
  mode: string;
  detail?: string;
  variables: VariableState[];
}

export interface HealthReport {
  ok: boolean;
  checkedAt: string;
  panels: HealthPanel[];
}

/** Alert vocabulary shared by the server modules and the /admin/alerts page. */
export type AlertState = "ok" | "warn" | "alert";

export const CHECKS = {
  "ercot-late": "ERCOT daily run late",
  "ercot-run-failed": "ERCOT run failed or partial",
  "ercot-run-stuck": "ERCOT run stuck",
  "smt-silent": "SMT droplet silent",
  "smt-file-failed": "SMT file failed",
  storage: "Storage reachable",
  database: "Database reachable",
  "ercot-certificate": "ERCOT certificate expiry",
  "sign-in-throttle": "Sign-in attacks",
} as const;

export type CheckId = keyof typeof CHECKS;

export const CHECK_IDS = Object.keys(CHECKS) as CheckId[];

export interface CheckResult {
  id: CheckId;
  state: AlertState;
  /** A sentence for the operator: what is wrong (or fine), and what to do next. */
  summary: string;
}

/** What a notification says, whatever the channel. */
export interface AlertNotice {
  kind: "raised" | "recovered" | "test";
  checkId: CheckId | null;
  state: AlertState;
  title: string;
  summary: string;
  incidentId: number | null;
  at: string;
}

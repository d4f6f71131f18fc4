/** Display helpers for /admin/alerts (browser-safe). */
export const ALERT_STATE_BADGE: Record<string, string> = { ok: "ok", warn: "warn", alert: "error" };
export const DELIVERY_STATUS_BADGE: Record<string, string> = { delivered: "ok", pending: "warn", failed: "error" };

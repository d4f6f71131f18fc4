/** Display helpers shared by the ERCOT pages (browser-safe). */

export function formatDuration(ms: number | null): string {
  if (ms === null) return "—";
  if (ms < 1000) return `${ms} ms`;
  const seconds = Math.round(ms / 1000);
  if (seconds < 60) return `${seconds} s`;
  return `${Math.floor(seconds / 60)} min ${seconds % 60} s`;
}

export const RUN_STATUS_BADGE: Record<string, string> = {
  running: "warn",
  succeeded: "ok",
  warning: "warn",
  partial: "warn",
  failed: "error",
  abandoned: "off",
};

export const SCHEDULE_BADGE: Record<string, string> = { up: "ok", late: "warn", down: "error" };

/** Display helpers shared by the ERCOT pages (browser-safe). */

export function formatBytes(bytes: number | null | undefined): string {
  if (bytes === null || bytes === undefined) return "—";
  if (bytes < 1024) return `${bytes} B`;
  const units = ["KiB", "MiB", "GiB", "TiB"];
  let value = bytes / 1024;
  let unit = 0;
  while (value >= 1024 && unit < units.length - 1) {
    value /= 1024;
    unit++;
  }
  return `${value.toFixed(value < 10 ? 2 : 1)} ${units[unit]}`;
}

export function formatDuration(ms: number | null): string {
  if (ms === null) return "—";
  if (ms < 1000) return `${ms} ms`;
  const seconds = Math.round(ms / 1000);
  if (seconds < 60) return `${seconds} s`;
  return `${Math.floor(seconds / 60)} min ${seconds % 60} s`;
}

export function formatInstant(iso: string | null): string {
  if (!iso) return "—";
  return `${iso.replace("T", " ").slice(0, 19)} UTC`;
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

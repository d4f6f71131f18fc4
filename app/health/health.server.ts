import { db } from "~/db/prisma.server";
import { getEnv } from "~/env/env.server";
import { lastRun, scheduleStatus } from "~/ercot/runs.server";
import { formatCentralWithUtc, formatDailyTime } from "~/format/time";
import { storage } from "~/storage/index.server";
import { ercotPanels } from "./ercot-panels.server";
import type { HealthPanel, HealthReport, PanelStatus } from "./types";
import { describeVariables, probe, reason, worstOf } from "./variables.server";

async function databasePanel(): Promise<HealthPanel> {
  const env = getEnv();
  const variables = describeVariables(["DATABASE_URL"]);
  const mode = env.databaseMode === "embedded" ? "embedded PostgreSQL (.data/postgres)" : "external PostgreSQL";
  try {
    const [row] = await probe(
      db().$queryRaw<{ version: string }[]>`SELECT current_setting('server_version') AS version`,
      "PostgreSQL",
    );
    return {
      id: "database",
      title: "Database",
      status: "ok",
      mode,
      detail: `PostgreSQL ${row.version} reachable`,
      variables,
    };
  } catch (error) {
    return {
      id: "database",
      title: "Database",
      status: "error",
      mode,
      detail: `Unreachable: ${reason(error)}`,
      variables,
    };
  }
}

async function storagePanel(): Promise<HealthPanel> {
  const variables = describeVariables(
    ["S3_ENDPOINT", "S3_REGION", "S3_BUCKET", "S3_ACCESS_KEY_ID", "S3_SECRET_ACCESS_KEY", "S3_FORCE_PATH_STYLE"],
    { S3_REGION: "us-east-1", S3_FORCE_PATH_STYLE: "true" },
  );
  try {
    const store = storage();
    await probe(store.head("health/probe"), "Storage");
    return {
      id: "storage",
      title: "Storage",
      status: worstOf(variables, "ok"),
      mode: store.description,
      detail: "Reachable",
      variables,
    };
  } catch (error) {
    return {
      id: "storage",
      title: "Storage",
      status: "error",
      mode: getEnv().storage.driver === "s3" ? "S3-compatible storage" : "local storage",
      detail: `Unreachable: ${reason(error)}`,
      variables,
    };
  }
}

/** Schedule settings plus the last run and the missed-run state (up → ok, late → warn, down → error once a run has ever succeeded). */
async function cronPanel(): Promise<HealthPanel> {
  const env = getEnv();
  const variables = describeVariables(["CRON_SECRET", "ERCOT_SCHEDULE_ENABLED"], {
    ERCOT_SCHEDULE_ENABLED: env.ercot.scheduleEnabled ? "true (embedded default)" : "false",
  });
  const mode = env.ercot.scheduleEnabled
    ? `embedded scheduler, daily ${formatDailyTime(12)} (catch-up ${formatDailyTime(14)})`
    : "external scheduler";
  let status: PanelStatus = env.cronSecret ? "ok" : env.ercot.scheduleEnabled ? "warn" : "error";
  const notes = [
    env.cronSecret
      ? "External pings must send Authorization: Bearer <CRON_SECRET>."
      : "CRON_SECRET is not set: external cron pings are refused.",
  ];
  try {
    const [schedule, last] = await probe(Promise.all([scheduleStatus(), lastRun()]), "PostgreSQL");
    const scheduleHealth: PanelStatus =
      schedule.state === "up" ? "ok" : schedule.state === "late" || schedule.lastSuccessAt === null ? "warn" : "error";
    status = [status, scheduleHealth].includes("error")
      ? "error"
      : [status, scheduleHealth].includes("warn")
        ? "warn"
        : "ok";
    notes.unshift(
      `Schedule ${schedule.state}: ${schedule.message}`,
      last
        ? `Last run #${last.id} (${last.trigger}) ${last.status}, started ${formatCentralWithUtc(last.startedAt, { precision: "minute" })}.`
        : "No run yet.",
    );
  } catch (error) {
    notes.unshift(`Run history unavailable: ${reason(error)}`);
  }
  return { id: "cron", title: "Cron", status: worstOf(variables, status), mode, detail: notes.join(" "), variables };
}

function smtPanel(): HealthPanel {
  const variables = describeVariables(["INTELLIWATT_WEBHOOK_SECRET"]);
  const configured = Boolean(getEnv().smt.webhookSecret);
  return {
    id: "smt-webhook",
    title: "SMT webhook",
    status: worstOf(variables, configured ? "ok" : "warn"),
    mode: configured ? "accepting droplet posts with the webhook secret" : "accepting the operator token only",
    detail: configured
      ? "POST /api/admin/smt/pull with x-intelliwatt-secret, x-smt-secret or x-webhook-secret; x-admin-token is refused."
      : "No webhook secret: POST /api/admin/smt/pull accepts only x-admin-token (ADMIN_TOKEN). Set INTELLIWATT_WEBHOOK_SECRET.",
    variables,
  };
}

/** Alert channels and the metrics token (docs/observability.md); secrets masked like every panel's. */
function alertsPanel(): HealthPanel {
  const { alerts, metricsToken } = getEnv();
  const variables = describeVariables(
    [
      "ALERT_WEBHOOK_URL",
      "ALERT_WEBHOOK_SECRET",
      "SMTP_URL",
      "ALERT_EMAIL_TO",
      "ALERT_EMAIL_FROM",
      "ALERT_ERCOT_GRACE_MINUTES",
      "ALERT_RUN_STUCK_MINUTES",
      "ALERT_SMT_SILENT_HOURS",
      "METRICS_TOKEN",
    ],
    {
      ALERT_EMAIL_FROM: "portal-alerts@localhost",
      ALERT_ERCOT_GRACE_MINUTES: "60",
      ALERT_RUN_STUCK_MINUTES: "90",
      ALERT_SMT_SILENT_HOURS: "26",
    },
  );
  const channels = [alerts.webhook ? "webhook" : null, alerts.email ? "email" : null].filter(Boolean);
  return {
    id: "alerts",
    title: "Alerts and metrics",
    status: worstOf(variables, channels.length ? "ok" : "warn"),
    mode: channels.length ? `notifying by ${channels.join(" and ")}` : "no notification channel",
    detail:
      (channels.length
        ? "Incidents and recoveries are sent to the channels above; see /admin/alerts."
        : "Set ALERT_WEBHOOK_URL + ALERT_WEBHOOK_SECRET or SMTP_URL + ALERT_EMAIL_TO so failures reach you.") +
      (metricsToken ? " /metrics accepts the bearer METRICS_TOKEN." : " /metrics is open to operator sessions only."),
    variables,
  };
}

export async function collectHealth(): Promise<HealthReport> {
  const panels = [
    await databasePanel(),
    await storagePanel(),
    ...ercotPanels(),
    await cronPanel(),
    smtPanel(),
    alertsPanel(),
  ];
  return { ok: panels.every((panel) => panel.status !== "error"), checkedAt: new Date().toISOString(), panels };
}

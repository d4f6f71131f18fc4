import { maskSecret } from "~/auth/secrets.server";
import { maskDatabaseUrl } from "~/db/embedded.server";
import { db } from "~/db/prisma.server";
import { lastRun, scheduleStatus } from "~/ercot/runs.server";
import { storage } from "~/storage/index.server";
import { ALIASES, ERCOT_DEFAULTS, SECRET_VARIABLES, getEnv, inspectEnv } from "./env.server";

export type PanelStatus = "ok" | "warn" | "error" | "off";

export interface VariableState {
  name: string;
  state: "set" | "missing" | "invalid" | "default";
  /** Masked for secrets; the value itself otherwise. */
  display: string;
  note?: string;
}

export interface HealthPanel {
  id: "database" | "storage" | "ercot-ews" | "ercot-api" | "ercot-scrape" | "cron" | "smt-webhook" | "alerts";
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

const PROBE_TIMEOUT_MS = 3000;

function describeVariables(names: string[], defaults: Record<string, string> = {}): VariableState[] {
  const { values, aliasUsed, invalid } = inspectEnv();
  return names.map((name) => {
    const value = values[name]?.trim();
    const note = aliasUsed[name]
      ? `from ${aliasUsed[name]}`
      : ALIASES[name]
        ? `alias ${ALIASES[name].join(", ")}`
        : undefined;
    if (invalid.has(name))
      return {
        name,
        state: "invalid",
        display: value && !SECRET_VARIABLES.has(name) ? value : "",
        note: invalid.get(name),
      };
    if (!value) {
      return defaults[name]
        ? { name, state: "default", display: defaults[name], note }
        : { name, state: "missing", display: "", note };
    }
    if (name === "DATABASE_URL") return { name, state: "set", display: maskDatabaseUrl(value), note };
    return { name, state: "set", display: SECRET_VARIABLES.has(name) ? maskSecret(value) : value, note };
  });
}

function worstOf(variables: VariableState[], fallback: PanelStatus): PanelStatus {
  return variables.some((v) => v.state === "invalid") ? "error" : fallback;
}

async function withTimeout<T>(work: Promise<T>, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(
      () => reject(new Error(`${what} did not answer within ${PROBE_TIMEOUT_MS / 1000} s`)),
      PROBE_TIMEOUT_MS,
    );
  });
  try {
    return await Promise.race([work, timeout]);
  } finally {
    clearTimeout(timer);
  }
}

function reason(error: unknown) {
  const message = error instanceof Error ? error.message : String(error);
  // Driver errors can echo the connection string; never show it.
  return message
    .replace(/postgres(ql)?:\/\/[^\s"']+/g, (url) => maskDatabaseUrl(url))
    .split("\n")[0]
    .slice(0, 300);
}

async function databasePanel(): Promise<HealthPanel> {
  const env = getEnv();
  const variables = describeVariables(["DATABASE_URL"]);
  const mode = env.databaseMode === "embedded" ? "embedded PostgreSQL (.data/postgres)" : "external PostgreSQL";
  try {
    const [row] = await withTimeout(
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
    await withTimeout(store.head("health/probe"), "Storage");
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

function ercotPanels(): HealthPanel[] {
  const env = getEnv();
  const ews = describeVariables(
    [
      "ERCOT_EWS_BASE",
      "ERCOT_EWS_REPORTTYPE",
      "ERCOT_EWS_PFX",
      "ERCOT_EWS_PFX_PASS",
      "ERCOT_EWS_CERT",
      "ERCOT_EWS_KEY",
      "ERCOT_EWS_CA",
    ],
    { ERCOT_EWS_REPORTTYPE: ERCOT_DEFAULTS.ERCOT_EWS_REPORTTYPE },
  );
  const ewsConfigured = Boolean(
    env.ercot.ews.baseUrl && (env.ercot.ews.pfxBase64 || (env.ercot.ews.certPem && env.ercot.ews.keyPem)),
  );
  const api = describeVariables(
    [
      "ERCOT_SUBSCRIPTION_KEY",
      "ERCOT_USERNAME",
      "ERCOT_PASSWORD",
      "ERCOT_TOKEN_URL",
      "ERCOT_CLIENT_ID",
      "ERCOT_SCOPE",
      "ERCOT_PRODUCT_ID",
    ],
    ERCOT_DEFAULTS,
  );
  const apiConfigured = Boolean(env.ercot.api.subscriptionKey && env.ercot.api.username && env.ercot.api.password);
  const scrape = describeVariables(["ERCOT_PAGE_URL"], ERCOT_DEFAULTS);
  const preferred = ewsConfigured ? "EWS preferred" : apiConfigured ? "Public API preferred" : "scraping only";
  return [
    {
      id: "ercot-ews",
      title: "ERCOT EWS (mutual TLS)",
      status: worstOf(ews, ewsConfigured ? "ok" : "off"),
      mode: ewsConfigured ? "EWS preferred" : "not configured",
      detail: ewsConfigured
        ? "Used first; falls back to the Public API, then scraping."
        : "Set ERCOT_EWS_BASE and a certificate (PFX or PEM) to enable.",
      variables: ews,
    },
    {
      id: "ercot-api",
      title: "ERCOT Public API",
      status: worstOf(api, apiConfigured ? "ok" : "off"),
      mode: apiConfigured ? (ewsConfigured ? "fallback after EWS" : "Public API preferred") : "not configured",
      detail: apiConfigured
        ? "A fresh id_token is requested on every run."
        : "Set ERCOT_SUBSCRIPTION_KEY, ERCOT_USERNAME and ERCOT_PASSWORD to enable.",
      variables: api,
    },
    {
      id: "ercot-scrape",
      title: "ERCOT scraping",
      status: worstOf(scrape, ewsConfigured || apiConfigured ? "ok" : "warn"),
      mode: ewsConfigured || apiConfigured ? "last-resort fallback" : preferred,
      detail: "Product page → MIS document list → mirDownload. No credentials needed.",
      variables: scrape,
    },
  ];
}

/** Schedule settings plus the last run and the missed-run state (up → ok, late → warn, down → error once a run has ever succeeded). */
async function cronPanel(): Promise<HealthPanel> {
  const env = getEnv();
  const variables = describeVariables(["CRON_SECRET", "ERCOT_SCHEDULE_ENABLED"], {
    ERCOT_SCHEDULE_ENABLED: env.ercot.scheduleEnabled ? "true (embedded default)" : "false",
  });
  const mode = env.ercot.scheduleEnabled
    ? "embedded scheduler, daily 12:00 UTC (+14:00 catch-up)"
    : "external scheduler";
  let status: PanelStatus = env.cronSecret ? "ok" : env.ercot.scheduleEnabled ? "warn" : "error";
  const notes = [
    env.cronSecret
      ? "External pings must send Authorization: Bearer <CRON_SECRET>."
      : "CRON_SECRET is not set: external cron pings are refused.",
  ];
  try {
    const [schedule, last] = await withTimeout(Promise.all([scheduleStatus(), lastRun()]), "PostgreSQL");
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
        ? `Last run #${last.id} (${last.trigger}) ${last.status}, started ${last.startedAt.replace("T", " ").slice(0, 16)} UTC.`
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
    mode: configured ? "accepting droplet posts" : "refusing droplet posts",
    detail: "POST /api/admin/smt/pull with x-intelliwatt-secret, x-smt-secret or x-webhook-secret.",
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

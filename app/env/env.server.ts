import { DEFAULT_DATABASE_SCHEMA } from "~/db/connection.server";
import { ALIASES, ERCOT_DEFAULTS, schema, type RawEnv } from "./schema.server";

const isTrue = (value: string | undefined) => value !== undefined && /^(true|1|yes)$/i.test(value);
const unescapeNewlines = (value: string | undefined) => value?.replace(/\\n/g, "\n");

function trustProxyHops(value: string | undefined): number {
  if (value === undefined || /^(false|no)$/i.test(value)) return 0;
  return /^(true|yes)$/i.test(value) ? 1 : Number(value);
}

function shape(raw: RawEnv, aliasUsed: Record<string, string>) {
  const s3Configured = Boolean(raw.S3_BUCKET && raw.S3_ACCESS_KEY_ID && raw.S3_SECRET_ACCESS_KEY);
  const databaseMode = raw.PORTAL_DATABASE_MODE ?? "external";
  return {
    nodeEnv: raw.NODE_ENV ?? "development",
    port: Number(raw.PORT ?? 3000),
    databaseUrl: raw.DATABASE_URL,
    databaseSchema: raw.DATABASE_SCHEMA ?? DEFAULT_DATABASE_SCHEMA,
    databaseMode,
    adminToken: raw.ADMIN_TOKEN,
    cronSecret: raw.CRON_SECRET,
    sessionMaxAgeSeconds: Number(raw.SESSION_MAX_AGE_HOURS ?? 12) * 3600,
    /** Proxies in front of the portal whose X-Forwarded-* headers are believed; 0: none are. */
    trustProxyHops: trustProxyHops(raw.TRUST_PROXY),
    storage: s3Configured
      ? {
          driver: "s3" as const,
          endpoint: raw.S3_ENDPOINT,
          region: raw.S3_REGION ?? "us-east-1",
          bucket: raw.S3_BUCKET!,
          accessKeyId: raw.S3_ACCESS_KEY_ID!,
          secretAccessKey: raw.S3_SECRET_ACCESS_KEY!,
          forcePathStyle: raw.S3_FORCE_PATH_STYLE === undefined ? true : isTrue(raw.S3_FORCE_PATH_STYLE),
          abandonedUploadGraceMs: Number(raw.STORAGE_UPLOAD_GRACE_SECONDS ?? 300) * 1000,
        }
      : { driver: "local" as const },
    ercot: {
      reportTypeId: raw.ERCOT_EWS_REPORTTYPE ?? ERCOT_DEFAULTS.ERCOT_EWS_REPORTTYPE,
      pageUrl: raw.ERCOT_PAGE_URL ?? ERCOT_DEFAULTS.ERCOT_PAGE_URL,
      api: {
        subscriptionKey: raw.ERCOT_SUBSCRIPTION_KEY,
        username: raw.ERCOT_USERNAME,
        password: raw.ERCOT_PASSWORD,
        tokenUrl: raw.ERCOT_TOKEN_URL ?? ERCOT_DEFAULTS.ERCOT_TOKEN_URL,
        clientId: raw.ERCOT_CLIENT_ID ?? ERCOT_DEFAULTS.ERCOT_CLIENT_ID,
        scope: raw.ERCOT_SCOPE ?? ERCOT_DEFAULTS.ERCOT_SCOPE,
        productId: raw.ERCOT_PRODUCT_ID ?? ERCOT_DEFAULTS.ERCOT_PRODUCT_ID,
        apiBaseUrl: raw.ERCOT_API_BASE ?? ERCOT_DEFAULTS.ERCOT_API_BASE,
      },
      ews: {
        baseUrl: raw.ERCOT_EWS_BASE,
        reportType: raw.ERCOT_EWS_REPORTTYPE ?? ERCOT_DEFAULTS.ERCOT_EWS_REPORTTYPE,
        pfxBase64: raw.ERCOT_EWS_PFX?.replace(/\s+/g, ""),
        pfxPassphrase: raw.ERCOT_EWS_PFX_PASS,
        certPem: unescapeNewlines(raw.ERCOT_EWS_CERT),
        keyPem: unescapeNewlines(raw.ERCOT_EWS_KEY),
        caPem: unescapeNewlines(raw.ERCOT_EWS_CA),
        userId: raw.ERCOT_EWS_USERID,
      },
      /** A running row whose lease (renewed while the run lives) has passed belongs to a dead process. */
      runLeaseSeconds: Number(raw.ERCOT_RUN_LEASE_SECONDS ?? 120),
      /** A file gets a fixed allowance plus its size at the minimum throughput; a run gets a fixed deadline. */
      deadlines: {
        minBytesPerSecond: Number(raw.ERCOT_MIN_KIB_PER_SECOND ?? 64) * 1024,
        fileAllowanceMs: Number(raw.ERCOT_FILE_ALLOWANCE_SECONDS ?? 120) * 1000,
        runMs: Number(raw.ERCOT_RUN_DEADLINE_MINUTES ?? 120) * 60_000,
      },
      scheduleEnabled:
        raw.ERCOT_SCHEDULE_ENABLED === undefined ? databaseMode === "embedded" : isTrue(raw.ERCOT_SCHEDULE_ENABLED),
    },
    smt: {
      webhookSecret: raw.INTELLIWATT_WEBHOOK_SECRET,
      uploadMaxBytes: Number(raw.SMT_UPLOAD_MAX_BYTES ?? 512 * 1024 * 1024),
    },
    alerts: {
      webhook: raw.ALERT_WEBHOOK_URL ? { url: raw.ALERT_WEBHOOK_URL, secret: raw.ALERT_WEBHOOK_SECRET! } : null,
      email: raw.SMTP_URL
        ? {
            smtpUrl: raw.SMTP_URL,
            to: raw.ALERT_EMAIL_TO!.split(",").map((address) => address.trim()),
            from: raw.ALERT_EMAIL_FROM ?? "portal-alerts@localhost",
          }
        : null,
      smtSilentMs: Number(raw.ALERT_SMT_SILENT_HOURS ?? 26) * 3600_000,
      ercotGraceMs: Number(raw.ALERT_ERCOT_GRACE_MINUTES ?? 60) * 60_000,
      runStuckMs: Number(raw.ALERT_RUN_STUCK_MINUTES ?? 90) * 60_000,
    },
    metricsToken: raw.METRICS_TOKEN,
    /** canonical name → the alias it was read from, e.g. S3_BUCKET → DO_SPACES_BUCKET */
    aliasUsed,
  };
}

export type Env = ReturnType<typeof shape>;

export class EnvError extends Error {
  constructor(readonly problems: { variable: string; message: string }[]) {
    super(
      "The environment is not valid:\n" +
        problems.map((p) => `  - ${p.variable} ${p.message}`).join("\n") +
        "\nFix these variables (see README.md › Configuration) and start again.",
    );
    this.name = "EnvError";
  }
}

/** Resolve aliases into canonical names, remembering which alias supplied each value. */
/** process.env, or any record of variables (tests, the launcher). */
export type EnvSource = Record<string, string | undefined>;

export function resolveAliases(source: EnvSource) {
  const values: Record<string, string | undefined> = { ...source };
  const aliasUsed: Record<string, string> = {};
  for (const [canonical, aliases] of Object.entries(ALIASES)) {
    if (values[canonical]?.trim()) continue;
    const alias = aliases.find((name) => source[name]?.trim());
    if (alias) {
      values[canonical] = source[alias];
      aliasUsed[canonical] = alias;
    }
  }
  return { values, aliasUsed };
}

/** Validates the environment; throws one EnvError listing every bad variable. */
export function parseEnv(source: EnvSource = process.env): Env {
  const { values, aliasUsed } = resolveAliases(source);
  const result = schema.safeParse(values);
  if (!result.success) {
    throw new EnvError(
      result.error.issues.map((issue) => {
        const variable = String(issue.path[0] ?? "environment");
        return {
          variable: aliasUsed[variable] ? `${variable} (from ${aliasUsed[variable]})` : variable,
          message: issue.message,
        };
      }),
    );
  }
  return shape(result.data, aliasUsed);
}

/** Per-variable validity, for the health panels (never throws). */
export function inspectEnv(source: EnvSource = process.env) {
  const { values, aliasUsed } = resolveAliases(source);
  const result = schema.safeParse(values);
  const invalid = new Map<string, string>();
  if (!result.success) for (const issue of result.error.issues) invalid.set(String(issue.path[0]), issue.message);
  return { values, aliasUsed, invalid };
}

let cached: Env | undefined;

/** The validated environment, parsed once per process. */
export function getEnv(): Env {
  cached ??= parseEnv();
  return cached;
}

/** For tests that change process.env between cases. */
export function resetEnvCache() {
  cached = undefined;
}

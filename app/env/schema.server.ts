// The environment the portal accepts: every variable, its aliases and its validation (parsed in env.server.ts).
import { z } from "zod";
import { schemaNameProblem } from "~/db/connection.server";

/** Variables that are secrets: never printed, logged or rendered. */
export const SECRET_VARIABLES = new Set([
  "DATABASE_URL",
  "ADMIN_TOKEN",
  "CRON_SECRET",
  "S3_ACCESS_KEY_ID",
  "S3_SECRET_ACCESS_KEY",
  "ERCOT_SUBSCRIPTION_KEY",
  "ERCOT_USERNAME",
  "ERCOT_PASSWORD",
  "ERCOT_EWS_PFX",
  "ERCOT_EWS_PFX_PASS",
  "ERCOT_EWS_KEY",
  "INTELLIWATT_WEBHOOK_SECRET",
  // Alerts and metrics: incoming-webhook URLs embed their credential; SMTP_URL carries the password.
  "ALERT_WEBHOOK_URL",
  "ALERT_WEBHOOK_SECRET",
  "SMTP_URL",
  "METRICS_TOKEN",
]);

/** Canonical name ← accepted aliases (first one set wins). */
export const ALIASES: Record<string, string[]> = {
  S3_ENDPOINT: ["DO_SPACES_ENDPOINT"],
  S3_REGION: ["DO_SPACES_REGION"],
  S3_BUCKET: ["DO_SPACES_BUCKET"],
  S3_ACCESS_KEY_ID: ["DO_SPACES_ACCESS_KEY_ID", "DO_SPACES_KEY"],
  S3_SECRET_ACCESS_KEY: ["DO_SPACES_SECRET_ACCESS_KEY", "DO_SPACES_SECRET"],
  S3_FORCE_PATH_STYLE: ["DO_SPACES_FORCE_PATH_STYLE"],
  INTELLIWATT_WEBHOOK_SECRET: ["DROPLET_WEBHOOK_SECRET"],
};

export const ERCOT_DEFAULTS = {
  ERCOT_PAGE_URL: "https://www.ercot.com/mp/data-products/data-product-details?id=ZP15-612",
  ERCOT_TOKEN_URL: "https://ercotb2c.b2clogin.com/ercotb2c.onmicrosoft.com/B2C_1_PUBAPI-ROPC-FLOW/oauth2/v2.0/token",
  ERCOT_CLIENT_ID: "fec253ea-0d06-4272-a5e6-b478baeecd70",
  ERCOT_SCOPE: "openid fec253ea-0d06-4272-a5e6-b478baeecd70 offline_access",
  ERCOT_PRODUCT_ID: "ZP15-612",
  ERCOT_API_BASE: "https://api.ercot.com",
  ERCOT_EWS_REPORTTYPE: "203",
} as const;

const optionalText = z
  .string()
  .trim()
  .transform((value) => (value === "" ? undefined : value))
  .optional();
const secret = (minLength: number) =>
  optionalText.refine((value) => value === undefined || value.length >= minLength, {
    message: `must be at least ${minLength} characters`,
  });
const httpUrl = optionalText.refine((value) => value === undefined || /^https?:\/\/[^\s]+$/.test(value), {
  message: "must be an http(s) URL",
});
const booleanFlag = optionalText.refine((value) => value === undefined || /^(true|false|1|0|yes|no)$/i.test(value), {
  message: "must be true or false",
});
const pem = (label: string) =>
  optionalText.refine((value) => value === undefined || value.replace(/\\n/g, "\n").includes("-----BEGIN"), {
    message: `must be a PEM ${label} (-----BEGIN …), newlines may be written as \\n`,
  });
const base64 = optionalText.refine((value) => value === undefined || /^[A-Za-z0-9+/=\s]+$/.test(value), {
  message: "must be base64 (base64 -w0 cert.pfx)",
});
const positiveInteger = optionalText.refine((value) => value === undefined || /^[1-9]\d*$/.test(value), {
  message: "must be a positive whole number",
});

export const schema = z
  .object({
    NODE_ENV: optionalText,
    PORT: positiveInteger,
    DATABASE_URL: optionalText.refine((value) => value === undefined || /^postgres(ql)?:\/\//.test(value), {
      message: "must start with postgresql://",
    }),
    DATABASE_SCHEMA: optionalText.superRefine((value, context) => {
      const problem = value === undefined ? null : schemaNameProblem(value);
      if (problem) context.addIssue({ code: z.ZodIssueCode.custom, message: problem });
    }),
    PORTAL_DATABASE_MODE: z.enum(["embedded", "external"]).optional(),
    ADMIN_TOKEN: secret(16),
    CRON_SECRET: secret(16),
    SESSION_MAX_AGE_HOURS: positiveInteger,
    TRUST_PROXY: optionalText.refine((value) => value === undefined || /^(true|false|yes|no|\d+)$/i.test(value), {
      message: "must be false, true (one proxy) or the number of proxies in front of the portal",
    }),
    S3_ENDPOINT: httpUrl,
    S3_REGION: optionalText,
    S3_BUCKET: optionalText.refine((value) => value === undefined || /^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/.test(value), {
      message: "must be a lowercase bucket name (3–63 of a-z, 0-9, '.', '-')",
    }),
    S3_ACCESS_KEY_ID: optionalText,
    S3_SECRET_ACCESS_KEY: optionalText,
    S3_FORCE_PATH_STYLE: booleanFlag,
    ERCOT_PAGE_URL: httpUrl,
    ERCOT_SUBSCRIPTION_KEY: optionalText,
    ERCOT_USERNAME: optionalText,
    ERCOT_PASSWORD: optionalText,
    ERCOT_TOKEN_URL: httpUrl,
    ERCOT_CLIENT_ID: optionalText,
    ERCOT_SCOPE: optionalText,
    ERCOT_PRODUCT_ID: optionalText,
    ERCOT_API_BASE: httpUrl,
    ERCOT_EWS_BASE: httpUrl,
    ERCOT_EWS_REPORTTYPE: positiveInteger,
    ERCOT_EWS_PFX: base64,
    ERCOT_EWS_PFX_PASS: optionalText,
    ERCOT_EWS_CERT: pem("certificate"),
    ERCOT_EWS_KEY: pem("private key"),
    ERCOT_EWS_CA: pem("CA certificate"),
    ERCOT_EWS_USERID: optionalText,
    ERCOT_SCHEDULE_ENABLED: booleanFlag,
    ERCOT_RUN_LEASE_SECONDS: positiveInteger,
    ERCOT_MIN_KIB_PER_SECOND: positiveInteger,
    ERCOT_FILE_ALLOWANCE_SECONDS: positiveInteger,
    ERCOT_RUN_DEADLINE_MINUTES: positiveInteger,
    INTELLIWATT_WEBHOOK_SECRET: secret(16),
    SMT_UPLOAD_MAX_BYTES: positiveInteger,
    STORAGE_UPLOAD_GRACE_SECONDS: positiveInteger,
    ALERT_WEBHOOK_URL: httpUrl,
    ALERT_WEBHOOK_SECRET: secret(16),
    SMTP_URL: optionalText.refine((value) => value === undefined || /^smtps?:\/\/[^\s]+$/.test(value), {
      message: "must be an smtp:// or smtps:// URL (smtps://user:password@host:465)",
    }),
    ALERT_EMAIL_TO: optionalText.refine(
      (value) => value === undefined || value.split(",").every((address) => /^[^\s@,]+@[^\s@,]+$/.test(address.trim())),
      { message: "must be one or more email addresses separated by commas" },
    ),
    ALERT_EMAIL_FROM: optionalText.refine((value) => value === undefined || /^[^\s@]+@[^\s@]+$/.test(value), {
      message: "must be an email address",
    }),
    ALERT_SMT_SILENT_HOURS: positiveInteger,
    ALERT_ERCOT_GRACE_MINUTES: positiveInteger,
    ALERT_RUN_STUCK_MINUTES: positiveInteger,
    METRICS_TOKEN: secret(16),
  })
  .superRefine((env, ctx) => {
    if (!env.ADMIN_TOKEN) {
      ctx.addIssue({
        code: "custom",
        path: ["ADMIN_TOKEN"],
        message: "is required (npm start generates one only with embedded PostgreSQL)",
      });
    }
    const s3Set = [env.S3_ENDPOINT, env.S3_BUCKET, env.S3_ACCESS_KEY_ID, env.S3_SECRET_ACCESS_KEY].some(Boolean);
    if (s3Set) {
      for (const name of ["S3_BUCKET", "S3_ACCESS_KEY_ID", "S3_SECRET_ACCESS_KEY"] as const) {
        if (!env[name])
          ctx.addIssue({
            code: "custom",
            path: [name],
            message: "is required once any S3_* / DO_SPACES_* variable is set",
          });
      }
    }
    if (env.ERCOT_EWS_CERT && !env.ERCOT_EWS_KEY) {
      ctx.addIssue({ code: "custom", path: ["ERCOT_EWS_KEY"], message: "is required with ERCOT_EWS_CERT" });
    }
    if (env.ERCOT_EWS_KEY && !env.ERCOT_EWS_CERT) {
      ctx.addIssue({ code: "custom", path: ["ERCOT_EWS_CERT"], message: "is required with ERCOT_EWS_KEY" });
    }
    if (env.ALERT_WEBHOOK_URL && !env.ALERT_WEBHOOK_SECRET) {
      ctx.addIssue({
        code: "custom",
        path: ["ALERT_WEBHOOK_SECRET"],
        message: "is required with ALERT_WEBHOOK_URL (receivers verify the HMAC signature with it)",
      });
    }
    if (Boolean(env.SMTP_URL) !== Boolean(env.ALERT_EMAIL_TO)) {
      ctx.addIssue({
        code: "custom",
        path: [env.SMTP_URL ? "ALERT_EMAIL_TO" : "SMTP_URL"],
        message: "is required: alert email needs both SMTP_URL and ALERT_EMAIL_TO",
      });
    }
    if (env.ERCOT_SUBSCRIPTION_KEY && (!env.ERCOT_USERNAME || !env.ERCOT_PASSWORD)) {
      for (const name of ["ERCOT_USERNAME", "ERCOT_PASSWORD"] as const) {
        if (!env[name])
          ctx.addIssue({
            code: "custom",
            path: [name],
            message: "is required with ERCOT_SUBSCRIPTION_KEY (the API needs a fresh id_token)",
          });
      }
    }
  });

export type RawEnv = z.infer<typeof schema>;

import { describe, expect, it } from "vitest";
import { EnvError, parseEnv } from "~/env/env.server";

const base = { ADMIN_TOKEN: "admin-token-0123456789abcdef" };

function problems(extra: Record<string, string>) {
  try {
    parseEnv({ ...base, ...extra });
    return [];
  } catch (error) {
    if (!(error instanceof EnvError)) throw error;
    return error.problems.map((problem) => problem.variable);
  }
}

describe("alert and metrics variables", () => {
  it("needs the signing secret with the webhook URL, and both halves of email", () => {
    expect(problems({ ALERT_WEBHOOK_URL: "https://hooks.example.test/T000/B000/xyz" })).toEqual([
      "ALERT_WEBHOOK_SECRET",
    ]);
    expect(problems({ SMTP_URL: "smtp://mail.example.test:587" })).toEqual(["ALERT_EMAIL_TO"]);
    expect(problems({ ALERT_EMAIL_TO: "ops@example.test" })).toEqual(["SMTP_URL"]);
  });

  it("refuses malformed values with one message per variable", () => {
    expect(
      problems({
        ALERT_WEBHOOK_URL: "hooks.example.test",
        ALERT_WEBHOOK_SECRET: "short",
        SMTP_URL: "mail.example.test",
        ALERT_EMAIL_TO: "ops@example.test, not-an-address",
        METRICS_TOKEN: "short",
        ALERT_SMT_SILENT_HOURS: "0",
      }).sort(),
    ).toEqual([
      "ALERT_EMAIL_TO",
      "ALERT_SMT_SILENT_HOURS",
      "ALERT_WEBHOOK_SECRET",
      "ALERT_WEBHOOK_URL",
      "METRICS_TOKEN",
      "SMTP_URL",
    ]);
  });

  it("shapes the channels and the check settings with their defaults", () => {
    const env = parseEnv({
      ...base,
      ALERT_WEBHOOK_URL: "https://hooks.example.test/x",
      ALERT_WEBHOOK_SECRET: "webhook-secret-0123456789",
      SMTP_URL: "smtps://user:pass@mail.example.test:465",
      ALERT_EMAIL_TO: "ops@example.test, oncall@example.test",
    });
    expect(env.alerts).toMatchObject({
      webhook: { url: "https://hooks.example.test/x" },
      email: { to: ["ops@example.test", "oncall@example.test"], from: "portal-alerts@localhost" },
      smtSilentMs: 26 * 3600_000,
      ercotGraceMs: 60 * 60_000,
      runStuckMs: 90 * 60_000,
    });
    expect(parseEnv(base).alerts).toMatchObject({ webhook: null, email: null });
  });
});

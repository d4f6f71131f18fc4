import { describe, expect, it } from "vitest";
import { EnvError, parseEnv } from "./env.server";

const base = { ADMIN_TOKEN: "a".repeat(24) };

describe("environment validation", () => {
  it("keeps the documented ERCOT defaults", () => {
    const env = parseEnv(base);
    expect(env.ercot.api.clientId).toBe("fec253ea-0d06-4272-a5e6-b478baeecd70");
    expect(env.ercot.api.scope).toBe("openid fec253ea-0d06-4272-a5e6-b478baeecd70 offline_access");
    expect(env.ercot.api.productId).toBe("ZP15-612");
    expect(env.ercot.reportTypeId).toBe("203");
    expect(env.ercot.pageUrl).toBe("https://www.ercot.com/mp/data-products/data-product-details?id=ZP15-612");
  });

  it("lists every bad variable in one error", () => {
    let caught: unknown;
    try {
      parseEnv({ ADMIN_TOKEN: "short", S3_ENDPOINT: "not a url", CRON_SECRET: "x", S3_FORCE_PATH_STYLE: "maybe" });
    } catch (error) {
      caught = error;
    }
    expect(caught).toBeInstanceOf(EnvError);
    const names = (caught as EnvError).problems.map((p) => p.variable);
    expect(names).toEqual(
      expect.arrayContaining(["ADMIN_TOKEN", "CRON_SECRET", "S3_ENDPOINT", "S3_FORCE_PATH_STYLE", "S3_BUCKET"]),
    );
    expect((caught as EnvError).message).toContain("S3_ENDPOINT must be an http(s) URL");
  });

  it("never puts a secret's value in the error", () => {
    const secret = "tiny";
    expect(() => parseEnv({ ...base, CRON_SECRET: secret })).toThrow(/CRON_SECRET must be at least 16 characters/);
    try {
      parseEnv({ ...base, CRON_SECRET: secret });
    } catch (error) {
      expect((error as Error).message).not.toContain(`"${secret}"`);
    }
  });

  it("reads DO_SPACES_* and DROPLET_WEBHOOK_SECRET aliases", () => {
    const env = parseEnv({
      ...base,
      DO_SPACES_ENDPOINT: "https://nyc3.digitaloceanspaces.com",
      DO_SPACES_REGION: "nyc3",
      DO_SPACES_BUCKET: "intelliwatt",
      DO_SPACES_KEY: "key-id",
      DO_SPACES_SECRET: "secret-value",
      DROPLET_WEBHOOK_SECRET: "w".repeat(20),
    });
    expect(env.storage).toMatchObject({ driver: "s3", bucket: "intelliwatt", region: "nyc3", forcePathStyle: true });
    expect(env.smt.webhookSecret).toBe("w".repeat(20));
    expect(env.aliasUsed).toMatchObject({
      S3_BUCKET: "DO_SPACES_BUCKET",
      INTELLIWATT_WEBHOOK_SECRET: "DROPLET_WEBHOOK_SECRET",
    });
  });

  it("accepts PEM variables written with literal \\n", () => {
    const env = parseEnv({
      ...base,
      ERCOT_EWS_BASE: "https://misapi.ercot.com",
      ERCOT_EWS_CERT: "-----BEGIN CERTIFICATE-----\\nMIIB\\n-----END CERTIFICATE-----",
      ERCOT_EWS_KEY: "-----BEGIN PRIVATE KEY-----\\nMIIE\\n-----END PRIVATE KEY-----",
    });
    expect(env.ercot.ews.certPem).toBe("-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----");
  });

  it("requires ADMIN_TOKEN", () => {
    expect(() => parseEnv({})).toThrow(/ADMIN_TOKEN is required/);
  });

  it("turns the embedded scheduler on by default only with embedded PostgreSQL", () => {
    expect(parseEnv({ ...base, PORTAL_DATABASE_MODE: "embedded" }).ercot.scheduleEnabled).toBe(true);
    expect(parseEnv({ ...base, PORTAL_DATABASE_MODE: "external" }).ercot.scheduleEnabled).toBe(false);
    expect(
      parseEnv({ ...base, PORTAL_DATABASE_MODE: "external", ERCOT_SCHEDULE_ENABLED: "true" }).ercot.scheduleEnabled,
    ).toBe(true);
  });
});

import { mkdirSync, writeFileSync } from "node:fs";
import { startWebhookReceiver } from "../alerts/receivers";
import { startFakeErcot } from "../fakes/ercot/server";
import { buildApp } from "../support/build";
import { startPortal } from "../support/portal-server";
import { startTestS3 } from "../support/s3-server";
import { createTestDatabase, startTestPostgres } from "../support/test-database";

export const E2E_ADMIN_TOKEN = "e2e-admin-token-0123456789abcdef";
export const E2E_CRON_SECRET = "e2e-cron-secret-0123456789abcdef";
export const E2E_WEBHOOK_SECRET = "e2e-webhook-secret-0123456789ab";
export const E2E_ALERT_WEBHOOK_SECRET = "e2e-alert-webhook-secret-012345";

/** The real stack for browser tests: PostgreSQL, s3rver, the fake ERCOT and the built portal. */
export default async function globalSetup() {
  buildApp();
  const [postgres, s3, ercot, alertWebhook] = await Promise.all([
    startTestPostgres(),
    startTestS3(),
    startFakeErcot({ today: "2026-06-03" }),
    startWebhookReceiver(E2E_ALERT_WEBHOOK_SECRET),
  ]);
  const database = await createTestDatabase(postgres.adminUrl, "e2e");
  const portal = await startPortal({
    env: {
      DATABASE_URL: database.url,
      DATABASE_SCHEMA: database.schema,
      PORTAL_DATABASE_MODE: "external",
      ADMIN_TOKEN: E2E_ADMIN_TOKEN,
      CRON_SECRET: E2E_CRON_SECRET,
      INTELLIWATT_WEBHOOK_SECRET: E2E_WEBHOOK_SECRET,
      ERCOT_SCHEDULE_ENABLED: "false",
      ERCOT_PAGE_URL: ercot.pageUrl,
      ALERT_WEBHOOK_URL: alertWebhook.url,
      ALERT_WEBHOOK_SECRET: E2E_ALERT_WEBHOOK_SECRET,
    },
  });
  process.env.E2E_BASE_URL = portal.baseUrl;
  process.env.E2E_DATABASE_URL = database.url;
  process.env.E2E_FAKE_ERCOT_URL = ercot.url;
  process.env.E2E_S3_ENDPOINT = s3.s3.endpoint;
  process.env.E2E_ALERT_WEBHOOK_URL = alertWebhook.url;
  mkdirSync("test-results", { recursive: true });
  writeFileSync("test-results/e2e-portal.log", "");
  return async () => {
    writeFileSync("test-results/e2e-portal.log", portal.output());
    await portal.stop();
    await Promise.allSettled([ercot.stop(), s3.stop(), postgres.stop(), alertWebhook.stop()]);
  };
}

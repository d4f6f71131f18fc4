import { mkdtempSync, rmSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterAll, inject } from "vitest";
import { createTestDatabase } from "./test-database";

export const TEST_ADMIN_TOKEN = "test-admin-token-0123456789abcdef";
export const TEST_CRON_SECRET = "test-cron-secret-0123456789abcdef";
export const TEST_WEBHOOK_SECRET = "test-webhook-secret-0123456789ab";

// Runs before each test file imports anything: a fresh database, data dir and secrets per file.
const database = await createTestDatabase(inject("postgresAdminUrl"));
const dataDir = mkdtempSync(path.join(os.tmpdir(), "portal-test-data-"));
for (const name of Object.keys(process.env)) {
  if (/^(S3_|DO_SPACES_|ERCOT_|INTELLIWATT_|DROPLET_)/.test(name)) delete process.env[name];
}
Object.assign(process.env, {
  DATABASE_URL: database.url,
  DATABASE_SCHEMA: database.schema,
  PORTAL_DATABASE_MODE: "external",
  PORTAL_DATA_DIR: dataDir,
  ADMIN_TOKEN: TEST_ADMIN_TOKEN,
  CRON_SECRET: TEST_CRON_SECRET,
  INTELLIWATT_WEBHOOK_SECRET: TEST_WEBHOOK_SECRET,
  ERCOT_SCHEDULE_ENABLED: "false",
});

afterAll(async () => {
  const { disconnectDb } = await import("../../app/db/prisma.server");
  await disconnectDb();
  await database.drop();
  rmSync(dataDir, { recursive: true, force: true });
});

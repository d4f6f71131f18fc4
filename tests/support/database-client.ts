import pg from "pg";
import { afterAll, beforeAll } from "vitest";
import { connectionConfig, databaseTargetFromEnv } from "~/db/connection.server";

/** A pg client on this test file's database: connected before its tests, closed after them. */
export function connectedClient(): () => pg.Client {
  let client: pg.Client;
  beforeAll(async () => {
    client = new pg.Client(connectionConfig(databaseTargetFromEnv()));
    await client.connect();
  });
  afterAll(async () => {
    await client.end();
  });
  return () => client;
}

import { getEnv } from "~/env/env.server";
import type { DatabaseTarget } from "./connection.server";

/** The database and schema the running portal uses, from the validated environment. */
export function appDatabase(): DatabaseTarget {
  const { databaseUrl, databaseSchema } = getEnv();
  if (!databaseUrl)
    throw new Error("DATABASE_URL is not set. Start the portal with `npm start`, which provides embedded PostgreSQL.");
  return { url: databaseUrl, schema: databaseSchema };
}

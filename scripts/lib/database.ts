import { checkedSchema, DEFAULT_DATABASE_SCHEMA, type DatabaseTarget } from "../../app/db/connection.server";
import { maskDatabaseUrl, startEmbeddedPostgres, type EmbeddedDatabase } from "../../app/db/embedded.server";

export interface ResolvedDatabase extends DatabaseTarget {
  mode: "embedded" | "external";
  /** Undefined when we reused a cluster another process started, or the database is external. */
  stop?: EmbeddedDatabase["stop"];
}

/** DATABASE_URL when set; otherwise the embedded cluster under .data/postgres (started or reused). */
export async function resolveDatabase(log: (line: string) => void): Promise<ResolvedDatabase> {
  const schema = checkedSchema(process.env.DATABASE_SCHEMA?.trim() || DEFAULT_DATABASE_SCHEMA);
  const configured = process.env.DATABASE_URL?.trim();
  if (configured) {
    log(`Database: ${maskDatabaseUrl(configured)} (DATABASE_URL), schema "${schema}"`);
    return { url: configured, schema, mode: "external" };
  }
  const embedded = await startEmbeddedPostgres(log);
  log(`Database: embedded PostgreSQL at ${maskDatabaseUrl(embedded.url)}, schema "${schema}" (data in .data/postgres)`);
  return { ...embedded, schema, mode: "embedded" };
}

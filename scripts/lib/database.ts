import { maskDatabaseUrl, startEmbeddedPostgres, type EmbeddedDatabase } from "../../app/db/embedded.server";

export interface ResolvedDatabase extends EmbeddedDatabase {
  mode: "embedded" | "external";
}

/** DATABASE_URL when set; otherwise the embedded cluster under .data/postgres (started or reused). */
export async function resolveDatabase(log: (line: string) => void): Promise<ResolvedDatabase> {
  const configured = process.env.DATABASE_URL?.trim();
  if (configured) {
    log(`Database: ${maskDatabaseUrl(configured)} (DATABASE_URL)`);
    return { url: configured, mode: "external" };
  }
  const embedded = await startEmbeddedPostgres(log);
  log(`Database: embedded PostgreSQL at ${maskDatabaseUrl(embedded.url)} (data in .data/postgres)`);
  return { ...embedded, mode: "embedded" };
}

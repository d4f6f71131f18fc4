// The one home of PostgreSQL connection settings. Every path builds its connection here: the Prisma client and
// the Prisma CLI (adapter-pg), the explorer pool, the ERCOT lock client, SMT ingest, the launcher and the runbook
// scripts. Each connection gets the portal's schema first on its search_path, and TLS as libpq's sslmode defines it.
import { PrismaPg } from "@prisma/adapter-pg";
import { readFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import type { ConnectionOptions } from "node:tls";
import pg from "pg";
import { CatalogTypesClient } from "./catalog-types-client";

export const DEFAULT_DATABASE_SCHEMA = "portal";
const SCHEMA_NAME = /^[a-z_][a-z0-9_]{0,62}$/;

/** Where the portal's tables live; `public` belongs to whatever else shares the database. */
export function schemaNameProblem(name: string): string | null {
  if (!SCHEMA_NAME.test(name)) return "must be a lowercase PostgreSQL name (a-z, 0-9, _; not starting with a digit)";
  if (name === "public" || name.startsWith("pg_")) return `must not be "${name}": the portal keeps its tables apart`;
  return null;
}

export class DatabaseConfigError extends Error {}

/** A database and the schema the portal owns in it. */
export interface DatabaseTarget {
  url: string;
  schema: string;
}

/** DATABASE_URL and DATABASE_SCHEMA, for the scripts and prisma.config.ts (the app reads them through getEnv). */
export function databaseTargetFromEnv(env: NodeJS.ProcessEnv = process.env): DatabaseTarget {
  const url = env.DATABASE_URL?.trim();
  if (!url)
    throw new DatabaseConfigError(
      "DATABASE_URL is not set: run this through `npm start` or `npm run db:*`, which start embedded PostgreSQL when needed.",
    );
  return { url, schema: checkedSchema(env.DATABASE_SCHEMA?.trim() || DEFAULT_DATABASE_SCHEMA) };
}

export function checkedSchema(name: string): string {
  const problem = schemaNameProblem(name);
  if (problem) throw new DatabaseConfigError(`DATABASE_SCHEMA ${problem}.`);
  return name;
}

/** The schema's own objects first; `public` after it only so extensions installed there (pg_trgm) resolve. */
export function searchPath(schema: string): string {
  return `${checkedSchema(schema)},public`;
}

const SSL_MODES = ["disable", "allow", "prefer", "require", "verify-ca", "verify-full"] as const;
type SslMode = (typeof SSL_MODES)[number];

function readPem(file: string, parameter: string): string {
  try {
    return readFileSync(file, "utf8");
  } catch (error) {
    throw new DatabaseConfigError(
      `DATABASE_URL ${parameter}=${file} cannot be read: ${(error as NodeJS.ErrnoException).code ?? error}.`,
    );
  }
}

/**
 * TLS as libpq defines sslmode: `require` encrypts without verifying (but verifies the chain when sslrootcert is
 * given, as libpq does); `verify-ca` checks the chain against sslrootcert; `verify-full` also checks the host name.
 * `disable`, `allow` and `prefer` connect in plain text (pg cannot fall back from TLS to plain text).
 */
export function tlsOptions(url: URL): ConnectionOptions | undefined {
  const params = url.searchParams;
  const mode = (params.get("sslmode") ?? "disable") as SslMode;
  if (!SSL_MODES.includes(mode))
    throw new DatabaseConfigError(`DATABASE_URL sslmode=${mode} is not one of ${SSL_MODES.join(", ")}.`);
  if (mode === "disable" || mode === "allow" || mode === "prefer") return undefined;

  const rootCertParam = params.get("sslrootcert");
  const defaultRootCert = path.join(os.homedir(), ".postgresql", "root.crt");
  const rootCertFile = rootCertParam ?? defaultRootCert;
  const options: ConnectionOptions = {};
  const cert = params.get("sslcert");
  const key = params.get("sslkey");
  if (cert) options.cert = readPem(cert, "sslcert");
  if (key) options.key = readPem(key, "sslkey");

  let verify: boolean;
  if (mode === "require") {
    verify = rootCertParam !== null && rootCertParam !== "system";
    if (verify) options.ca = readPem(rootCertParam!, "sslrootcert");
  } else {
    verify = true;
    // sslrootcert=system: the operating system's trusted roots (Node's bundle), as in libpq 16.
    if (rootCertFile !== "system") options.ca = readPem(rootCertFile, "sslrootcert");
  }
  options.rejectUnauthorized = verify;
  // verify-ca trusts any certificate the CA signed, whatever host name it names.
  if (verify && mode !== "verify-full") options.checkServerIdentity = () => undefined;
  return options;
}

export interface ConnectionOptionsInput {
  applicationName?: string;
  /** Extra `-c name=value` server settings, e.g. "-c TimeZone=UTC". */
  serverSettings?: string;
  /** Server-side statement_timeout and a client-side query timeout a little longer; for short queries only. */
  statementTimeoutMs?: number;
}

/** pg options for a target: fields from the URL, the schema's search_path, TLS per sslmode. */
export function connectionConfig(target: DatabaseTarget, input: ConnectionOptionsInput = {}): pg.ClientConfig {
  let url: URL;
  try {
    url = new URL(target.url);
  } catch {
    throw new DatabaseConfigError("DATABASE_URL is not a valid URL (postgresql://user:password@host:port/database).");
  }
  return {
    host: decodeURIComponent(url.hostname),
    port: Number(url.port || 5432),
    user: decodeURIComponent(url.username),
    password: decodeURIComponent(url.password),
    database: decodeURIComponent(url.pathname.slice(1)) || "postgres",
    ssl: tlsOptions(url),
    options: [`-c search_path=${searchPath(target.schema)}`, input.serverSettings].filter(Boolean).join(" "),
    application_name: input.applicationName ?? url.searchParams.get("application_name") ?? "portal",
    connectionTimeoutMillis: 15_000,
    ...(input.statementTimeoutMs
      ? { statement_timeout: input.statementTimeoutMs, query_timeout: input.statementTimeoutMs + 5_000 }
      : {}),
  };
}

/**
 * A client that survives losing its server: pg emits 'error' when the connection drops (a database restart), and
 * an 'error' without a listener ends the process. The query in flight still rejects with the error.
 */
export function newClient(target: DatabaseTarget, input?: ConnectionOptionsInput): pg.Client {
  const client = new pg.Client(connectionConfig(target, input));
  client.on("error", () => undefined);
  return client;
}

/** A connected client; the caller ends it. */
export async function openClient(target: DatabaseTarget, input?: ConnectionOptionsInput): Promise<pg.Client> {
  const client = newClient(target, input);
  await client.connect();
  return client;
}

export async function withClient<T>(
  target: DatabaseTarget,
  work: (client: pg.Client) => Promise<T>,
  input?: ConnectionOptionsInput,
): Promise<T> {
  const client = await openClient(target, input);
  try {
    return await work(client);
  } finally {
    await client.end();
  }
}

export function createPool(target: DatabaseTarget, input: ConnectionOptionsInput & pg.PoolConfig = {}): pg.Pool {
  const { applicationName, serverSettings, ...pool } = input;
  return new pg.Pool({ ...connectionConfig(target, { applicationName, serverSettings }), ...pool });
}

/** The same target on another database of the server (e.g. `postgres`, to create databases). */
export function onDatabase(target: DatabaseTarget, database: string): DatabaseTarget {
  const url = new URL(target.url);
  url.pathname = `/${encodeURIComponent(database)}`;
  return { ...target, url: url.toString() };
}

/** Prisma's driver adapter: queries qualified with our schema, catalog types readable (see catalog-types-client). */
export function prismaAdapter(target: DatabaseTarget, max?: number): PrismaPg {
  // eslint-disable-next-line @typescript-eslint/no-explicit-any -- adapter-pg types omit the Client override
  const config: any = { ...connectionConfig(target), Client: CatalogTypesClient, ...(max ? { max } : {}) };
  return new PrismaPg(config, { schema: target.schema });
}

/** Creates the schema when missing; nothing else in the database is touched. */
export async function ensureSchema(target: DatabaseTarget): Promise<void> {
  await withClient(target, (client) => client.query(`CREATE SCHEMA IF NOT EXISTS "${checkedSchema(target.schema)}"`));
}

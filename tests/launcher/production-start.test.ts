import { execFileSync, spawn } from "node:child_process";
import { cpSync, existsSync, mkdirSync, mkdtempSync, rmSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterAll, describe, expect, it, vi } from "vitest";
import { freePort } from "../support/test-database";

// The README's production path, on a copy of the checkout: `npm run build && npm prune --omit=dev && npm start`.
// node_modules is hard-linked (cheap); prune unlinks the copy's dev packages, never the originals.
const root = mkdtempSync(path.join(os.tmpdir(), "portal-production-"));
const checkout = path.join(root, "portal");
afterAll(() => {
  if (!process.env.KEEP_PRODUCTION_COPY) rmSync(root, { recursive: true, force: true });
});

function copyCheckout() {
  const files = execFileSync("git", ["ls-files", "-z", "--cached", "--others", "--exclude-standard"], {
    encoding: "utf8",
  })
    .split("\0")
    .filter((file) => file && existsSync(file));
  for (const file of files) {
    mkdirSync(path.dirname(path.join(checkout, file)), { recursive: true });
    cpSync(file, path.join(checkout, file));
  }
  execFileSync("cp", ["-al", "node_modules", path.join(checkout, "node_modules")]);
  // npm rewrites its own lock in place: give the copy a file of its own.
  rmSync(path.join(checkout, "node_modules", ".package-lock.json"));
  cpSync("node_modules/.package-lock.json", path.join(checkout, "node_modules", ".package-lock.json"));
}

// As an operator runs it: not under Vitest's NODE_ENV=test, which would build development JSX.
const operatorEnv = () => {
  const env: Record<string, string | undefined> = { ...process.env };
  for (const name of ["DATABASE_URL", "DATABASE_SCHEMA", "ADMIN_TOKEN", "PORTAL_DATABASE_MODE", "NODE_ENV", "VITEST"])
    delete env[name];
  return env as NodeJS.ProcessEnv;
};

function npm(args: string[]) {
  execFileSync("npm", [...args, "--no-audit", "--no-fund", "--offline"], {
    cwd: checkout,
    env: operatorEnv(),
    stdio: "pipe",
  });
}

describe("the production path", () => {
  it("serves from the build after npm prune --omit=dev", async () => {
    copyCheckout();
    npm(["run", "build"]);
    npm(["prune", "--omit=dev"]);
    expect(existsSync(path.join(checkout, "node_modules", "@remix-run", "dev"))).toBe(false);
    expect(existsSync(path.join(checkout, "node_modules", "vitest"))).toBe(false);

    const port = await freePort();
    const env = { ...operatorEnv(), PORTAL_DATA_DIR: path.join(root, "data"), PORT: String(port), HOST: "127.0.0.1" };
    const child = spawn("npm", ["start"], { cwd: checkout, env, detached: true });
    let output = "";
    child.stdout.on("data", (chunk) => (output += chunk));
    child.stderr.on("data", (chunk) => (output += chunk));
    try {
      await vi.waitFor(
        async () => {
          if (child.exitCode !== null) throw new Error(`npm start exited:\n${output}`);
          const { status } = await fetch(`http://127.0.0.1:${port}/login`);
          if (status !== 200) throw new Error(`GET /login answered ${status}:\n${output}`);
        },
        { timeout: 90_000, interval: 250 },
      );
      expect(output).not.toContain("Building the app");
      expect(output).not.toContain("NOT be used");
    } finally {
      const exited = new Promise((resolve) => child.once("exit", resolve));
      process.kill(-child.pid!, "SIGTERM");
      await exited;
    }
  }, 300_000);
});

import { spawn, type ChildProcess } from "node:child_process";
import path from "node:path";
import { pathToFileURL } from "node:url";
import { freePort } from "./test-database";

export interface RunningPortal {
  baseUrl: string;
  /** Ends the server at once (SIGKILL), as a crash would, and waits for it to be gone. */
  crash: () => Promise<void>;
  /** The server process, for tests that watch its memory. */
  pid: number;
  adminToken: string;
  output: () => string;
  stop: () => Promise<void>;
}

/**
 * The real built app under scripts/serve.ts (what `npm start` runs), on a free port, with this process's environment
 * (DATABASE_URL, secrets, …) plus `env` overrides.
 */
export async function startPortal(
  options: { env?: Record<string, string | undefined>; cwd?: string } = {},
): Promise<RunningPortal> {
  const port = await freePort();
  const env: Record<string, string | undefined> = {
    ...process.env,
    NODE_ENV: "production",
    PORT: String(port),
    HOST: "127.0.0.1",
    // The loader reads the "~/" alias from the repo's tsconfig even when the portal runs in another directory.
    TSX_TSCONFIG_PATH: path.resolve("tsconfig.json"),
    ...options.env,
  };
  // Absolute paths, so a portal started in another directory (options.cwd) still finds the build and the loader.
  const tsxLoader = pathToFileURL(path.resolve("node_modules/tsx/dist/loader.mjs")).href;
  const child: ChildProcess = spawn(
    process.execPath,
    ["--import", tsxLoader, path.resolve("scripts/serve.ts"), path.resolve("build/index.js")],
    { env: env as NodeJS.ProcessEnv, cwd: options.cwd, stdio: ["ignore", "pipe", "pipe"] },
  );
  let output = "";
  child.stdout?.on("data", (chunk) => (output += chunk));
  child.stderr?.on("data", (chunk) => (output += chunk));
  const baseUrl = `http://127.0.0.1:${port}`;
  const deadline = Date.now() + 30_000;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`The portal exited during start-up:\n${output}`);
    try {
      if ((await fetch(`${baseUrl}/login`)).status === 200) break;
    } catch {
      // not listening yet
    }
    if (Date.now() > deadline) {
      child.kill("SIGKILL");
      throw new Error(`The portal did not answer within 30 s:\n${output}`);
    }
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  return {
    baseUrl,
    pid: child.pid!,
    adminToken: env.ADMIN_TOKEN ?? "",
    output: () => output,
    crash: () =>
      new Promise<void>((resolve) => {
        if (child.exitCode !== null || child.signalCode !== null) return resolve();
        child.once("exit", () => resolve());
        child.kill("SIGKILL");
      }),
    stop: () =>
      new Promise<void>((resolve) => {
        if (child.exitCode !== null) return resolve();
        child.once("exit", () => resolve());
        child.kill("SIGTERM");
      }),
  };
}

/** Signs in through /login like a browser and returns the Cookie header to send. */
export async function signInCookie(baseUrl: string, adminToken: string): Promise<string> {
  const response = await fetch(`${baseUrl}/login`, {
    method: "POST",
    body: new URLSearchParams({ token: adminToken, redirectTo: "/admin" }),
    headers: { origin: baseUrl },
    redirect: "manual",
  });
  const cookie = response.headers.get("set-cookie");
  if (response.status !== 302 || !cookie) throw new Error(`Sign-in failed with status ${response.status}`);
  return cookie.split(";")[0];
}

import { spawnSync } from "node:child_process";
import { createRequire } from "node:module";

/** Builds the Remix app once per test run (remix-serve serves build/). */
export function buildApp() {
  const remixCli = createRequire(import.meta.url).resolve("@remix-run/dev/dist/cli.js");
  const result = spawnSync(process.execPath, [remixCli, "build"], {
    stdio: ["ignore", "ignore", "inherit"],
    env: { ...process.env, NODE_ENV: "production", VITE_CJS_IGNORE_WARNING: "true" },
  });
  if (result.status !== 0) throw new Error("remix build failed");
}

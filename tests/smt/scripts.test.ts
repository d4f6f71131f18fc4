import { spawn, spawnSync, type ChildProcessWithoutNullStreams } from "node:child_process";
import {
  chmodSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { db } from "~/db/prisma.server";
import {
  monthlyBillingCsv,
  ONCOR_ESIID,
  portalNormalCsv,
  subscriptionCsv,
  SUBSCRIPTION_FILE_NAME,
  zipBundle,
} from "../fixtures/smt/generate";
import { TEST_WEBHOOK_SECRET } from "../support/per-file-database";
import { startPortal, type RunningPortal } from "../support/portal-server";

const FETCH_AND_POST = path.resolve("scripts/smt/fetch_and_post.sh");
const TEST_WEBHOOK = path.resolve("scripts/admin/test_webhook.sh");

/** sftp stand-in: runs the -b batch (cd, lcd, ls -1, get) against $FAKE_SFTP_ROOT and logs its arguments. */
const FAKE_SFTP = `#!/usr/bin/env bash
set -euo pipefail
batch=""
while (($#)); do
  case "$1" in
    -b) batch="$2"; shift 2 ;;
    -i|-P|-o) shift 2 ;;
    *) target="$1"; shift ;;
  esac
done
echo "sftp $target" >>"$FAKE_SFTP_LOG"
remote="$FAKE_SFTP_ROOT"; local_dir="$PWD"
while IFS= read -r line; do
  read -r command argument <<<"$line"
  argument="\${argument%\\"}"; argument="\${argument#\\"}"
  case "$command" in
    cd) remote="$FAKE_SFTP_ROOT/\${argument#/}" ;;
    lcd) local_dir="$argument" ;;
    ls) ls -1 "$remote" ;;
    get) cp "$remote/$argument" "$local_dir/$argument"; echo "get $argument" >>"$FAKE_SFTP_LOG" ;;
  esac
done <"$batch"
`;

/** gpg stand-in: "decrypts" an armoured block whose body is plain base64. */
const FAKE_GPG = `#!/usr/bin/env bash
set -euo pipefail
out=""; in=""
while (($#)); do
  case "$1" in
    --output) out="$2"; shift 2 ;;
    --decrypt) in="$2"; shift 2 ;;
    *) shift ;;
  esac
done
grep -q -- "-----BEGIN PGP MESSAGE-----" "$in" || { echo "gpg: no valid OpenPGP data found." >&2; exit 2; }
grep -v -- "-----" "$in" | base64 -d >"$out"
`;

const armour = (bytes: Buffer) =>
  `-----BEGIN PGP MESSAGE-----\n\n${bytes.toString("base64").replace(/(.{64})/g, "$1\n")}\n-----END PGP MESSAGE-----\n`;

let portal: RunningPortal;
let root: string;
let bin: string;
let remote: string;
let localDir: string;
let configFile: string;
let sftpLog: string;

function config(overrides: Record<string, string> = {}) {
  const values = {
    INTELLIWATT_BASE_URL: portal.baseUrl,
    INTELLIWATT_WEBHOOK_SECRET: TEST_WEBHOOK_SECRET,
    SMT_HOST: "sftp.test.invalid",
    SMT_USER: "csp-user",
    SMT_KEY: path.join(root, "id_rsa"),
    SMT_REMOTE_DIR: "/adhocusage",
    SMT_LOCAL_DIR: localDir,
    ESIID_DEFAULT: ONCOR_ESIID,
    METER_DEFAULT: "M1",
    ...overrides,
  };
  writeFileSync(
    configFile,
    Object.entries(values)
      .map(([name, value]) => `${name}=${value}`)
      .join("\n") + "\n",
  );
}

function run(script: string, args: string[] = [], env: Record<string, string> = {}) {
  return new Promise<{ code: number; stdout: string; stderr: string }>((resolve) => {
    // Only what the scripts need: the config file must be where their settings come from.
    const child: ChildProcessWithoutNullStreams = spawn("bash", [script, ...args], {
      env: {
        PATH: `${bin}:${process.env.PATH}`,
        HOME: root,
        SMT_CONFIG_FILE: configFile,
        FAKE_SFTP_ROOT: remote,
        FAKE_SFTP_LOG: sftpLog,
        NODE_ENV: "test",
        ...env,
      },
    });
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (chunk) => (stdout += chunk));
    child.stderr.on("data", (chunk) => (stderr += chunk));
    child.on("close", (code) => resolve({ code: code ?? -1, stdout, stderr }));
  });
}

const list = (dir: string) => (existsSync(dir) ? readdirSync(dir).sort() : []);

beforeAll(async () => {
  portal = await startPortal();
  root = mkdtempSync(path.join(os.tmpdir(), "smt-scripts-"));
  bin = path.join(root, "bin");
  remote = path.join(root, "remote");
  localDir = path.join(root, "smt");
  configFile = path.join(root, "intelliwatt-smt");
  sftpLog = path.join(root, "sftp.log");
  for (const dir of [bin, path.join(remote, "adhocusage"), localDir]) mkdirSync(dir, { recursive: true });
  writeFileSync(path.join(bin, "sftp"), FAKE_SFTP);
  writeFileSync(path.join(bin, "gpg"), FAKE_GPG);
  chmodSync(path.join(bin, "sftp"), 0o755);
  chmodSync(path.join(bin, "gpg"), 0o755);
  writeFileSync(path.join(root, "id_rsa"), "not a real key\n", { mode: 0o600 });
  config();
});
afterAll(async () => {
  await portal?.stop();
  rmSync(root, { recursive: true, force: true });
});

describe("scripts/smt/fetch_and_post.sh", () => {
  it("pulls, decrypts, unzips and posts every CSV, then archives what the portal accepted", async () => {
    const adhoc = path.join(remote, "adhocusage");
    writeFileSync(path.join(adhoc, SUBSCRIPTION_FILE_NAME), subscriptionCsv("2026-01-14"));
    const bundle = await zipBundle([
      { name: "IntervalMeterUsage20260103.csv", text: portalNormalCsv("2026-01-01", 2) },
      { name: "MonthlyBilling20260103.csv", text: monthlyBillingCsv() },
    ]);
    writeFileSync(path.join(adhoc, "DailyMeterUsage20260115093012.CSV.134642921.asc"), armour(bundle));
    writeFileSync(path.join(adhoc, "notes.csv"), "name,amount\nx,1\n");
    writeFileSync(path.join(adhoc, "odd;name.csv"), "ignored");

    const result = await run(FETCH_AND_POST);
    expect(result.code, result.stderr).toBe(0);
    expect(list(path.join(localDir, "archive"))).toEqual([
      "DailyMeterUsage20260115093012.CSV.134642921.asc",
      SUBSCRIPTION_FILE_NAME,
    ]);
    expect(list(path.join(localDir, "rejected"))).toEqual(["notes.csv"]);
    expect(list(path.join(localDir, "inbox"))).toEqual([]);
    expect(result.stderr).toContain("skipping remote file with an unexpected name: odd;name.csv");
    expect(result.stderr).not.toContain(TEST_WEBHOOK_SECRET);
    expect(readFileSync(sftpLog, "utf8")).toContain("sftp csp-user@sftp.test.invalid");

    const files = await db().smtRawFile.findMany({ where: { source: "webhook" }, orderBy: { id: "asc" } });
    expect(files.map((file) => [file.filename, file.status])).toEqual([
      ["IntervalMeterUsage20260103.csv", "parsed"],
      ["MonthlyBilling20260103.csv", "parsed"],
      [SUBSCRIPTION_FILE_NAME, "parsed"],
      ["notes.csv", "failed"],
    ]);
    expect(files[0]).toMatchObject({ esiid: ONCOR_ESIID, meter: "M1" });
    expect(await db().smtBillingRead.count()).toBe(3);
  });

  it("downloads nothing again on the next run", async () => {
    writeFileSync(sftpLog, "");
    const result = await run(FETCH_AND_POST);
    expect(result.code, result.stderr).toBe(0);
    expect(result.stderr).toContain("no new files on SFTP");
    expect(readFileSync(sftpLog, "utf8")).not.toContain("get ");
  });

  it("keeps a file in the inbox and exits non-zero when the portal does not answer", async () => {
    writeFileSync(path.join(remote, "adhocusage", "IntervalData.csv"), portalNormalCsv("2026-02-01", 1));
    config({ INTELLIWATT_BASE_URL: "http://127.0.0.1:9" });
    const result = await run(FETCH_AND_POST);
    config();
    expect(result.code).toBe(1);
    expect(list(path.join(localDir, "inbox"))).toEqual(["IntervalData.csv"]);
    expect(result.stderr).toContain("stays in the inbox");

    const retry = await run(FETCH_AND_POST);
    expect(retry.code, retry.stderr).toBe(0);
    expect(list(path.join(localDir, "archive"))).toContain("IntervalData.csv");
  });

  it("leaves the run out when another one holds the lock", async () => {
    const lockFile = path.join(localDir, ".fetch_and_post.lock");
    // The holder keeps the lock until its stdin closes: a run that waited for the lock would never end.
    const holder = spawn("flock", [lockFile, "cat"], { stdio: ["pipe", "ignore", "ignore"] });
    try {
      await vi.waitFor(() => expect(spawnSync("flock", ["-n", lockFile, "true"]).status).not.toBe(0));
      const result = await run(FETCH_AND_POST);
      expect(result.code).toBe(0);
      expect(result.stderr).toContain("another run holds");
    } finally {
      holder.kill();
    }
  });
});

describe("scripts/admin/test_webhook.sh", () => {
  it("pings the webhook with the secret from the config file", async () => {
    const result = await run(TEST_WEBHOOK);
    expect(result.code, result.stderr).toBe(0);
    expect(result.stdout).toMatch(/HTTP 200 .*"pong":true/);
  });

  it("fails with a sentence when the secret is wrong", async () => {
    const result = await run(TEST_WEBHOOK, [], {
      SMT_CONFIG_FILE: "/nonexistent",
      INTELLIWATT_BASE_URL: portal.baseUrl,
      INTELLIWATT_WEBHOOK_SECRET: "wrong-secret-0123456789abcdef",
    });
    expect(result.code).toBe(1);
    expect(result.stderr).toContain("differs between the droplet and the portal");
  });

  it("falls back to ADMIN_TOKEN when the droplet has no webhook secret, like fetch_and_post.sh", async () => {
    // x-admin-token is accepted only by a portal without a webhook secret.
    const open = await startPortal({ env: { INTELLIWATT_WEBHOOK_SECRET: undefined } });
    try {
      const result = await run(TEST_WEBHOOK, [], {
        SMT_CONFIG_FILE: "/nonexistent",
        INTELLIWATT_BASE_URL: open.baseUrl,
        ADMIN_TOKEN: open.adminToken,
      });
      expect(result.code, result.stderr).toBe(0);
      expect(result.stdout).toMatch(/HTTP 200 .*"pong":true/);
    } finally {
      await open.stop();
    }
  });
});

describe("the documented bash inline post (docs/DEPLOY_SMT_INGEST.md)", () => {
  it("posts a CSV inline and the portal ingests it", async () => {
    const doc = readFileSync("docs/DEPLOY_SMT_INGEST.md", "utf8");
    const snippet = doc.split("## Manual inline post (bash)")[1].match(/```bash\n([\s\S]*?)```/)![1];
    const scriptPath = path.join(root, "inline.sh");
    writeFileSync(scriptPath, `#!/usr/bin/env bash\nset -euo pipefail\n${snippet}`);
    const csv = path.join(root, "IntervalData.csv");
    writeFileSync(csv, portalNormalCsv("2026-03-01", 2));
    const result = await run(scriptPath, [], {
      BASE_URL: portal.baseUrl,
      INTELLIWATT_WEBHOOK_SECRET: TEST_WEBHOOK_SECRET,
      CSV: csv,
    });
    expect(result.code, result.stderr).toBe(0);
    expect(result.stdout).toContain("HTTP 200");
    expect(JSON.parse(result.stdout.split("\nHTTP")[0])).toMatchObject({
      ok: true,
      rowsInserted: 192,
      filename: "IntervalData.csv",
    });
  });
});

describe("shellcheck", () => {
  it("reports the shell scripts and the documented snippet clean", () => {
    const doc = readFileSync("docs/DEPLOY_SMT_INGEST.md", "utf8");
    const snippetPath = path.join(root, "snippet.sh");
    writeFileSync(
      snippetPath,
      `#!/usr/bin/env bash\n${doc.split("## Manual inline post (bash)")[1].match(/```bash\n([\s\S]*?)```/)![1]}`,
    );
    const result = spawnSync("shellcheck", ["--severity=style", FETCH_AND_POST, TEST_WEBHOOK, snippetPath], {
      encoding: "utf8",
    });
    expect(result.error, "shellcheck is not installed (scripts/test.sh installs it with apt)").toBeUndefined();
    expect(result.stdout + result.stderr).toBe("");
    expect(result.status).toBe(0);
  });
});

import { spawn } from "node:child_process";
import { once } from "node:events";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { db } from "~/db/prisma.server";
import { runIngest } from "~/ercot/ingest.server";
import { startFakeErcot, type FakeErcot } from "../fakes/ercot/server";

const LEASE_SECONDS = 2;
let fake: FakeErcot;

beforeAll(async () => {
  fake = await startFakeErcot();
  process.env.ERCOT_PAGE_URL = fake.pageUrl;
  process.env.ERCOT_RUN_LEASE_SECONDS = String(LEASE_SECONDS);
});
afterAll(() => fake.stop());

async function waitFor<T>(probe: () => Promise<T | null | undefined | false>, timeoutMs = 20_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value) return value;
    if (Date.now() > deadline) throw new Error("timed out waiting");
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

describe("a run killed halfway", () => {
  it("blocks nothing past its lease: the next run marks it abandoned and completes", async () => {
    fake.setScenario({ slowBody: { chunkBytes: 1024, intervalMs: 100 } });
    // One process (tsx as a loader, not its CLI, which would run the script in a grandchild the kill misses).
    const child = spawn(process.execPath, ["--import", "tsx", "tests/ercot/ingest-child.ts"], {
      env: process.env,
      stdio: ["ignore", "pipe", "pipe"],
    });
    let output = "";
    child.stdout.on("data", (chunk) => (output += chunk));
    child.stderr.on("data", (chunk) => (output += chunk));

    // Wait until the child is streaming a file, then kill it without a chance to clean up.
    const killed = await waitFor(async () => {
      if (child.exitCode !== null) throw new Error(`the child run ended early:\n${output}`);
      const run = await db().ingestRun.findFirst({ where: { status: "running" } });
      const progress = run?.progress as { currentBytes?: number } | null;
      return run && (progress?.currentBytes ?? 0) > 0 ? run : null;
    });
    child.kill("SIGKILL");
    await once(child, "exit");

    // Its lease is still live: a run now must not start a second one.
    const early = await runIngest({ trigger: "cron" });
    expect(early).toEqual({ running: true, runId: killed.id });

    await new Promise((resolve) => setTimeout(resolve, LEASE_SECONDS * 1000 + 200));
    fake.setScenario("normal");
    const next = await runIngest({ trigger: "cron" });
    if ("running" in next) throw new Error("the next run did not start");
    expect(next.status).toBe("succeeded");
    expect(next.summary.stored).toBe(10);

    const stale = await db().ingestRun.findUniqueOrThrow({ where: { id: killed.id } });
    expect(stale.status).toBe("abandoned");
    expect(stale.finishedAt).not.toBeNull();
    expect(stale.error).toMatch(/lease expired; run \d+ marked it abandoned/);
    expect(await db().ingestRun.count({ where: { status: "running" } })).toBe(0);
    // The file the killed run was writing left neither an object row nor a half-written file.
    expect(await db().ercotIngest.count({ where: { runId: killed.id, status: "stored" } })).toBe(0);
  }, 60_000);
});

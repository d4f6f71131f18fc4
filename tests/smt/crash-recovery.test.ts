import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { createWriteStream } from "node:fs";
import os from "node:os";
import path from "node:path";
import { pipeline } from "node:stream/promises";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { db } from "~/db/prisma.server";
import { storedIntervalCount } from "~/smt/intervals.server";
import { syntheticIntervalCsv } from "../fixtures/smt/generate";
import { TEST_WEBHOOK_SECRET } from "../support/per-file-database";
import { startPortal, type RunningPortal } from "../support/portal-server";

/** Large enough that the portal is still writing rows when the test kills it. */
const ROWS = 300_000;
let dir: string;
let csv: Buffer;
let portal: RunningPortal | undefined;

beforeAll(async () => {
  dir = mkdtempSync(path.join(os.tmpdir(), "smt-crash-"));
  const file = path.join(dir, "IntervalData.csv");
  await pipeline(syntheticIntervalCsv(ROWS), createWriteStream(file));
  csv = readFileSync(file);
});
afterAll(async () => {
  await portal?.stop();
  rmSync(dir, { recursive: true, force: true });
});

function post(baseUrl: string) {
  const form = new FormData();
  form.append("file", new Blob([new Uint8Array(csv)], { type: "text/csv" }), "IntervalData.csv");
  return fetch(`${baseUrl}/api/admin/smt/pull`, {
    method: "POST",
    headers: { "x-intelliwatt-secret": TEST_WEBHOOK_SECRET },
    body: form,
  });
}

/** True while some other session is writing this file's rows (COPY into the stage, or the merge). */
async function writingRows(): Promise<boolean> {
  const rows = await db().$queryRaw<{ n: bigint }[]>`
    SELECT count(*) AS n FROM pg_stat_activity
    WHERE pid <> pg_backend_pid() AND state = 'active' AND query ILIKE '%smt_day_stage%'`;
  return Number(rows[0].n) > 0;
}

describe("a portal killed while it loads a large upload", () => {
  it("reads the file again on the next post: all rows are there, nothing is a duplicate", async () => {
    const first = await startPortal();
    portal = first;
    let answered: string | null = null;
    const inFlight = post(first.baseUrl).then(
      async (response) => (answered = `${response.status} ${await response.text()}`),
      () => null,
    );
    await vi.waitFor(
      async () => {
        if (answered) throw new Error(`The portal answered before it was killed: ${answered}`);
        if (!(await writingRows())) throw new Error("the portal is not writing rows yet");
      },
      { timeout: 60_000, interval: 20 },
    );
    await first.crash();
    expect(await inFlight).toBeNull();

    const second = await startPortal();
    portal = second;
    const response = await post(second.baseUrl);
    const answer = await response.json();
    expect(response.status, JSON.stringify(answer)).toBe(200);
    expect(answer).toMatchObject({ ok: true, duplicate: false, status: "parsed" });
    // Every data row is accounted for; the skipped ones are the blank DST spring-forward placeholders.
    expect(answer.rowsParsed + answer.rowsSkipped).toBe(ROWS);
    expect(answer.rowsInserted).toBe(answer.rowsParsed);
    expect(await storedIntervalCount()).toBe(answer.rowsParsed);
    expect(await db().smtRawFile.findMany({ select: { status: true } })).toEqual([{ status: "parsed" }]);

    const again = await post(second.baseUrl);
    expect(await again.json()).toMatchObject({ duplicate: true, status: "parsed" });
  }, 240_000);
});

import { createWriteStream, mkdtempSync, readFileSync, rmSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { Readable } from "node:stream";
import { pipeline } from "node:stream/promises";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { db } from "~/db/prisma.server";
import { storedIntervalCount } from "~/smt/intervals.server";
import { INTERVAL_HEADER, dayLines, portalNormalCsv, syntheticIntervalCsv } from "../fixtures/smt/generate";
import { TEST_WEBHOOK_SECRET } from "../support/per-file-database";
import { startPortal, type RunningPortal } from "../support/portal-server";

/** Over the 8 MiB above which the portal parses in a worker thread. */
const ORDERED_ROWS = 120_000;
/** One row for each of this many ESIIDs, all on one day: more days than the worker's capped heap can remember. */
const INTERLEAVED_ESIIDS = 400_000;
/** A retailer's daily file: every customer's one day, meter after meter (about 48 MiB). */
const DAILY_FILE_ESIIDS = 6_000;

let dir: string;
let portal: RunningPortal;
beforeAll(async () => {
  dir = mkdtempSync(path.join(os.tmpdir(), "smt-worker-"));
  portal = await startPortal();
});
afterAll(async () => {
  await portal?.stop();
  rmSync(dir, { recursive: true, force: true });
});

async function post(body: Blob, filename: string) {
  const form = new FormData();
  form.append("file", body, filename);
  const response = await fetch(`${portal.baseUrl}/api/admin/smt/pull`, {
    method: "POST",
    headers: { "x-intelliwatt-secret": TEST_WEBHOOK_SECRET },
    body: form,
  });
  return { status: response.status, answer: await response.json() };
}

/** Empties the SMT tables, writes `csv` to a file and posts it as IntervalData.csv. */
async function postToEmptyTables(csv: Readable, name: string) {
  await db().smtIntervalDay.deleteMany();
  await db().smtRawFile.deleteMany();
  const file = path.join(dir, name);
  await pipeline(csv, createWriteStream(file));
  return post(new Blob([readFileSync(file)], { type: "text/csv" }), "IntervalData.csv");
}

/**
 * Ordered rows first (the portal writes some of them), then rows of a new ESIID each on one day: the parser must
 * hold every one of those days open, which does not fit the worker's capped heap.
 */
function oversizedCsv(): Readable {
  return Readable.from(
    (async function* () {
      for await (const chunk of syntheticIntervalCsv(ORDERED_ROWS)) yield chunk;
      const [first] = dayLines("2025-01-01");
      for (let index = 0; index < INTERLEAVED_ESIIDS; index++) {
        yield `${first.replace(/^'\d+/, `'1044372${String(900_000 + index).padStart(10, "0")}`)}\n`;
      }
    })(),
  );
}

/** One Central day of `DAILY_FILE_ESIIDS` meters, each meter's 96 rows together. */
function dailyFileOfEveryMeter(): Readable {
  return Readable.from(
    (function* () {
      yield `${INTERVAL_HEADER}\n`;
      for (let index = 0; index < DAILY_FILE_ESIIDS; index++) {
        const esiid = `1044372${String(500_000 + index).padStart(10, "0")}`;
        yield `${dayLines("2025-06-02", { esiid }).join("\n")}\n`;
      }
    })(),
  );
}

describe("SMT parsing in a worker thread with a capped heap", () => {
  it("ingests a file over 8 MiB through the worker, row for row", async () => {
    const file = path.join(dir, "ordered.csv");
    await pipeline(syntheticIntervalCsv(ORDERED_ROWS), createWriteStream(file));
    const { status, answer } = await post(new Blob([readFileSync(file)], { type: "text/csv" }), "IntervalData.csv");
    expect(status, JSON.stringify(answer)).toBe(200);
    expect(answer).toMatchObject({ ok: true, status: "parsed" });
    expect(answer.rowsParsed + answer.rowsSkipped).toBe(ORDERED_ROWS);
    expect(await storedIntervalCount()).toBe(answer.rowsParsed);
  }, 120_000);

  it("ingests a daily file of thousands of meters: a meter's finished day is written, not held to the end", async () => {
    const { status, answer } = await postToEmptyTables(dailyFileOfEveryMeter(), "daily.csv");
    expect(status, JSON.stringify(answer)).toBe(200);
    expect(answer).toMatchObject({ ok: true, status: "parsed", rowsInserted: DAILY_FILE_ESIIDS * 96, warningCount: 0 });
    expect(await storedIntervalCount()).toBe(DAILY_FILE_ESIIDS * 96);
  }, 180_000);

  it("turns a worker that runs out of heap into a clean 500 with nothing written, and keeps serving", async () => {
    const { status, answer } = await postToEmptyTables(oversizedCsv(), "oversized.csv");
    expect(status, JSON.stringify(answer)).toBe(500);
    expect(answer.error).toMatch(/could not be ingested because of a server problem/);
    expect(JSON.stringify(answer)).not.toMatch(/\n\s+at /);
    expect(portal.output()).toMatch(/ran out of memory|ERR_WORKER_OUT_OF_MEMORY/i);
    // The rows written before the worker died were rolled back with the file's transaction.
    expect(await storedIntervalCount()).toBe(0);
    expect(await db().smtRawFile.count()).toBe(0);

    const next = await post(new Blob([portalNormalCsv()], { type: "text/csv" }), "IntervalData.csv");
    expect(next.status, JSON.stringify(next.answer)).toBe(200);
    expect(next.answer).toMatchObject({ ok: true, status: "parsed", rowsInserted: 288 });
  }, 180_000);
});

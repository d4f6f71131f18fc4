import { readFileSync } from "node:fs";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { db } from "~/db/prisma.server";
import { GENERATED, inlineGzipBomb } from "../fixtures/bad/generate";
import { TEST_WEBHOOK_SECRET } from "../support/per-file-database";
import { startPortal, type RunningPortal } from "../support/portal-server";
import { checkInvariants, loadedRowCount, STACK_TRACE } from "./support/invariants";
import { BAD_DIR, readManifest, type BadCase } from "./support/manifest";
import { FULL_RUN, recordFigures } from "./support/report";

/** Every SMT file of the bad-input corpus, posted as the droplet posts it; the ERCOT ones are in faults.test.ts. */
const UPLOAD_LIMIT = 64 * 1024 * 1024;
const cases = readManifest().filter((entry) => !entry.file.startsWith("ercot:"));
const selected = cases.filter((entry) => FULL_RUN || entry.waitsFor === "-");

let portal: RunningPortal;
beforeAll(async () => {
  portal = await startPortal({ env: { SMT_UPLOAD_MAX_BYTES: String(UPLOAD_LIMIT) } });
});
afterAll(async () => {
  await portal?.stop();
});

async function bytesOf(entry: BadCase): Promise<Buffer> {
  if (!entry.file.startsWith("gen:")) return readFileSync(path.join(BAD_DIR, entry.file));
  const generate = GENERATED[entry.file.slice(4)];
  if (!generate) throw new Error(`No generator for ${entry.file}`);
  return generate();
}

async function post(entry: BadCase): Promise<Response> {
  const headers = { "x-intelliwatt-secret": TEST_WEBHOOK_SECRET };
  if (entry.file === "gen:inline-gzip-bomb") {
    return fetch(`${portal.baseUrl}/api/admin/smt/pull`, {
      method: "POST",
      headers: { ...headers, "content-type": "application/json" },
      body: inlineGzipBomb(),
    });
  }
  const bytes = await bytesOf(entry);
  const form = new FormData();
  form.append("file", new Blob([new Uint8Array(bytes)]), path.basename(entry.file.replace(/^gen:/, "")));
  return fetch(`${portal.baseUrl}/api/admin/smt/pull`, { method: "POST", headers, body: form });
}

describe("bad-input corpus (tests/fixtures/bad/manifest.tsv)", () => {
  it("holds at least 60 files with a line each", () => {
    expect(readManifest().length).toBeGreaterThanOrEqual(60);
  });

  it.each(selected.map((entry) => [entry.file, entry] as const))("%s", async (_name, entry) => {
    const rowsBefore = await loadedRowCount();
    const rawBefore = await db().smtRawFile.findMany({ select: { id: true } });
    const response = await post(entry);
    const text = await response.text();
    const body = JSON.parse(text) as { ok?: boolean; message?: string; error?: string; rawFileId?: number };
    const message = `${body.message ?? ""} ${body.error ?? ""}`;

    expect({ status: response.status, message }).toMatchObject({ status: Number(entry.status) });
    expect(message.toLowerCase(), text).toContain(entry.answer.toLowerCase());
    expect(text).not.toMatch(STACK_TRACE);

    const added = await db().smtRawFile.findMany({ where: { id: { notIn: rawBefore.map((raw) => raw.id) } } });
    if (response.status === 200) {
      expect(added.map((raw) => raw.status)).toEqual(["parsed"]);
      const again = await post(entry);
      expect(await again.json()).toMatchObject({ duplicate: true, rawFileId: added[0].id });
    } else if (response.status === 422) {
      // The file's fault: kept as failed, none of its rows written.
      expect(added.map((raw) => raw.status)).toEqual(["failed"]);
      expect(await loadedRowCount()).toBe(rowsBefore);
    } else {
      expect(added).toEqual([]);
      expect(await loadedRowCount()).toBe(rowsBefore);
    }
    const violations = await checkInvariants();
    recordFigures("bad-input", entry.file, {
      lost: violations.lost.length,
      orphans: violations.orphans.length,
      serverErrors: response.status >= 500 ? 1 : 0,
    });
    expect(violations).toEqual({ lost: [], orphans: [], stuck: [] });
  });
});

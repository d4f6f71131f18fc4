import { existsSync, readdirSync } from "node:fs";
import path from "node:path";
import { gzipSync } from "node:zlib";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { db } from "~/db/prisma.server";
import { storedIntervals } from "~/smt/intervals.server";
import {
  ONCOR_ESIID,
  portalEstimatedThenRevised,
  portalNormalCsv,
  subscriptionCsv,
  SUBSCRIPTION_FILE_NAME,
  twelveMonthSolarCsv,
  zipBundle,
} from "../fixtures/smt/generate";
import { TEST_ADMIN_TOKEN, TEST_WEBHOOK_SECRET } from "../support/per-file-database";
import { startPortal, type RunningPortal } from "../support/portal-server";

const UPLOAD_LIMIT = 8 * 1024 * 1024;
let portal: RunningPortal;
beforeAll(async () => {
  portal = await startPortal({ env: { SMT_UPLOAD_MAX_BYTES: String(UPLOAD_LIMIT) } });
});
afterAll(async () => {
  await portal?.stop();
});

const pull = (init: RequestInit & { headers?: Record<string, string> }) =>
  fetch(`${portal.baseUrl}/api/admin/smt/pull`, { method: "POST", ...init });

const withSecret = (headers: Record<string, string> = {}) => ({
  "x-intelliwatt-secret": TEST_WEBHOOK_SECRET,
  ...headers,
});

function multipart(filename: string, content: string | Buffer, fields: Record<string, string> = {}) {
  const form = new FormData();
  for (const [name, value] of Object.entries(fields)) form.append(name, value);
  form.append(
    "file",
    new Blob([typeof content === "string" ? content : new Uint8Array(content)], { type: "text/csv" }),
    filename,
  );
  return form;
}

function inline(content: Buffer, extra: Record<string, unknown> = {}) {
  return JSON.stringify({
    mode: "inline",
    source: "adhocusage",
    filename: "adhoc_usage.csv",
    mime: "text/csv",
    encoding: "base64",
    content_b64: content.toString("base64"),
    esiid: ONCOR_ESIID,
    meter: "M1",
    captured_at: "2026-01-15T21:04:03Z",
    sizeBytes: content.length,
    ...extra,
  });
}

async function text(stream: NodeJS.ReadableStream): Promise<string> {
  let out = "";
  for await (const chunk of stream) out += chunk.toString();
  return out;
}

describe("POST /api/admin/smt/pull", () => {
  it("answers 401 to a missing or wrong secret, whatever the body", async () => {
    const attempts: Record<string, string>[] = [
      {},
      { "x-intelliwatt-secret": "wrong-secret-0123456789abcdef" },
      { "x-smt-secret": "" },
    ];
    for (const headers of attempts) {
      const response = await pull({ headers, body: JSON.stringify({ mode: "ping" }) });
      expect(response.status).toBe(401);
      const body = await response.json();
      expect(body.ok).toBe(false);
      expect(JSON.stringify(body)).not.toContain(TEST_WEBHOOK_SECRET);
    }
    expect(await db().smtRawFile.count()).toBe(0);
  });

  it("answers a ping under each of the three secret headers", async () => {
    for (const name of ["x-intelliwatt-secret", "x-smt-secret", "x-webhook-secret"]) {
      const response = await pull({
        headers: { [name]: TEST_WEBHOOK_SECRET, "content-type": "application/json" },
        body: '{"mode":"ping"}',
      });
      expect(response.status, name).toBe(200);
      expect(await response.json()).toMatchObject({ ok: true, pong: true });
    }
  });

  it("refuses the operator token (x-admin-token) when a webhook secret is configured", async () => {
    const response = await pull({
      headers: { "x-admin-token": TEST_ADMIN_TOKEN, "content-type": "application/json" },
      body: "{}",
    });
    expect(response.status).toBe(401);
  });

  it("answers 422 to a damaged ZIP, keeps the raw file as failed and writes no rows", async () => {
    const intact = await zipBundle([{ name: "IntervalMeterUsage1.csv", text: portalNormalCsv("2024-04-01", 2) }]);
    // The central directory declares one byte more than the entry unpacks to: a truncated entry.
    const truncated = Buffer.from(intact);
    const central = truncated.indexOf(Buffer.from([0x50, 0x4b, 0x01, 0x02]));
    truncated.writeUInt32LE(truncated.readUInt32LE(central + 24) + 1, central + 24);
    // The deflate stream overwritten in its middle.
    const garbled = Buffer.from(intact);
    garbled.fill(0xff, 60, Math.min(central, 260));
    for (const [name, bytes] of [
      ["truncated.zip", truncated],
      ["garbled.zip", garbled],
    ] as const) {
      const response = await pull({ headers: withSecret(), body: multipart(name, bytes) });
      expect(response.status, name).toBe(422);
      const summary = await response.json();
      expect(summary, name).toMatchObject({ ok: false, status: "failed", kind: "zip", rowsInserted: 0 });
      expect(summary.message, name).not.toMatch(/server problem/);
      const raw = await db().smtRawFile.findUniqueOrThrow({ where: { sha256: summary.sha256 } });
      expect(raw.status).toBe("failed");
      expect(await storedIntervals({ rawFileId: raw.id })).toHaveLength(0);
      const again = await pull({ headers: withSecret(), body: multipart(name, bytes) });
      const repeat = await again.json();
      expect(repeat).toMatchObject({ duplicate: true, status: "failed", ok: false });
      expect(repeat.message).toMatch(/failed: .*same bytes/);
    }
    const truncatedAnswer = await db().smtRawFile.findFirstOrThrow({ where: { filename: "truncated.zip" } });
    expect(JSON.stringify(truncatedAnswer.errors)).toMatch(/The ZIP is damaged/);
  });

  it("ingests a multipart file with esiid and meter, then answers a re-post as a duplicate", async () => {
    const csv = portalNormalCsv("2025-10-01", 2);
    const first = await pull({
      headers: withSecret(),
      body: multipart("IntervalData.csv", csv, { esiid: ONCOR_ESIID, meter: "M1", capturedAt: "2025-10-03T12:00:00Z" }),
    });
    expect(first.status).toBe(200);
    const summary = await first.json();
    expect(summary).toMatchObject({
      ok: true,
      duplicate: false,
      status: "parsed",
      rowsParsed: 192,
      rowsInserted: 192,
      firstDay: "2025-10-01",
      lastDay: "2025-10-02",
      esiids: [ONCOR_ESIID],
      meter: "M1",
      capturedAt: "2025-10-03T12:00:00Z",
    });
    const raw = await db().smtRawFile.findUniqueOrThrow({ where: { id: summary.rawFileId } });
    expect(raw).toMatchObject({ source: "webhook", meter: "M1", esiid: ONCOR_ESIID });

    const again = await pull({ headers: withSecret(), body: multipart("IntervalData (1).csv", csv) });
    expect(again.status).toBe(200);
    expect(await again.json()).toMatchObject({ ok: true, duplicate: true, rawFileId: summary.rawFileId });
    expect(await storedIntervals({ rawFileId: summary.rawFileId })).toHaveLength(192);
  });

  it("streams a 12-month solar file (70,080 intervals)", async () => {
    const csv = await text(twelveMonthSolarCsv("2024-05-13"));
    const response = await pull({ headers: withSecret(), body: multipart("IntervalData.csv", csv) });
    const summary = await response.json();
    expect(response.status).toBe(200);
    // 365 days × 192, plus 8 for the fall-back day, minus 8 blank spring placeholders.
    expect(summary).toMatchObject({ rowsParsed: 70_080, rowsInserted: 70_080, errorCount: 0 });
  });

  it("ingests an inline base64 and a base64+gzip post, checking sizeBytes against the decoded file", async () => {
    const csv = Buffer.from(subscriptionCsv("2026-01-14"));
    const plain = await pull({ headers: withSecret({ "content-type": "application/json" }), body: inline(csv) });
    expect(plain.status).toBe(200);
    expect(await plain.json()).toMatchObject({ ok: true, rowsInserted: 96, esiidDeclared: ONCOR_ESIID });

    const other = Buffer.from(subscriptionCsv("2026-01-13"));
    const gzipped = await pull({
      headers: withSecret({ "content-type": "application/json" }),
      body: inline(other, {
        encoding: "base64+gzip",
        content_b64: gzipSync(other).toString("base64"),
        filename: SUBSCRIPTION_FILE_NAME,
      }),
    });
    expect(gzipped.status).toBe(200);
    expect(await gzipped.json()).toMatchObject({ ok: true, rowsInserted: 96, filename: SUBSCRIPTION_FILE_NAME });

    const mismatch = await pull({
      headers: withSecret({ "content-type": "application/json" }),
      body: inline(other, { sizeBytes: 12 }),
    });
    expect(mismatch.status).toBe(400);
    expect((await mismatch.json()).error).toMatch(/sizeBytes says 12 but the decoded file is \d+ bytes/);
  });

  it("answers 413 to an inline body over about 4 MB, pointing to multipart", async () => {
    const big = Buffer.alloc(6_000_000, "a");
    const response = await pull({ headers: withSecret({ "content-type": "application/json" }), body: inline(big) });
    expect(response.status).toBe(413);
    expect((await response.json()).error).toMatch(/multipart\/form-data/);
  });

  it("answers 413 to a multipart file over SMT_UPLOAD_MAX_BYTES and records nothing", async () => {
    const before = await db().smtRawFile.count();
    // Just over the limit: found while streaming. Far over: refused from Content-Length before reading.
    for (const size of [UPLOAD_LIMIT + 1024, 3 * UPLOAD_LIMIT]) {
      const response = await pull({
        headers: withSecret(),
        body: multipart("IntervalData.csv", Buffer.alloc(size, "x")),
      });
      expect(response.status, String(size)).toBe(413);
      expect((await response.json()).error).toMatch(/upload limit \(SMT_UPLOAD_MAX_BYTES\)/);
    }
    expect(await db().smtRawFile.count()).toBe(before);
  });

  it("answers 422 to an unknown format, saying what was expected", async () => {
    const response = await pull({ headers: withSecret(), body: multipart("notes.csv", "name,amount\nx,1\n") });
    expect(response.status).toBe(422);
    const summary = await response.json();
    expect(summary).toMatchObject({ ok: false, status: "failed", kind: "unknown" });
    expect(summary.message).toMatch(/Expected an SMT 15-minute interval CSV/);
  });

  it("answers 422 to malformed rows with their line numbers, keeps the raw file and writes no intervals", async () => {
    const lines = portalNormalCsv("2025-03-01", 1).split("\n");
    lines[7] = lines[7].replace(",Consumption", ",Export");
    const response = await pull({ headers: withSecret(), body: multipart("IntervalData.csv", lines.join("\n")) });
    expect(response.status).toBe(422);
    const summary = await response.json();
    expect(summary.errors).toEqual([
      expect.objectContaining({ line: 8, message: expect.stringMatching(/not a known channel/) }),
    ]);
    expect(await db().smtRawFile.findUniqueOrThrow({ where: { id: summary.rawFileId } })).toMatchObject({
      status: "failed",
    });
    expect(await storedIntervals({ rawFileId: summary.rawFileId })).toHaveLength(0);
  });

  it("makes a path-traversal filename harmless", async () => {
    const response = await pull({
      headers: withSecret(),
      body: multipart("../../../../tmp/evil.csv", portalNormalCsv("2025-02-01", 1)),
    });
    const summary = await response.json();
    expect(response.status).toBe(200);
    expect(summary.storageKey).toBe(`smt/raw/${summary.sha256.slice(0, 2)}/${summary.sha256}/evil.csv`);
    const objects = path.join(process.env.PORTAL_DATA_DIR!, "objects");
    expect(existsSync(path.join(objects, summary.storageKey))).toBe(true);
    expect(readdirSync(objects).filter((name) => name !== ".tmp")).toEqual(["smt"]);

    const inlineTraversal = await pull({
      headers: withSecret({ "content-type": "application/json" }),
      body: inline(Buffer.from(portalNormalCsv("2025-02-02", 1)), { filename: "..\\..\\windows\\win.ini" }),
    });
    expect(await inlineTraversal.json()).toMatchObject({ filename: "win.ini" });
  });

  it("counts a revised file as updated: the later REVISION_DATE wins", async () => {
    const { fileA, fileB } = portalEstimatedThenRevised("2025-12-28");
    const a = await (await pull({ headers: withSecret(), body: multipart("A.csv", fileA) })).json();
    expect(a).toMatchObject({ rowsInserted: 96, rowsUpdated: 0 });
    const b = await (await pull({ headers: withSecret(), body: multipart("B.csv", fileB) })).json();
    expect(b).toMatchObject({ rowsInserted: 0, rowsUpdated: 96 });
    expect((await storedIntervals({ rawFileId: b.rawFileId })).filter((interval) => interval.estimated)).toHaveLength(
      0,
    );
  });

  it("answers 415 to a body that is neither multipart nor JSON", async () => {
    const response = await pull({ headers: withSecret({ "content-type": "text/csv" }), body: "ESIID\n" });
    expect(response.status).toBe(415);
  });
});

describe("POST /api/admin/smt/pull on a portal without a webhook secret", () => {
  let open: RunningPortal;
  beforeAll(async () => {
    open = await startPortal({ env: { INTELLIWATT_WEBHOOK_SECRET: undefined } });
  });
  afterAll(async () => {
    await open?.stop();
  });
  const post = (headers: Record<string, string>, body: string) =>
    fetch(`${open.baseUrl}/api/admin/smt/pull`, {
      method: "POST",
      headers: { "content-type": "application/json", ...headers },
      body,
    });

  it("accepts the operator token (x-admin-token) from older droplets", async () => {
    const response = await post({ "x-admin-token": TEST_ADMIN_TOKEN }, "{}");
    expect(response.status).toBe(200);
    expect(await response.json()).toMatchObject({ pong: true });
  });

  it("answers a refused credential exactly as a portal with a secret does: nothing about the configuration", async () => {
    const withoutSecret = await post({ "x-intelliwatt-secret": "wrong-secret-0123456789abcdef" }, "{}");
    const withSecret = await pull({
      headers: { "x-intelliwatt-secret": "wrong-secret-0123456789abcdef", "content-type": "application/json" },
      body: "{}",
    });
    expect(withoutSecret.status).toBe(401);
    expect(withSecret.status).toBe(401);
    expect(await withoutSecret.text()).toBe(await withSecret.text());
  });

  it("caps an inline base64+gzip file after decompression, not at the 512 MiB upload limit", async () => {
    const bomb = gzipSync(Buffer.alloc(80 * 1024 * 1024, "0"));
    const response = await post(
      { "x-admin-token": TEST_ADMIN_TOKEN },
      JSON.stringify({
        mode: "inline",
        filename: "big.csv",
        encoding: "base64+gzip",
        content_b64: bomb.toString("base64"),
      }),
    );
    expect(response.status).toBe(413);
    expect((await response.json()).error).toMatch(/unpacks to more than 64\.0 MiB.*multipart/);
  });
});

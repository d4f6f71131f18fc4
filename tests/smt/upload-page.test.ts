import { mkdtempSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { db } from "~/db/prisma.server";
import { attachmentDisposition } from "~/http/content-disposition";
import { ONCOR_ESIID, portalNormalCsv, portalSolarCsv } from "../fixtures/smt/generate";
import { TEST_ADMIN_TOKEN } from "../support/per-file-database";
import { signInCookie, startPortal, type RunningPortal } from "../support/portal-server";

let portal: RunningPortal;
let cookie: string;
beforeAll(async () => {
  portal = await startPortal({ env: { SMT_UPLOAD_MAX_BYTES: String(1024 * 1024) } });
  cookie = await signInCookie(portal.baseUrl, TEST_ADMIN_TOKEN);
});
afterAll(async () => {
  await portal?.stop();
});

function files(entries: [string, string][]) {
  const form = new FormData();
  for (const [name, text] of entries) form.append("file", new Blob([text], { type: "text/csv" }), name);
  return form;
}

const upload = (body: FormData, headers: Record<string, string> = { cookie, origin: "" }, path = "/admin/smt") =>
  fetch(`${portal.baseUrl}${path}`, {
    method: "POST",
    body,
    headers: { ...headers, origin: headers.origin || portal.baseUrl },
    redirect: "manual",
  });

describe("/admin/smt", () => {
  it("sends anonymous visitors and uploads to sign-in", async () => {
    expect((await fetch(`${portal.baseUrl}/admin/smt`, { redirect: "manual" })).status).toBe(302);
    const response = await upload(files([["IntervalData.csv", portalNormalCsv()]]), { cookie: "" });
    expect(response.status).toBe(302);
    expect(await db().smtRawFile.count()).toBe(0);
  });

  it("refuses a post with no file chosen (the browser's empty part) and stores nothing", async () => {
    const before = await db().smtRawFile.count();
    const form = new FormData();
    // What a browser sends for an untouched file input: a part with an empty file name and no bytes.
    form.append("file", new Blob([], { type: "application/octet-stream" }), "");
    const response = await upload(form);
    expect(response.status).toBe(400);
    expect(await response.text()).toContain("Choose or drop at least one file.");
    expect(await db().smtRawFile.count()).toBe(before);
    expect(await db().smtRawFile.count({ where: { filename: "upload.bin" } })).toBe(0);
  });

  it("ingests several files in one post and shows a result for each, audited", async () => {
    const response = await upload(
      files([
        ["IntervalData.csv", portalNormalCsv("2025-10-01", 2)],
        ["solar.csv", portalSolarCsv("block-per-day", "2025-09-20", 1)],
        ["wrong.csv", "A,B\n1,2\n"],
      ]),
    );
    expect(response.status).toBe(200);
    const html = await response.text();
    expect(html).toContain('aria-label="Result for IntervalData.csv"');
    expect(html).toContain('aria-label="Result for solar.csv"');
    expect(html).toMatch(/aria-label="Result for wrong.csv"[^>]*>|data-status="failed"/);
    expect(html).toContain("Expected an SMT 15-minute interval CSV");
    expect(await db().smtRawFile.count({ where: { source: "upload" } })).toBe(3);
    expect(await db().auditEvent.count({ where: { action: "smt.upload" } })).toBe(3);
  });

  it("shows recent files and a usage chart per ESIID with consumption and generation apart", async () => {
    const response = await fetch(`${portal.baseUrl}/admin/smt`, { headers: { cookie } });
    const html = await response.text();
    expect(html).toContain('aria-label="Recent SMT files"');
    expect(html).toContain(`data-esiid="${ONCOR_ESIID}"`);
    expect(html).toContain('class="generation"');
    expect(html).toContain('class="consumption"');
  });

  it("answers 413 with a sentence when a file is over SMT_UPLOAD_MAX_BYTES", async () => {
    const response = await upload(files([["big.csv", "x".repeat(2 * 1024 * 1024)]]));
    expect(response.status).toBe(413);
    expect(await response.text()).toContain("upload limit (SMT_UPLOAD_MAX_BYTES)");
  });

  it("refuses a cross-site upload and records nothing", async () => {
    const before = await db().smtRawFile.count();
    const response = await upload(files([["IntervalData.csv", portalNormalCsv("2025-01-01", 1)]]), {
      cookie,
      origin: "https://evil.example",
    });
    // Remix itself aborts an action whose Origin does not match the host (500) before requireOperator's 403.
    expect(response.status).toBeGreaterThanOrEqual(403);
    expect(await db().smtRawFile.count()).toBe(before);
  });
});

describe("/admin/smt/support", () => {
  it("renders the contacts from docs/smt-support.md next to the bash snippet and the smoke tests", async () => {
    const response = await fetch(`${portal.baseUrl}/admin/smt/support`, { headers: { cookie } });
    expect(response.status).toBe(200);
    const html = await response.text();
    for (const text of [
      "support@smartmetertexas.com",
      "1-844-217-8595",
      "rt-smartmeterservicedesk@randstadusa.com",
      "Intellipath Solutions LLC / DBA IntelliWatt",
      "134642921",
      "80514",
      "Do NOT use personal phone numbers",
      "Do NOT reference deprecated SMT operational addresses",
      "scripts/admin/test_webhook.sh",
      "scripts/admin/smt_inline_post_test.ps1",
      "content_b64",
    ]) {
      expect(html, text).toContain(text);
    }
    expect(html).not.toContain('aria-label="Upload results"');
  });

  it("does not read docs/ or scripts/ from the working directory at request time", async () => {
    // A portal started where the repository is absent (a deploy of the build alone) still shows the page.
    const elsewhere = await startPortal({ cwd: mkdtempSync(path.join(os.tmpdir(), "portal-cwd-")) });
    try {
      const response = await fetch(`${elsewhere.baseUrl}/admin/smt/support`, {
        headers: { cookie: await signInCookie(elsewhere.baseUrl, TEST_ADMIN_TOKEN) },
      });
      expect(response.status).toBe(200);
      const html = await response.text();
      expect(html).toContain("support@smartmetertexas.com");
      expect(html).toContain("x-intelliwatt-secret");
    } finally {
      await elsewhere.stop();
    }
  });
});

describe("/admin/smt/upload (the page's upload with byte progress)", () => {
  it("answers JSON: a result per file, the same as the page's action", async () => {
    const csv = portalNormalCsv("2024-05-01", 1, "10443720000000321");
    const response = await upload(files([["progress.csv", csv]]), undefined, "/admin/smt/upload");
    expect(response.status).toBe(200);
    expect(response.headers.get("content-type")).toContain("application/json");
    const answer = (await response.json()) as { error: string | null; results: { filename: string; status: string }[] };
    expect(answer).toMatchObject({ error: null, results: [{ filename: "progress.csv", status: "parsed" }] });
  });

  it("answers 400 with a sentence for an empty post, and sends anonymous posts to sign-in", async () => {
    const empty = new FormData();
    empty.append("file", new Blob([]), "");
    const response = await upload(empty, undefined, "/admin/smt/upload");
    expect(response.status).toBe(400);
    expect(await response.json()).toEqual({ error: "Choose or drop at least one file.", results: [] });
    const before = await db().smtRawFile.count();
    const anonymous = await upload(files([["x.csv", portalNormalCsv()]]), { cookie: "" }, "/admin/smt/upload");
    expect(anonymous.status).toBe(302);
    expect(await db().smtRawFile.count()).toBe(before);
  });
});

describe("/admin/smt/files/:id (the raw download)", () => {
  it("streams the stored bytes as an attachment to a signed-in operator only", async () => {
    const csv = portalNormalCsv("2024-06-01", 1, "10443720000000322");
    const answer = await (await upload(files([['odd "name".csv', csv]]), undefined, "/admin/smt/upload")).json();
    const id = (answer as { results: { rawFileId: number }[] }).results[0].rawFileId;

    const anonymous = await fetch(`${portal.baseUrl}/admin/smt/files/${id}`, { redirect: "manual" });
    expect(anonymous.status).toBe(302);
    expect(anonymous.headers.get("location")).toBe(`/login?redirectTo=${encodeURIComponent(`/admin/smt/files/${id}`)}`);

    // Uncompressed, so the declared length is the stored object's.
    const response = await fetch(`${portal.baseUrl}/admin/smt/files/${id}`, {
      headers: { cookie, "accept-encoding": "identity" },
    });
    expect(response.status).toBe(200);
    expect(response.headers.get("content-type")).toMatch(/^text\/csv/);
    expect(response.headers.get("content-length")).toBe(String(Buffer.byteLength(csv)));
    const stored = await db().smtRawFile.findUniqueOrThrow({ where: { id } });
    expect(response.headers.get("content-disposition")).toBe(attachmentDisposition(stored.filename));
    expect(response.headers.get("content-disposition")).toMatch(/^attachment; filename="odd [^"]*name[^"]*\.csv"; /);
    expect(await response.text()).toBe(csv);
  });

  it("answers 404 with a sentence for an unknown or malformed id", async () => {
    for (const id of ["999999", "abc", "-1"]) {
      const response = await fetch(`${portal.baseUrl}/admin/smt/files/${id}`, { headers: { cookie } });
      expect(response.status).toBe(404);
      expect(await response.text()).toContain("There is no SMT file with that id.");
    }
  });
});

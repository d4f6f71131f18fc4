import tls from "node:tls";
import { request } from "undici";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { mkdtempSync, statSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { toCentralWallClock } from "../../../app/ercot/sources/central-time";
import { loadOrCreateFakeErcotPki } from "./pki";
import { startFakeErcot, type FakeErcot } from "./server";
import { FAKE_TODAY } from "./sources-config";

let fake: FakeErcot;
beforeAll(async () => {
  fake = await startFakeErcot({ today: FAKE_TODAY });
});
afterAll(() => fake.stop());
beforeEach(() => fake.reset());

interface ListedDocument {
  Document: Record<string, unknown>;
}

async function listJson(
  query = "reportTypeId=203",
): Promise<{ ListDocsByRptTypeRes: { DocumentList?: ListedDocument[] } }> {
  const response = await request(`${fake.url}/misapp/servlets/IceDocListJsonWS?${query}`);
  return (await response.body.json()) as { ListDocsByRptTypeRes: { DocumentList?: ListedDocument[] } };
}

describe("fake ERCOT server", () => {
  it("lists documents newest first with every field a string, ignoring a bare cache-buster param", async () => {
    const list = (await listJson("reportTypeId=203&_1718000000")).ListDocsByRptTypeRes.DocumentList ?? [];
    expect(list.length).toBe(25);
    for (const { Document } of list) for (const value of Object.values(Document)) expect(typeof value).toBe("string");
    const docIds = list.map(({ Document }) => Number(Document.DocID));
    expect([...docIds].sort((a, b) => b - a)).toEqual(docIds);
    expect(docIds[0]).toBeGreaterThan(1.2e9);
  });

  it("publishes one DAILY per TDSP per day sharing a PublishDate second, and FUL files on the first Monday at 18:11", async () => {
    const list = (await listJson()).ListDocsByRptTypeRes.DocumentList ?? [];
    const june3 = list.filter(({ Document }) => String(Document.PublishDate).startsWith("2026-06-03"));
    expect(new Set(june3.map(({ Document }) => Document.PublishDate))).toEqual(new Set(["2026-06-03T05:52:19-05:00"]));
    expect(new Set(june3.map(({ Document }) => String(Document.ConstructedName).split(".")[4])).size).toBe(
      june3.length,
    );
    const ful = list.filter(({ Document }) => String(Document.FriendlyName).endsWith("_FUL"));
    expect(ful.length).toBe(5);
    expect(ful.every(({ Document }) => String(Document.PublishDate).startsWith("2026-06-01T18:11:39-05:00"))).toBe(
      true,
    );
    expect(list.map(({ Document }) => Document.FriendlyName)).toContain("LUBBOCK______DAILY");
  });

  it("serves the zip with the ConstructedName in Content-Disposition and an exact Content-Length", async () => {
    const [document] = fake.documents;
    const response = await request(`${fake.url}/misdownload/servlets/mirDownload?doclookupId=${document.docId}`);
    const body = Buffer.from(await response.body.arrayBuffer());
    expect(response.headers["content-disposition"]).toBe(`attachment; filename="${document.constructedName}"`);
    expect(Number(response.headers["content-length"])).toBe(document.contentSize);
    expect(body.length).toBe(document.contentSize);
    expect(body.subarray(0, 4)).toEqual(Buffer.from("PK\x03\x04", "latin1"));
  });

  it("embeds the product blob on one line and leaves the report table empty", async () => {
    const html = await (await request(fake.pageUrl)).body.text();
    expect(html).toMatch(/product = \{.*"reportTypeId_i":203.*\};<\/script>/);
    expect(html).toMatch(/<table id="reportTable"[^>]*>.*<tbody><\/tbody><\/table>/);
  });

  it("switches scenarios over the HTTP control endpoint", async () => {
    const switched = await request(`${fake.url}/__fake/scenario`, {
      method: "POST",
      body: JSON.stringify({ name: "maintenance-503" }),
    });
    expect((await switched.body.json()) as object).toMatchObject({ maintenance: { status: 503 } });
    const response = await request(`${fake.url}/misapp/servlets/IceDocListJsonWS?reportTypeId=203`);
    expect(response.statusCode).toBe(503);
    expect(await response.body.text()).toContain("Scheduled Maintenance");
  });

  it("reposts a FriendlyName under a new DocID with the same bytes when asked", async () => {
    const original = fake.documents[0];
    const repost = fake.repost(original.docId, { sameBytes: true });
    expect(repost.friendlyName).toBe(original.friendlyName);
    expect(Number(repost.docId)).toBeGreaterThan(Number(original.docId));
    expect(repost.contentSize).toBe(original.contentSize);
    expect(fake.documents[0].docId).toBe(repost.docId);
  });

  it("hands out a client PFX that Node loads and a legacy one that Node 20 refuses", () => {
    const { clientPfxBase64, legacyPfxBase64, clientPfxPassphrase } = fake.tls;
    expect(() =>
      tls.createSecureContext({ pfx: Buffer.from(clientPfxBase64, "base64"), passphrase: clientPfxPassphrase }),
    ).not.toThrow();
    expect(() =>
      tls.createSecureContext({ pfx: Buffer.from(legacyPfxBase64, "base64"), passphrase: clientPfxPassphrase }),
    ).toThrow(/Unsupported PKCS12 PFX data/);
  });

  it("publishes up to the real today in Central time unless told otherwise", async () => {
    const wall = toCentralWallClock(new Date());
    const today = `${wall.year}-${String(wall.month).padStart(2, "0")}-${String(wall.day).padStart(2, "0")}`;
    const defaults = await startFakeErcot({ pki: fake.pki });
    try {
      expect(defaults.today).toBe(today);
      const newest = defaults.documents[0].constructedName.split(".")[3];
      expect(newest).toBe(today.replace(/-/g, ""));
    } finally {
      await defaults.stop();
    }
  });

  it("keeps its certificates in a private folder and reuses them at the next start", () => {
    const dir = path.join(mkdtempSync(path.join(os.tmpdir(), "fake-ercot-pki-")), "fake-ercot");
    const first = loadOrCreateFakeErcotPki(dir);
    const second = loadOrCreateFakeErcotPki(dir);
    expect(second.apiClient.certPem).toBe(first.apiClient.certPem);
    expect(second.apiClientPfxBase64).toBe(first.apiClientPfxBase64);
    expect(statSync(dir).mode & 0o777).toBe(0o700);
    expect(statSync(path.join(dir, "pki.json")).mode & 0o777).toBe(0o600);
  });

  it("refuses a TLS client without a certificate on the EWS port", async () => {
    await expect(
      new Promise((resolve, reject) => {
        const socket = tls.connect(
          { host: "127.0.0.1", port: Number(new URL(fake.ewsUrl).port), ca: fake.tls.caPem },
          () => {
            socket.write("GET /misdownload/servlets/mirDownload?doclookupId=1 HTTP/1.1\r\nHost: x\r\n\r\n");
          },
        );
        socket.on("data", resolve);
        socket.on("error", reject);
        socket.on("close", () => reject(new Error("closed without an answer")));
      }),
    ).rejects.toThrow();
  });
});

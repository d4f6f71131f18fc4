import { createHash } from "node:crypto";
import type { Readable } from "node:stream";
import yauzl from "yauzl";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { startFakeErcot, type FakeErcot } from "../../../tests/fakes/ercot/server";
import { FAKE_TODAY, sourcesConfigFor } from "../../../tests/fakes/ercot/sources-config";
import { extractReportTypeId, ScrapeSource } from "./scrape.server";

let fake: FakeErcot;
const warnings: string[] = [];
beforeAll(async () => {
  fake = await startFakeErcot({ today: FAKE_TODAY });
});
afterAll(() => fake.stop());
beforeEach(() => {
  fake.reset();
  warnings.length = 0;
});

function scrapeSource(overrides: Parameters<typeof sourcesConfigFor>[1] = {}) {
  return new ScrapeSource(sourcesConfigFor(fake, overrides), { onWarning: (message) => warnings.push(message) });
}

async function readAll(body: Readable): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of body) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks);
}

const sha256 = (bytes: Buffer) => createHash("sha256").update(bytes).digest("hex");

function statusesFor(route: string): Array<number | undefined> {
  return fake.requestLog.filter((entry) => entry.route === route).map((entry) => entry.status);
}

function firstEntryText(zip: Buffer): Promise<string> {
  return new Promise((resolve, reject) => {
    yauzl.fromBuffer(zip, { lazyEntries: true }, (error, file) => {
      if (error || !file) return reject(error);
      file.once("entry", (entry: yauzl.Entry) =>
        file.openReadStream(entry, (streamError, stream) => {
          if (streamError || !stream) return reject(streamError);
          readAll(stream).then((bytes) => resolve(bytes.toString("latin1")), reject);
        }),
      );
      file.readEntry();
    });
  });
}

describe("scrape source (ercot.com product page, MIS JSON list, mirDownload)", () => {
  it("reads the report type from the page, lists every published document and downloads the exact bytes", async () => {
    const source = scrapeSource();
    const documents = (await source.listDocuments()).documents;
    expect(documents).toHaveLength(fake.documents.length);
    expect(documents[0]).toMatchObject({
      docId: fake.documents[0].docId,
      source: "scrape",
      contentSize: fake.documents[0].contentSize,
    });
    const download = await source.download(documents[0]);
    const bytes = await readAll(download.body);
    expect(download.contentLength).toBe(fake.documents[0].contentSize);
    expect(sha256(bytes)).toBe(sha256(await readAll(fake.documentStream(documents[0].docId))));
    expect(fake.requestLog.find((entry) => entry.route === "list")?.query).toContain("reportTypeId=203");
    await source.close();
  });

  it("finds reportTypeId in a reformatted product blob and falls back to the configured id with a warning when it is gone", async () => {
    fake.setScenario("page-reformatted");
    expect(await scrapeSource({ reportTypeId: "999" }).discoverReportTypeId()).toBe("203");
    fake.setScenario("page-without-product");
    expect(await scrapeSource().discoverReportTypeId()).toBe("203");
    expect(warnings.join(" ")).toMatch(/no longer shows reportTypeId_i/);
    expect(extractReportTypeId("<script>var reportTypeID = 203;</script>")).toBe("203");
  });

  it("retries a 5xx answer and then succeeds", async () => {
    fake.setScenario({ serverErrors: { remaining: 2, status: 502, routes: ["list"] } });
    const documents = (await scrapeSource().listDocuments()).documents;
    expect(documents).toHaveLength(fake.documents.length);
    expect(statusesFor("list")).toEqual([502, 502, 200]);
  });

  it("reports a 503 maintenance page after retrying, naming the page", async () => {
    fake.setScenario("maintenance-503");
    await expect(scrapeSource().listDocuments()).rejects.toThrow(/HTTP 503 \(ERCOT - Scheduled Maintenance\)/);
    expect(statusesFor("list")).toEqual([503, 503, 503]);
  });

  it("refuses a maintenance page served with status 200 instead of the list", async () => {
    fake.setScenario("maintenance-200");
    await expect(scrapeSource().listDocuments()).rejects.toThrow(
      /returned an HTML page \("ERCOT - Scheduled Maintenance"\) instead of the document list/,
    );
  });

  it("rejects an HTML page served by mirDownload as not a zip", async () => {
    const source = scrapeSource();
    const [document] = (await source.listDocuments()).documents;
    fake.setScenario({ maintenance: { status: 200, routes: ["download"] } });
    await expect(source.download(document)).rejects.toThrow(
      /ERCOT returned an HTML page \("ERCOT - Scheduled Maintenance"\), not a zip/,
    );
  });

  it('rejects a 200 "NO Results" answer by its missing zip magic, without retrying', async () => {
    const source = scrapeSource();
    const [document] = (await source.listDocuments()).documents;
    fake.setScenario("no-results");
    await expect(source.download(document)).rejects.toThrow(/starts with "NO Results"/);
    expect(statusesFor("download")).toEqual([200]);
  });

  it("detects a truncated body (Content-Length larger than the bytes sent)", async () => {
    const source = scrapeSource();
    const [document] = (await source.listDocuments()).documents;
    fake.setScenario("truncated");
    const download = await source.download(document);
    await expect(readAll(download.body)).rejects.toThrow(/broke off after \d+ bytes/);
  });

  it("gives up on a server that does not answer within the headers timeout", async () => {
    // undici's timers tick about once a second, so the delay must clear that resolution.
    fake.setScenario({ delay: { ms: 2_500, routes: ["list"] } });
    const source = scrapeSource({
      timeouts: { headersMs: 200 },
      retry: { attempts: 2, minDelayMs: 10, maxDelayMs: 20 },
    });
    await expect(source.listDocuments()).rejects.toThrow(/did not start answering in time/);
    expect(fake.requestLog.filter((entry) => entry.route === "list")).toHaveLength(2);
  });

  it("fails a download whose body stalls longer than the idle timeout, and completes a slow but steady one", async () => {
    const source = scrapeSource({ timeouts: { idleMs: 300 } });
    const [document] = (await source.listDocuments()).documents;
    fake.setScenario({ slowBody: { chunkBytes: 1024, intervalMs: 50 } });
    const steady = await source.download(document);
    expect((await readAll(steady.body)).length).toBe(document.contentSize);
    fake.setScenario({ slowBody: { chunkBytes: 1024, intervalMs: 1_000 } });
    const stalled = await source.download(document);
    await expect(readAll(stalled.body)).rejects.toThrow(/transfer stalled/);
  });

  it("lists a reposted FriendlyName twice under different DocIDs, with the same or new bytes", async () => {
    const original = fake.documents[0];
    const sameBytes = fake.repost(original.docId, { sameBytes: true });
    const newBytes = fake.repost(original.docId, { sameBytes: false });
    const source = scrapeSource();
    const documents = (await source.listDocuments()).documents;
    const copies = documents.filter(
      (document) => document.friendlyName === original.friendlyName && document.kind === original.kind,
    );
    expect(copies.map((document) => document.docId)).toEqual(
      expect.arrayContaining([original.docId, sameBytes.docId, newBytes.docId]),
    );
    const hashOf = async (docId: string) =>
      sha256(await readAll((await source.download(documents.find((document) => document.docId === docId)!)).body));
    expect(await hashOf(sameBytes.docId)).toBe(await hashOf(original.docId));
    expect(await hashOf(newBytes.docId)).not.toBe(await hashOf(original.docId));
  });

  it("treats an empty DocumentList and a missing one alike: no documents", async () => {
    fake.setScenario("empty-list");
    expect((await scrapeSource().listDocuments()).documents).toEqual([]);
    fake.setScenario("missing-document-list");
    expect((await scrapeSource().listDocuments()).documents).toEqual([]);
  });

  it("accepts numeric fields and a single document object", async () => {
    fake.setScenario("numeric-fields");
    expect((await scrapeSource().listDocuments()).documents).toHaveLength(fake.documents.length);
    fake.setScenario("single-document");
    expect((await scrapeSource().listDocuments()).documents).toHaveLength(1);
  });

  it("downloads CRLF and 19-column files byte for byte", async () => {
    const published = fake.publish({
      tdsp: "AEP_NORTH",
      publishedAt: new Date("2026-06-03T11:00:00Z"),
      layout: 19,
      lineEnding: "\r\n",
      csvBytes: 8_000,
    });
    const source = scrapeSource();
    const document = (await source.listDocuments()).documents.find((candidate) => candidate.docId === published.docId)!;
    expect(document.tdsp).toBe("AEP_NORTH");
    const csv = await firstEntryText(await readAll((await source.download(document)).body));
    expect(csv).toContain("\r\n");
    expect(csv.split("\r\n")[0].match(/("(?:[^"]|"")*"|[^,]*)(,|$)/g)?.length).toBeGreaterThanOrEqual(19);
    expect(csv).toHaveLength(8_000);
  });
});

// Real ERCOT transport behaviour: redirects, and a zip judged by its transport and its own structure.
import { readdir } from "node:fs/promises";
import path from "node:path";
import { beforeEach, describe, expect, it } from "vitest";
import { db } from "~/db/prisma.server";
import { type LocalStorage } from "~/storage/local.server";
import { centralInstant } from "../fakes/ercot/publication";
import type { FakeErcot } from "../fakes/ercot/server";
import { useErcotIngestHarness } from "./support/ingest-harness";
import { sourcesConfigFor } from "../fakes/ercot/sources-config";

const harness = useErcotIngestHarness("ercot-transport-");
let fake: FakeErcot;
let root: string;
let store: LocalStorage;
beforeEach(() => ({ fake, store, root } = harness));

const { scrapeOnly, ingest } = harness;
const ewsOnly = () => sourcesConfigFor(fake, { api: { subscriptionKey: undefined } });

async function keysIn() {
  const keys: string[] = [];
  for await (const object of store.list("ercot/")) keys.push(object.key);
  return keys;
}

function publishOne(csvBytes = 40_000) {
  fake.clearDocuments();
  return fake.publish({ tdsp: "ONCOR_ELEC", publishedAt: centralInstant("2026-06-03", 5, 52, 19, 164), csvBytes });
}

const requestsTo = (hostPrefix: string) =>
  fake.requestLog.filter((entry) => String(entry.headers.host ?? "").startsWith(hostPrefix));

describe("ERCOT redirects", () => {
  it("follows redirects on the product page, the MIS list and mirDownload within ERCOT's host", async () => {
    fake.setScenario("redirect");
    const outcome = await ingest(scrapeOnly());
    expect(outcome.status).toBe("succeeded");
    expect(outcome.summary.stored).toBe(fake.documents.length);
    const redirected = fake.requestLog.filter((entry) => entry.status === 302).map((entry) => entry.route);
    expect(new Set(redirected)).toEqual(new Set(["page", "list", "download"]));
  });

  it("follows the EWS download's redirect on the EWS host with the client certificate", async () => {
    publishOne();
    fake.setScenario("redirect");
    const outcome = await ingest(ewsOnly());
    expect(outcome.summary.source).toBe("ews");
    expect(outcome.status).toBe("succeeded");
    expect(fake.requestLog.filter((entry) => entry.route === "ews-download" && entry.status === 302)).toHaveLength(2);
  });

  it("refuses a redirect from HTTPS to plain http, even on a configured host, and sends nothing there", async () => {
    publishOne();
    fake.setScenario("redirect-to-http");
    const outcome = await ingest(ewsOnly());
    expect(outcome.status).toBe("failed");
    expect(outcome.summary.results[0]).toMatchObject({ error: expect.stringContaining("which is not HTTPS") });
    expect(fake.requestLog.filter((entry) => entry.transport === "http" && entry.route === "download")).toEqual([]);
    expect(await keysIn()).toEqual([]);
  });

  it.each([
    ["the MIS list", scrapeOnly],
    ["an EWS download with its client certificate", ewsOnly],
  ] as const)("never follows %s to a foreign host", async (_what, config) => {
    publishOne();
    fake.setScenario("redirect-foreign");
    const outcome = await ingest(config());
    expect(outcome.status).toBe("failed");
    expect(JSON.stringify(outcome)).toContain("localhost");
    expect(JSON.stringify(outcome)).toContain("which is not a configured ERCOT host");
    expect(requestsTo("localhost")).toEqual([]);
  });

  it("stops a redirect loop and a chain longer than five hops with the reason", async () => {
    publishOne();
    fake.setScenario("redirect-loop");
    const loop = await ingest(scrapeOnly());
    expect(loop.status).toBe("failed");
    expect(loop.error).toContain("loop back to a URL already visited");
    expect(fake.requestLog.filter((entry) => entry.route === "list").length).toBeLessThanOrEqual(2);

    fake.setScenario("redirect-too-many");
    const chain = await ingest(scrapeOnly());
    expect(chain.status).toBe("failed");
    expect(chain.error).toContain("redirected more than 5 times");
  });
});

describe("ERCOT zip integrity", () => {
  it("stores a complete, valid zip whose listed ContentSize is wrong, with a warning on the row and the run", async () => {
    const document = publishOne();
    fake.setScenario("content-size-lies");
    const outcome = await ingest(scrapeOnly());
    expect(outcome.status).toBe("warning");
    expect(outcome.summary.results[0]).toMatchObject({
      key: expect.any(String),
      bytes: document.contentSize,
      warning: expect.stringContaining(`ERCOT listed ${document.contentSize + 1000} bytes`),
    });
    expect(outcome.summary.warnings).toEqual([expect.stringContaining(`ERCOT listed ${document.contentSize + 1000}`)]);
    const row = await db().ercotIngest.findUniqueOrThrow({ where: { docId: document.docId } });
    expect(row).toMatchObject({ status: "stored", error: null, warning: expect.stringContaining("CRC") });
    expect(await keysIn()).toEqual([row.storageKey]);
  });

  it.each([
    [
      "cut short, with Content-Length and ContentSize agreeing with the cut",
      "truncated-consistent",
      /not a complete, valid zip/,
    ],
    ["with an entry whose CRC-32 is wrong", "corrupt-crc", /CRC-32/],
  ] as const)(
    "never keeps a zip %s: the object is removed, the row failed, and the next run stores it",
    async (_what, scenario, reason) => {
      const document = publishOne();
      fake.setScenario(scenario);
      const outcome = await ingest(scrapeOnly());
      expect(outcome.status).toBe("failed");
      expect(outcome.summary.results[0]).toMatchObject({ docId: document.docId, error: expect.stringMatching(reason) });
      const row = await db().ercotIngest.findUniqueOrThrow({ where: { docId: document.docId } });
      expect(row.status).toBe("failed");
      expect(await keysIn()).toEqual([]);
      expect(await readdir(path.join(root, ".tmp"))).toEqual([]);

      fake.setScenario("normal");
      const next = await ingest(scrapeOnly());
      expect(next.status).toBe("succeeded");
      expect(next.summary.results[0]).toMatchObject({ docId: document.docId, bytes: document.contentSize });
    },
  );
});

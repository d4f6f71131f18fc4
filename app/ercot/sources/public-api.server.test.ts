import { createHash } from "node:crypto";
import type { Readable } from "node:stream";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { startFakeErcot, type FakeErcot } from "../../../tests/fakes/ercot/server";
import { FAKE_NOW, FAKE_TODAY, sourcesConfigFor } from "../../../tests/fakes/ercot/sources-config";
import { PublicApiSource } from "./public-api.server";

let fake: FakeErcot;
beforeAll(async () => {
  fake = await startFakeErcot({ today: FAKE_TODAY });
});
afterAll(() => fake.stop());
beforeEach(() => {
  fake.reset();
});

function apiSource(overrides: Parameters<typeof sourcesConfigFor>[1] = {}, dependencies = {}) {
  return new PublicApiSource(sourcesConfigFor(fake, overrides), { now: () => FAKE_NOW, ...dependencies });
}

const apiRequests = () => fake.requestLog.filter((entry) => entry.route === "api");

async function sha256(body: Readable): Promise<string> {
  const hash = createHash("sha256");
  for await (const chunk of body) hash.update(chunk as Buffer);
  return hash.digest("hex");
}

describe("Public API source (api.ercot.com)", () => {
  it("signs in for a fresh id_token, sends both headers on every call and lists the archive", async () => {
    const source = apiSource();
    const documents = (await source.listDocuments()).documents;
    expect(documents).toHaveLength(fake.documents.length);
    expect(documents[0]).toMatchObject({ docId: fake.documents[0].docId, source: "api", contentSize: null });
    expect(documents[0].constructedName).toMatch(
      /^ext\.00000203\.0000000000000000\.20260603\.055219000\.TNMP_________DAILY\.zip$/,
    );
    expect(documents[0].downloadUrl).toContain("/api/public-reports/archive/zp15-612?download=");
    for (const entry of apiRequests()) {
      expect(entry.headers["ocp-apim-subscription-key"]).toBe(fake.credentials.subscriptionKey);
      expect(entry.headers.authorization).toMatch(/^Bearer ey/);
    }
    await source.listDocuments();
    expect(fake.requestLog.filter((entry) => entry.route === "token")).toHaveLength(2);
  });

  it("downloads through ?download= with the same bytes as MIS", async () => {
    const source = apiSource();
    const [document] = (await source.listDocuments()).documents;
    const download = await source.download(document);
    expect(await sha256(download.body)).toBe(await sha256(fake.documentStream(document.docId)));
  });

  it("pages through _meta.totalPages", async () => {
    await apiSource({ api: { pageSize: 10 } }).listDocuments();
    const pages = apiRequests()
      .filter((entry) => entry.path.includes("/archive/"))
      .map((entry) => new URLSearchParams(entry.query).get("page"));
    expect(pages).toEqual(["1", "2", "3"]);
  });

  it("accepts expires_in as a string", async () => {
    fake.setScenario({ tokenExpiresIn: "string" });
    expect((await apiSource().listDocuments()).documents).toHaveLength(fake.documents.length);
  });

  it("says which setting to fix when the password is wrong", async () => {
    await expect(apiSource({ api: { password: "wrong" } }).listDocuments()).rejects.toThrow(
      "ERCOT rejected the Public API username or password (invalid_grant). Check ERCOT_USERNAME and ERCOT_PASSWORD.",
    );
  });

  it("reports a 401 without a subscription key and never echoes secrets", async () => {
    const error = await apiSource({ api: { subscriptionKey: "" } })
      .listDocuments()
      .catch((caught: Error) => caught);
    expect((error as Error).message).toMatch(
      /refused the subscription key \(HTTP 401: Access denied due to missing subscription key/,
    );
    expect((error as Error).message).not.toContain(fake.credentials.password);
    expect(apiRequests()).toHaveLength(1);
  });

  it("says ZP15-612 is not served by the Public API when the product probe answers 404", async () => {
    fake.setScenario("api-not-exposed");
    await expect(apiSource().listDocuments()).rejects.toThrow("ZP15-612 is not served by the Public API (HTTP 404)");
    expect(apiRequests()).toHaveLength(1);
  });

  it("backs off after a 429 and succeeds once the window frees up", async () => {
    fake.setScenario({ apiRateLimit: { perWindow: 2, windowMs: 400 } });
    const source = apiSource({ api: { pageSize: 10 }, retry: { attempts: 6, minDelayMs: 150, maxDelayMs: 400 } });
    const documents = (await source.listDocuments()).documents;
    expect(documents).toHaveLength(fake.documents.length);
    expect(apiRequests().some((entry) => entry.status === 429)).toBe(true);
    expect(apiRequests().at(-1)?.status).toBe(200);
  });

  it("paces itself so a strict rolling-window limit never answers 429", async () => {
    // The fake's window is a little shorter than the client's, for the jitter between sending and arrival.
    fake.setScenario({ apiRateLimit: { perWindow: 4, windowMs: 700 } });
    const source = apiSource({ api: { pageSize: 3, pacing: { requests: 4, windowMs: 800 } } });
    const documents = (await source.listDocuments()).documents;
    expect(documents).toHaveLength(fake.documents.length);
    const expected = 1 + Math.ceil(fake.documents.length / 3);
    expect(apiRequests().map((entry) => entry.status)).toEqual(Array(expected).fill(200));
  });
});

import { rootCertificates } from "node:tls";
import { ERCOT_USER_AGENT, trustedCas } from "~/ercot/http.server";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { startFakeErcot, type FakeErcot } from "../../../tests/fakes/ercot/server";
import { FAKE_NOW, FAKE_TODAY, sourcesConfigFor } from "../../../tests/fakes/ercot/sources-config";
import { AllSourcesFailedError, createErcotSources, downloadDocument, listWithFallback } from "./index.server";

let fake: FakeErcot;
beforeAll(async () => {
  fake = await startFakeErcot({ today: FAKE_TODAY });
});
afterAll(() => fake.stop());
beforeEach(() => fake.reset());

const dependencies = { now: () => FAKE_NOW, onWarning: () => undefined };

describe("ERCOT source selection and fallback", () => {
  it("orders configured sources EWS, Public API, scrape, and always keeps scrape", () => {
    expect(createErcotSources(sourcesConfigFor(fake), dependencies).map((source) => source.name)).toEqual([
      "ews",
      "api",
      "scrape",
    ]);
    const scrapeOnly = sourcesConfigFor(fake, { ews: { baseUrl: undefined }, api: { subscriptionKey: undefined } });
    expect(createErcotSources(scrapeOnly, dependencies).map((source) => source.name)).toEqual(["scrape"]);
  });

  it("uses EWS when it answers", async () => {
    const listing = await listWithFallback(createErcotSources(sourcesConfigFor(fake), dependencies));
    expect(listing.source.name).toBe("ews");
    expect(listing.attempts).toEqual([{ source: "ews" }]);
    expect(listing.documents).toHaveLength(fake.documents.length);
  });

  it("falls back to the Public API when EWS answers SECU1073", async () => {
    const config = sourcesConfigFor(fake, {
      ews: { pfxBase64: undefined, certPem: fake.tls.personalCertPem, keyPem: fake.tls.personalKeyPem },
    });
    const listing = await listWithFallback(createErcotSources(config, dependencies));
    expect(listing.source.name).toBe("api");
    expect(listing.attempts[0]).toEqual({ source: "ews", error: expect.stringContaining("SECU1073") });
    expect(listing.attempts[1]).toEqual({ source: "api" });
  });

  it("falls back to scraping when ZP15-612 is not exposed by the Public API", async () => {
    fake.setScenario("api-not-exposed");
    const config = sourcesConfigFor(fake, { ews: { baseUrl: undefined } });
    const listing = await listWithFallback(createErcotSources(config, dependencies));
    expect(listing.source.name).toBe("scrape");
    expect(listing.attempts[0].error).toContain("ZP15-612 is not served by the Public API");
    const download = await downloadDocument(createErcotSources(config, dependencies), listing.documents[0]);
    download.body.destroy();
    expect(fake.requestLog.at(-1)?.route).toBe("download");
  });

  it("downloads through the source that listed the document", async () => {
    const sources = createErcotSources(sourcesConfigFor(fake), dependencies);
    const listing = await listWithFallback(sources);
    const download = await downloadDocument(sources, listing.documents[0]);
    for await (const chunk of download.body) expect(chunk).toBeInstanceOf(Buffer);
    expect(fake.requestLog.at(-1)?.route).toBe("ews-download");
  });

  it("reports every source's reason when all of them fail", async () => {
    fake.setScenario({ maintenance: { status: 503, routes: ["page", "list", "api", "ews"] } });
    const config = sourcesConfigFor(fake, { retry: { attempts: 1, minDelayMs: 1, maxDelayMs: 1 } });
    const failure = await listWithFallback(createErcotSources(config, dependencies)).catch((error: unknown) => error);
    expect(failure).toBeInstanceOf(AllSourcesFailedError);
    expect((failure as AllSourcesFailedError).attempts.map((attempt) => attempt.source)).toEqual([
      "ews",
      "api",
      "scrape",
    ]);
    expect((failure as Error).message).toMatch(
      /^No ERCOT source could list.*ews: .*HTTP 503.*api: .*scrape: .*Scheduled Maintenance/,
    );
  });

  it("sends a descriptive User-Agent on every ERCOT request, whatever the channel", async () => {
    for (const config of [sourcesConfigFor(fake), sourcesConfigFor(fake, { ews: { baseUrl: undefined } })]) {
      const sources = createErcotSources(config, dependencies);
      const listing = await listWithFallback(sources);
      (await downloadDocument(sources, listing.documents[0])).body.destroy();
    }
    const scraped = createErcotSources(
      sourcesConfigFor(fake, { ews: { baseUrl: undefined }, api: { subscriptionKey: undefined } }),
    );
    (await downloadDocument(scraped, (await listWithFallback(scraped)).documents[0])).body.destroy();
    const routes = new Set(fake.requestLog.map((entry) => entry.route));
    expect(routes).toEqual(new Set(["ews", "ews-download", "token", "api", "page", "list", "download"]));
    for (const entry of fake.requestLog) expect(entry.headers["user-agent"], entry.route).toBe(ERCOT_USER_AGENT);
  });

  it("adds ERCOT_EWS_CA to Node's default roots instead of replacing them", () => {
    const trusted = trustedCas(fake.tls.caPem)!;
    expect(trusted).toEqual(expect.arrayContaining([...rootCertificates, fake.tls.caPem]));
    expect(trustedCas(undefined)).toBeUndefined();
  });
});

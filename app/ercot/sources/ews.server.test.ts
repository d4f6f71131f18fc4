import { createHash } from "node:crypto";
import type { Readable } from "node:stream";
import { Agent, request } from "undici";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { startFakeErcot, type FakeErcot } from "../../../tests/fakes/ercot/server";
import { FAKE_NOW, FAKE_TODAY, sourcesConfigFor } from "../../../tests/fakes/ercot/sources-config";
import { EwsSource, ewsEndpoint } from "./ews.server";
import { loadClientCertificate } from "./certificates.server";
import {
  buildGetReportsEnvelope,
  MARKET_INFO_SOAP_ACTION,
  parseGetReportsReply,
  signEnvelope,
} from "./ews-soap.server";

let fake: FakeErcot;
beforeAll(async () => {
  fake = await startFakeErcot({ today: FAKE_TODAY });
});
afterAll(() => fake.stop());
beforeEach(() => fake.reset());

function ewsSource(ews: NonNullable<Parameters<typeof sourcesConfigFor>[1]>["ews"] = {}, now = FAKE_NOW) {
  return new EwsSource(sourcesConfigFor(fake, { ews }), { now: () => now });
}

async function sha256(body: Readable): Promise<string> {
  const hash = createHash("sha256");
  for await (const chunk of body) hash.update(chunk as Buffer);
  return hash.digest("hex");
}

/** Talks to EWS over mutual TLS directly, to send what the source never would. */
async function postRaw(envelope: string, soapAction: string): Promise<string> {
  const agent = new Agent({
    connect: { ca: fake.tls.caPem, cert: fake.tls.clientCertPem, key: fake.tls.clientKeyPem },
  });
  try {
    const response = await request(ewsEndpoint(fake.ewsUrl), {
      dispatcher: agent,
      method: "POST",
      headers: { "Content-Type": "text/xml; charset=utf-8", SOAPAction: soapAction },
      body: envelope,
    });
    expect(response.statusCode).toBe(500);
    return await response.body.text();
  } finally {
    await agent.close();
  }
}

const unsignedEnvelope = () =>
  buildGetReportsEnvelope({ source: "API_TESTUSER", userId: "API_TESTUSER", reportType: "203" });

describe("EWS source (signed SOAP GetReports over mutual TLS)", () => {
  it("lists reports with a PFX identity and downloads them from MIS with the same certificate", async () => {
    const source = ewsSource();
    const documents = (await source.listDocuments()).documents;
    expect(documents).toHaveLength(fake.documents.length);
    expect(documents[0]).toMatchObject({
      docId: fake.documents[0].docId,
      constructedName: fake.documents[0].constructedName,
      contentSize: fake.documents[0].contentSize,
      source: "ews",
    });
    expect(documents[0].downloadUrl.startsWith(fake.ewsUrl)).toBe(true);
    const download = await source.download(documents[0]);
    expect(await sha256(download.body)).toBe(await sha256(fake.documentStream(documents[0].docId)));
    const ewsCall = fake.requestLog.find((entry) => entry.route === "ews");
    expect(ewsCall?.headers.soapaction).toBe(MARKET_INFO_SOAP_ACTION);
    await source.close();
  });

  it("works with PEM certificate and key pasted with literal \\n sequences", async () => {
    const oneLine = (pem: string) => pem.replace(/\r?\n/g, "\\n");
    const source = ewsSource({
      pfxBase64: undefined,
      certPem: oneLine(fake.tls.clientCertPem),
      keyPem: oneLine(fake.tls.clientKeyPem),
      caPem: oneLine(fake.tls.caPem),
    });
    expect((await source.listDocuments()).documents).toHaveLength(fake.documents.length);
  });

  it("works with a legacy RC2-40 PFX that Node alone cannot open", async () => {
    const source = ewsSource({ pfxBase64: fake.tls.legacyPfxBase64 });
    expect((await source.listDocuments()).documents).toHaveLength(fake.documents.length);
  });

  it("asks only for the configured window: an empty window is an empty list, not an error", async () => {
    const source = ewsSource({ lookbackHours: 24 }, new Date("2026-07-20T12:00:00Z"));
    expect((await source.listDocuments()).documents).toEqual([]);
    const lastDay = (await ewsSource({ lookbackHours: 24 }).listDocuments()).documents;
    expect(lastDay.length).toBe(5);
    expect(lastDay.every((document) => document.publishedAt > new Date("2026-06-03T00:00:00Z"))).toBe(true);
  });

  it("reads a zipped Payload/Compressed reply", async () => {
    fake.setScenario("ews-compressed");
    const documents = (await ewsSource().listDocuments()).documents;
    expect(documents).toHaveLength(fake.documents.length);
  });

  it("sends the certificate's OU (API_…) as UserID and its CN (the company) as Source, as ERCOT's guide says", async () => {
    expect((await ewsSource().listDocuments()).documents).toHaveLength(fake.documents.length);
    await expect(ewsSource({ userId: "FAKE MARKET PARTICIPANT LLC" }).listDocuments()).rejects.toThrow(/SECU1073/);
  });

  it("fails with SECU1073 and the fix when a personal certificate is used", async () => {
    const source = ewsSource({
      pfxBase64: undefined,
      certPem: fake.tls.personalCertPem,
      keyPem: fake.tls.personalKeyPem,
    });
    await expect(source.listDocuments()).rejects.toThrow(/SECU1073.*does not start with prefix-API_.*API certificate/);
    expect(fake.requestLog.filter((entry) => entry.route === "ews")).toHaveLength(1);
  });

  it("has ERCOT refuse an unsigned envelope with SECU1096", async () => {
    const reply = await postRaw(unsignedEnvelope(), MARKET_INFO_SOAP_ACTION);
    await expect(parseGetReportsReply(reply)).rejects.toThrow(/SECU1096.*no valid WS-Security signature/);
  });

  it("has ERCOT refuse an envelope whose signed body was altered with SECU1096", async () => {
    const certificate = loadClientCertificate(sourcesConfigFor(fake).ews)!;
    const tampered = signEnvelope(unsignedEnvelope(), certificate, { signature: "rsa-sha1", digest: "sha1" }).replace(
      "<msg:Option>203</msg:Option>",
      "<msg:Option>204</msg:Option>",
    );
    await expect(parseGetReportsReply(await postRaw(tampered, MARKET_INFO_SOAP_ACTION))).rejects.toThrow(/SECU1096/);
  });

  it("names RUNTIME0031 when the SOAPAction is a URN instead of ERCOT's path", async () => {
    const reply = await postRaw(unsignedEnvelope(), "urn:MarketInfo");
    await expect(parseGetReportsReply(reply)).rejects.toThrow(/RUNTIME0031.*ERCOT_EWS_BASE/);
  });

  it("is rejected with SECU3517 when configured for rsa-sha256, which ERCOT does not accept", async () => {
    await expect(
      ewsSource({ signatureAlgorithm: "rsa-sha256", digestAlgorithm: "sha256" }).listDocuments(),
    ).rejects.toThrow(/SECU3517/);
  });

  it("explains a wrong PFX passphrase without revealing it", async () => {
    const error = await ewsSource({ pfxPassphrase: "not-the-passphrase" })
      .listDocuments()
      .catch((caught: Error) => caught);
    expect((error as Error).message).toMatch(/passphrase is wrong.*ERCOT_EWS_PFX_PASS/);
    expect((error as Error).message).not.toContain("not-the-passphrase");
  });

  it("is configured only with both a base URL and a certificate", () => {
    expect(ewsSource().isConfigured()).toBe(true);
    expect(ewsSource({ baseUrl: undefined }).isConfigured()).toBe(false);
    expect(ewsSource({ pfxBase64: undefined, certPem: undefined, keyPem: undefined }).isConfigured()).toBe(false);
    expect(ewsEndpoint("https://misapi.ercot.com")).toBe("https://misapi.ercot.com/NodalAPI/EWS/");
  });
});

// The fake against the real samples in tests/fixtures/ercot-real/: field names, types, nesting (and, in XML,
// element order) and date formats must agree; values may differ.
import { readFileSync } from "node:fs";
import path from "node:path";
import { XMLParser } from "fast-xml-parser";
import { request } from "undici";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { loadClientCertificate } from "~/ercot/sources/certificates.server";
import { buildGetReportsEnvelope, MARKET_INFO_SOAP_ACTION, signEnvelope } from "~/ercot/sources/ews-soap.server";
import { startFakeErcot, type FakeErcot } from "./server";
import { B2C_TOKEN_PATH } from "./public-api";
import { FAKE_TODAY } from "./sources-config";

const FIXTURES = path.join(__dirname, "../../fixtures/ercot-real");
const fixtureText = (name: string) => readFileSync(path.join(FIXTURES, name), "utf8");
const fixtureJson = (name: string) => JSON.parse(fixtureText(name)) as unknown;

/** What a value looks like, not what it is: strings by format, so dates must be written alike. */
function scalarShape(value: string): string {
  if (/^\d{4}-\d{2}-\d{2}$/.test(value)) return "date";
  if (/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?Z$/.test(value)) return "datetime-utc";
  if (/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?[+-]\d{2}:\d{2}$/.test(value)) return "datetime-offset";
  if (/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?$/.test(value)) return "datetime-local";
  if (/^\d+$/.test(value)) return "digits";
  return "string";
}

/**
 * The shape of a parsed JSON or XML value. Keys are sorted for JSON (order carries no meaning) and kept in
 * document order for XML (Message.xsd's sequences). An empty object in a sample means "an object of any keys".
 */
function shapeOf(value: unknown, ordered = false): unknown {
  if (value === null) return "null";
  if (Array.isArray(value)) {
    const shapes = value.map((element) => JSON.stringify(shapeOf(element, ordered)));
    return { array: [...new Set(shapes)].map((shape) => JSON.parse(shape) as unknown) };
  }
  if (typeof value === "object") {
    const keys = Object.keys(value);
    if (keys.length === 0) return "object";
    return (ordered ? keys : keys.sort()).map((key) => [
      key,
      shapeOf((value as Record<string, unknown>)[key], ordered),
    ]);
  }
  if (typeof value === "string") return scalarShape(value);
  return typeof value;
}

/** An empty object in the sample stands for any object in the fake's answer. */
function openObjects(sample: unknown, actual: unknown): unknown {
  if (sample === "object" && Array.isArray(actual)) return "object";
  if (Array.isArray(sample) && Array.isArray(actual))
    return actual.map((entry, index) => {
      if (!Array.isArray(entry) || !Array.isArray(sample[index])) return entry;
      const [key, inner] = entry as [string, unknown];
      return [key, openObjects((sample[index] as [string, unknown])[1], inner)];
    });
  if (
    sample &&
    typeof sample === "object" &&
    "array" in sample &&
    actual &&
    typeof actual === "object" &&
    "array" in actual
  )
    return {
      array: (actual as { array: unknown[] }).array.map((entry) =>
        openObjects((sample as { array: unknown[] }).array[0], entry),
      ),
    };
  return actual;
}

function expectSameShape(actual: unknown, sample: unknown, ordered = false) {
  const sampleShape = shapeOf(sample, ordered);
  expect(openObjects(sampleShape, shapeOf(actual, ordered))).toEqual(sampleShape);
}

const xml = new XMLParser({ removeNSPrefix: true, ignoreAttributes: true, parseTagValue: false, trimValues: true });
const responseMessage = (text: string) =>
  (xml.parse(text) as { Envelope: { Body: { ResponseMessage: unknown } } }).Envelope.Body.ResponseMessage;

let fake: FakeErcot;
beforeAll(async () => {
  fake = await startFakeErcot({ today: FAKE_TODAY });
});
afterAll(() => fake.stop());

async function getJson(url: string, headers: Record<string, string> = {}) {
  const response = await request(url, { headers });
  return { status: response.statusCode, json: (await response.body.json()) as unknown };
}

/** The B2C resource-owner password request ERCOT documents for the Public API. */
function ropcForm(): URLSearchParams {
  return new URLSearchParams({
    username: fake.credentials.username,
    password: fake.credentials.password,
    grant_type: "password",
    scope: `openid ${fake.credentials.clientId} offline_access`,
    client_id: fake.credentials.clientId,
    response_type: "id_token",
  });
}

async function idToken(): Promise<string> {
  const form = ropcForm();
  const response = await request(`${fake.url}${B2C_TOKEN_PATH}`, {
    method: "POST",
    headers: { "content-type": "application/x-www-form-urlencoded" },
    body: form.toString(),
  });
  return ((await response.body.json()) as { id_token: string }).id_token;
}

describe("the fake ERCOT against real samples", () => {
  it("lists MIS documents exactly as the captured IceDocListJsonWS answer: all strings, offsets on dates", async () => {
    const { json } = await getJson(`${fake.url}/misapp/servlets/IceDocListJsonWS?reportTypeId=203&_=1`);
    expectSameShape(json, fixtureJson("mis-document-list.json"));
  });

  it("embeds the product on its page with the keys and types the real page has", async () => {
    const response = await request(fake.pageUrl);
    const blob = (page: string) =>
      JSON.parse(/\bproduct\s*=\s*(\{[\s\S]*?\})\s*;/.exec(page)![1]) as Record<string, unknown>;
    const real = blob(fixtureText("product-page-script.html"));
    const served = blob(await response.body.text());
    for (const [key, value] of Object.entries(real)) expect([key, shapeOf(served[key])]).toEqual([key, shapeOf(value)]);
  });

  it("answers the B2C token request with the documented ROPC fields", async () => {
    const form = ropcForm();
    const response = await request(`${fake.url}${B2C_TOKEN_PATH}`, { method: "POST", body: form.toString() });
    expectSameShape(await response.body.json(), fixtureJson("api-token.json"));
  });

  it("lists the Public API archive with HAL links, integer docIds and offset-less post times", async () => {
    const token = await idToken();
    const { status, json } = await getJson(`${fake.apiBaseUrl}/api/public-reports/archive/zp15-612?size=1000&page=1`, {
      "Ocp-Apim-Subscription-Key": fake.credentials.subscriptionKey,
      Authorization: `Bearer ${token}`,
    });
    expect(status).toBe(200);
    expectSameShape(json, fixtureJson("api-archive-listing.json"));
  });

  it("answers Public API errors with APIM's and ERCOT's error bodies", async () => {
    const samples = fixtureJson("api-errors.json") as Record<string, { status: number; body: unknown }>;
    const missingKey = await getJson(`${fake.apiBaseUrl}/api/public-reports/archive/zp15-612`);
    expect(missingKey.status).toBe(samples.missingSubscriptionKey.status);
    expectSameShape(missingKey.json, samples.missingSubscriptionKey.body);

    const headers = {
      "Ocp-Apim-Subscription-Key": fake.credentials.subscriptionKey,
      Authorization: `Bearer ${await idToken()}`,
    };
    const notFound = await getJson(`${fake.apiBaseUrl}/api/public-reports/zp15-613`, headers);
    expect(notFound.status).toBe(samples.notFound.status);
    expectSameShape(notFound.json, samples.notFound.body);

    fake.setScenario({ apiRateLimit: { perWindow: 0, windowMs: 60_000 } });
    try {
      const throttled = await getJson(`${fake.apiBaseUrl}/api/public-reports/zp15-612`, headers);
      expect(throttled.status).toBe(samples.throttled.status);
      expectSameShape(throttled.json, samples.throttled.body);
    } finally {
      fake.reset();
    }
  });

  it("builds the GetReports request in the element order and date formats of the published example", () => {
    const built = buildGetReportsEnvelope({
      source: "EXAMPLE_COMPANY",
      userId: "API_EXAMPLE",
      reportType: "203",
      startTime: new Date("2026-06-02T05:00:00Z"),
      endTime: new Date("2026-06-03T05:00:00Z"),
    });
    const requestMessage = (text: string) =>
      (xml.parse(text) as { Envelope: { Body: { RequestMessage: unknown } } }).Envelope.Body.RequestMessage;
    expectSameShape(requestMessage(built), requestMessage(fixtureText("ews-getreports-request.xml")), true);
  });

  it.each([
    ["a report list", "ews-getreports-reply.xml", new Date("2026-05-01T05:00:00Z")],
    ['"No reports found"', "ews-no-reports-reply.xml", new Date("2027-01-01T06:00:00Z")],
  ] as const)("replies to GetReports with %s shaped as ERCOT's", async (_what, fixture, startTime) => {
    const certificate = loadClientCertificate({ certPem: fake.tls.clientCertPem, keyPem: fake.tls.clientKeyPem })!;
    const envelope = buildGetReportsEnvelope({
      source: certificate.commonName,
      userId: certificate.employeeId ?? "",
      reportType: "203",
      startTime,
    });
    const signed = signEnvelope(envelope, certificate, { signature: "rsa-sha1", digest: "sha1" });
    const { Agent } = await import("undici");
    const agent = new Agent({
      connect: { cert: fake.tls.clientCertPem, key: fake.tls.clientKeyPem, ca: fake.tls.caPem },
    });
    try {
      const response = await request(`${fake.ewsUrl}/NodalAPI/EWS/`, {
        method: "POST",
        dispatcher: agent,
        headers: { "content-type": "text/xml; charset=utf-8", soapaction: MARKET_INFO_SOAP_ACTION },
        body: signed,
      });
      const reply = responseMessage(await response.body.text()) as Record<string, unknown>;
      const sample = responseMessage(fixtureText(fixture)) as Record<string, unknown>;
      // The sample lists one report; the fake as many as it publishes, each shaped alike.
      const payload = reply.Payload as { Reports?: { Report?: unknown } } | undefined;
      if (payload?.Reports && Array.isArray(payload.Reports.Report)) payload.Reports.Report = payload.Reports.Report[0];
      expectSameShape(reply, sample, true);
    } finally {
      await agent.close();
    }
  });
});

import { spawnSync } from "node:child_process";
import { mkdtempSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { XMLParser } from "fast-xml-parser";
import { describe, expect, it } from "vitest";
import { createFakeErcotPki } from "../../../tests/fakes/ercot/pki";
import { loadClientCertificate } from "./certificates.server";
import { buildGetReportsEnvelope, parseGetReportsReply, signEnvelope } from "./ews-soap.server";

const envelope = buildGetReportsEnvelope({
  source: "API_TESTUSER",
  userId: "API_TESTUSER",
  reportType: "203",
  startTime: new Date("2026-06-02T05:00:00Z"),
  endTime: new Date("2026-06-03T05:00:00Z"),
  nonce: "bm9uY2Utbm9uY2Utbm9uYw==",
  created: new Date("2026-06-03T11:00:00Z"),
});

const reply = (inner: string) =>
  `<soap:Envelope xmlns:soap="http://schemas.xmlsoap.org/soap/envelope/"><soap:Body>` +
  `<m:ResponseMessage xmlns:m="http://www.ercot.com/schema/2007-06/nodal/ews/message">${inner}</m:ResponseMessage></soap:Body></soap:Envelope>`;

describe("EWS GetReports messages", () => {
  it("orders Header children as Message.xsd's sequence demands", () => {
    const header = /<msg:Header>([\s\S]*)<\/msg:Header>/.exec(envelope)?.[1] ?? "";
    const order = [...header.matchAll(/<msg:(\w+)>/g)].map((match) => match[1]);
    expect(order).toEqual(["Verb", "Noun", "ReplayDetection", "Nonce", "Created", "Revision", "Source", "UserID"]);
  });

  it("asks for report 203 between StartTime and EndTime", () => {
    const request = new XMLParser({ removeNSPrefix: true, parseTagValue: false }).parse(envelope).Envelope.Body
      .RequestMessage.Request;
    expect(request).toEqual({ StartTime: "2026-06-02T05:00:00Z", EndTime: "2026-06-03T05:00:00Z", Option: "203" });
  });

  it("reads reports by local name whatever the prefixes, including a naive created time and an empty size", async () => {
    const reports = await parseGetReportsReply(
      reply(
        `<m:Reply><m:ReplyCode>OK</m:ReplyCode></m:Reply><m:Payload><r:Reports xmlns:r="http://www.ercot.com/schema/2007-06/nodal/ews">` +
          `<r:Report><r:operatingDate>2026-08-20</r:operatingDate><r:fileName>ext.00000203.0000000000000000.20260820.122642000.TNMP_________DAILY.zip</r:fileName>` +
          `<r:created>2026-08-20T12:26:42</r:created><r:size></r:size><r:format>zip</r:format><r:URL>https://mis.ercot.com/misdownload/servlets/mirDownload?doclookupId=1250000000</r:URL></r:Report>` +
          `</r:Reports></m:Payload>`,
      ),
    );
    expect(reports).toEqual([
      expect.objectContaining({
        created: "2026-08-20T12:26:42",
        size: null,
        url: expect.stringContaining("doclookupId=1250000000"),
      }),
    ]);
  });

  it('turns ReplyCode ERROR "No reports found" into an empty list and other errors into failures', async () => {
    const error = (text: string) =>
      reply(`<m:Reply><m:ReplyCode>ERROR</m:ReplyCode><m:Error>${text}</m:Error></m:Reply>`);
    expect(await parseGetReportsReply(error("No reports found matching the criteria"))).toEqual([]);
    await expect(parseGetReportsReply(error("Invalid Option"))).rejects.toThrow(
      'ERCOT EWS answered GetReports with an error: "Invalid Option".',
    );
  });

  it("reads every Error of a Reply, finding No reports found among them", async () => {
    const errors = (...texts: string[]) =>
      reply(
        `<m:Reply><m:ReplyCode>ERROR</m:ReplyCode>${texts.map((text) => `<m:Error>${text}</m:Error>`).join("")}</m:Reply>`,
      );
    expect(
      await parseGetReportsReply(errors("Warning: partial window", "No reports found matching the criteria")),
    ).toEqual([]);
    await expect(parseGetReportsReply(errors("Invalid Option", "Invalid StartTime"))).rejects.toThrow(
      'ERCOT EWS answered GetReports with an error: "Invalid Option; Invalid StartTime".',
    );
  });

  it("takes a fault's code from FaultMessage/Reply/ReplyCode when ERCOT sends one", async () => {
    const fault =
      `<soap:Envelope xmlns:soap="http://schemas.xmlsoap.org/soap/envelope/"><soap:Body><soap:Fault>` +
      `<faultcode>soap:Server</faultcode><faultstring>Request could not be processed</faultstring><detail>` +
      `<m:FaultMessage xmlns:m="http://www.ercot.com/schema/2007-06/nodal/ews/message"><m:Reply>` +
      `<m:ReplyCode>SECU1073</m:ReplyCode><m:Error>Employee Number: JDOE does not start with prefix-API_</m:Error>` +
      `</m:Reply></m:FaultMessage></detail></soap:Fault></soap:Body></soap:Envelope>`;
    await expect(parseGetReportsReply(fault)).rejects.toThrow(
      /refused GetReports with SECU1073.*JDOE.*API certificate/,
    );
  });

  it("signs the Body and a wsu:Timestamp so that an independent verifier (xmlsec1) accepts both", async () => {
    const pki = createFakeErcotPki();
    const certificate = loadClientCertificate({ certPem: pki.apiClient.certPem, keyPem: pki.apiClient.keyPem })!;
    const signed = signEnvelope(envelope, certificate, { signature: "rsa-sha1", digest: "sha1" });
    const dir = mkdtempSync(path.join(os.tmpdir(), "ews-xmlsec-"));
    const verify = (xml: string) => {
      writeFileSync(path.join(dir, "envelope.xml"), xml);
      writeFileSync(path.join(dir, "cert.pem"), pki.apiClient.certPem);
      return spawnSync(
        "xmlsec1",
        [
          "--verify",
          "--pubkey-cert-pem",
          path.join(dir, "cert.pem"),
          "--id-attr:Id",
          "http://schemas.xmlsoap.org/soap/envelope/:Body",
          "--id-attr:Id",
          "http://docs.oasis-open.org/wss/2004/01/oasis-200401-wss-wssecurity-utility-1.0.xsd:Timestamp",
          path.join(dir, "envelope.xml"),
        ],
        { encoding: "utf8" },
      );
    };
    const good = verify(signed);
    expect(good.status, good.stderr).toBe(0);
    expect(good.stderr).toContain("SignedInfo References (ok/all): 2/2");
    const stale = verify(signed.replace(/<wsu:Expires>[^<]+</, "<wsu:Expires>2099-01-01T00:00:00.000Z<"));
    expect(stale.status).not.toBe(0);
  });
});

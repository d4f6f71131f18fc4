import { randomBytes } from "node:crypto";
import { gzipSync } from "node:zlib";
import forge from "node-forge";
import { XMLParser } from "fast-xml-parser";
import { SignedXml } from "xml-crypto";
import { formatCentralIso, parseErcotTimestamp, toCentralWallClock } from "../../../app/ercot/sources/central-time";
import type { FakeDocument } from "./publication";
import { zipBuffer } from "./zip";

export const MARKET_INFO_SOAP_ACTION = "/BusinessService/NodalService.serviceagent/HttpEndPoint/MarketInfo";
const SHA1_SIGNATURE = "http://www.w3.org/2000/09/xmldsig#rsa-sha1";
const SHA1_DIGEST = "http://www.w3.org/2000/09/xmldsig#sha1";

export interface EwsAnswer {
  status: number;
  body: string;
}

export interface EwsContext {
  soapAction: string | undefined;
  body: string;
  documents: readonly FakeDocument[];
  reportTypeId: string;
  downloadUrl: (docId: string) => string;
  compressed: false | "zip" | "gzip";
  fileNames: "constructed" | "friendly";
  requireSha1: boolean;
}

const xmlParser = new XMLParser({
  removeNSPrefix: true,
  ignoreAttributes: false,
  parseTagValue: false,
  trimValues: true,
});

export function soapFault(code: string, text: string): EwsAnswer {
  const body =
    `<?xml version="1.0" encoding="UTF-8"?>` +
    `<soap:Envelope xmlns:soap="http://schemas.xmlsoap.org/soap/envelope/"><soap:Body><soap:Fault>` +
    `<faultcode>soap:Server</faultcode><faultstring>${code}: ${text}</faultstring>` +
    `<detail><ns0:ErrorCode xmlns:ns0="http://www.tibco.com/pe/EngineTypes">${code}</ns0:ErrorCode></detail>` +
    `</soap:Fault></soap:Body></soap:Envelope>`;
  return { status: 500, body };
}

function certificatePem(binarySecurityToken: string): string {
  const base64 = binarySecurityToken.replace(/\s+/g, "");
  return `-----BEGIN CERTIFICATE-----\n${base64.match(/.{1,64}/g)?.join("\n")}\n-----END CERTIFICATE-----\n`;
}

type XmlObject = Record<string, unknown>;
const child = (value: unknown, key: string): unknown =>
  value && typeof value === "object" ? (value as XmlObject)[key] : undefined;
const text = (value: unknown): string | undefined =>
  typeof value === "string"
    ? value
    : typeof value === "number"
      ? String(value)
      : (child(value, "#text") as string | undefined);

/** What ERCOT's EWS checks, in ERCOT's order: operation, WS-Security header, signature, API_ identity, then the request. */
export async function answerGetReports(context: EwsContext): Promise<EwsAnswer> {
  const soapAction = context.soapAction?.replace(/^"|"$/g, "");
  if (soapAction !== MARKET_INFO_SOAP_ACTION) return soapFault("RUNTIME0031", "Failed to locate the operation");
  const envelope = context.body;
  const securityHeader = /<(?:[\w-]+:)?Security\b/.exec(envelope);
  const signatureXml = /<([\w-]+:)?Signature\b[\s\S]*?<\/\1?Signature>/.exec(envelope)?.[0];
  const tokenText = /<(?:[\w-]+:)?BinarySecurityToken\b[^>]*>([\s\S]*?)<\//.exec(envelope)?.[1];
  if (!securityHeader || !signatureXml || !tokenText)
    return soapFault("SECU1096", "Could not find a WS-Security Header");
  if (context.requireSha1) {
    const signatureMethod = /SignatureMethod\b[^>]*Algorithm="([^"]+)"/.exec(signatureXml)?.[1];
    const digestMethod = /DigestMethod\b[^>]*Algorithm="([^"]+)"/.exec(signatureXml)?.[1];
    if (signatureMethod !== SHA1_SIGNATURE)
      return soapFault(
        "SECU3517",
        `The signature algorithm ${signatureMethod} is invalid. Expecting ${SHA1_SIGNATURE}`,
      );
    if (digestMethod !== SHA1_DIGEST)
      return soapFault("SECU3518", `Invalid digest algorithm ${digestMethod}. Expecting ${SHA1_DIGEST}`);
  }
  const pem = certificatePem(tokenText);
  let signedBody: string | undefined;
  let signedTimestamp: string | undefined;
  try {
    const verifier = new SignedXml({ publicCert: pem, getCertFromKeyInfo: () => null, idMode: "wssecurity" });
    verifier.loadSignature(signatureXml);
    if (verifier.checkSignature(envelope)) {
      const references = verifier.getSignedReferences();
      signedBody = references.find((reference) => /^<[\w-]*:?Body\b/.test(reference));
      signedTimestamp = references.find((reference) => /^<[\w-]*:?Timestamp\b/.test(reference));
    }
  } catch {
    signedBody = undefined;
  }
  if (!signedBody) return soapFault("SECU1096", "Could not verify the WS-Security signature over the SOAP Body");
  // XWSS, ERCOT's reference client, signs a wsu:Timestamp by default; a stale or missing one is refused (inference).
  const expires = /<(?:[\w-]+:)?Expires>([^<]+)</.exec(signedTimestamp ?? "")?.[1];
  if (!expires || !(Date.parse(expires) > Date.now()))
    return soapFault("SECU1096", "Could not verify a current, signed WS-Security Timestamp");

  // ERCOT's client guide: CN is the company (the message's Source), an OU is the EmployeeID (the UserID).
  const subject = forge.pki.certificateFromPem(pem).subject;
  const commonName = String(subject.getField("CN")?.value ?? "");
  const employeeId = String(subject.getField("OU")?.value ?? "");
  if (!employeeId.startsWith("API_")) {
    return soapFault(
      "SECU1073",
      `Certificate validation failed. Employee Number: ${employeeId || commonName} does not start with prefix-API_`,
    );
  }
  const message = child(child(xmlParser.parse(signedBody), "Body"), "RequestMessage");
  const header = child(message, "Header");
  const request = child(message, "Request");
  const userId = text(child(header, "UserID")) ?? "";
  if (userId !== employeeId) {
    return soapFault("SECU1073", `User validation failed. Employee Number: ${userId} does not start with prefix-API_`);
  }
  if (text(child(header, "Source")) !== commonName) {
    return soapFault(
      "SECU1073",
      `User validation failed. Source ${text(child(header, "Source")) ?? ""} does not match the certificate`,
    );
  }
  if (
    text(child(header, "Noun")) !== "Reports" ||
    text(child(header, "Verb")) !== "get" ||
    !text(child(header, "Source"))
  ) {
    return soapFault("RUNTIME0031", "Failed to locate the operation");
  }
  const option = text(child(request, "Option"));
  const startText = text(child(request, "StartTime"));
  const endText = text(child(request, "EndTime"));
  const start = startText ? parseErcotTimestamp(startText) : null;
  const end = endText ? parseErcotTimestamp(endText) : null;
  const reports = context.documents.filter(
    (document) =>
      option === context.reportTypeId &&
      (!start || document.publishedAt >= start) &&
      (!end || document.publishedAt <= end),
  );
  if (reports.length === 0)
    return {
      status: 200,
      body: replyEnvelope("ERROR", "<ns0:Error>No reports found matching the criteria</ns0:Error>", ""),
    };
  const reportsXml =
    `<ns1:Reports xmlns:ns1="http://www.ercot.com/schema/2007-06/nodal/ews">` +
    reports.map((document) => reportXml(document, context.downloadUrl(document.docId), context.fileNames)).join("") +
    `</ns1:Reports>`;
  const packed =
    context.compressed === "zip"
      ? await zipBuffer("GetReports.xml", Buffer.from(reportsXml), new Date("2026-01-01T00:00:00Z"))
      : context.compressed === "gzip"
        ? gzipSync(reportsXml)
        : null;
  const payload = packed ? `<ns0:Compressed>${packed.toString("base64")}</ns0:Compressed>` : reportsXml;
  return { status: 200, body: replyEnvelope("OK", "", payload) };
}

function reportXml(document: FakeDocument, url: string, fileNames: EwsContext["fileNames"]): string {
  const wall = toCentralWallClock(document.publishedAt);
  const operatingDate = `${wall.year}-${String(wall.month).padStart(2, "0")}-${String(wall.day).padStart(2, "0")}`;
  return (
    `<ns1:Report>` +
    `<ns1:operatingDate>${operatingDate}</ns1:operatingDate>` +
    `<ns1:reportGroup>TDSP ESI ID EXTRACT</ns1:reportGroup>` +
    `<ns1:fileName>${fileNames === "constructed" ? document.constructedName : document.friendlyName}</ns1:fileName>` +
    // ERCOT's GetReports example writes `created` without an offset (Central wall time).
    `<ns1:created>${formatCentralIso(document.publishedAt, false)}</ns1:created>` +
    `<ns1:size>${document.contentSize}</ns1:size>` +
    `<ns1:format>zip</ns1:format>` +
    `<ns1:URL>${url.replace(/&/g, "&amp;")}</ns1:URL>` +
    `</ns1:Report>`
  );
}

function replyEnvelope(replyCode: "OK" | "ERROR", errorXml: string, payload: string): string {
  const now = new Date();
  return (
    `<?xml version="1.0" encoding="UTF-8"?>` +
    `<soap:Envelope xmlns:soap="http://schemas.xmlsoap.org/soap/envelope/"><soap:Body>` +
    `<ns0:ResponseMessage xmlns:ns0="http://www.ercot.com/schema/2007-06/nodal/ews/message">` +
    `<ns0:Header><ns0:Verb>reply</ns0:Verb><ns0:Noun>Reports</ns0:Noun>` +
    `<ns0:ReplayDetection><ns0:Nonce>${randomBytes(16).toString("base64")}</ns0:Nonce><ns0:Created>${formatCentralIso(now)}</ns0:Created></ns0:ReplayDetection>` +
    `<ns0:Revision>1</ns0:Revision><ns0:Source>ERCOT</ns0:Source></ns0:Header>` +
    `<ns0:Reply><ns0:ReplyCode>${replyCode}</ns0:ReplyCode><ns0:Timestamp>${formatCentralIso(now)}</ns0:Timestamp>${errorXml}</ns0:Reply>` +
    (payload ? `<ns0:Payload>${payload}</ns0:Payload>` : "") +
    `</ns0:ResponseMessage></soap:Body></soap:Envelope>`
  );
}

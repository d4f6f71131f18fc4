import { randomBytes, randomUUID } from "node:crypto";
import { XMLParser } from "fast-xml-parser";
import { SignedXml } from "xml-crypto";
import { ArchiveError, unpackPayload } from "~/zip/archive.server";
import type { EwsDigestAlgorithm, EwsSignatureAlgorithm } from "~/ercot/config";
import { ErcotHttpError } from "~/ercot/http.server";
import type { ClientCertificate } from "./certificates.server";

export const MARKET_INFO_SOAP_ACTION = "/BusinessService/NodalService.serviceagent/HttpEndPoint/MarketInfo";

const SOAP_NS = "http://schemas.xmlsoap.org/soap/envelope/";
const MESSAGE_NS = "http://www.ercot.com/schema/2007-06/nodal/ews/message";
// Message.xsd imports these with the odd `www.docs.` host; kept as ERCOT declares them.
const ERCOT_WSSE_NS = "http://www.docs.oasis-open.org/wss/2004/01/oasis-200401-wss-wssecurity-secext-1.0.xsd";
const ERCOT_WSU_NS = "http://www.docs.oasis-open.org/wss/2004/01/oasis-200401-wss-wssecurity-utility-1.0.xsd";
const WSSE_NS = "http://docs.oasis-open.org/wss/2004/01/oasis-200401-wss-wssecurity-secext-1.0.xsd";
const WSU_NS = "http://docs.oasis-open.org/wss/2004/01/oasis-200401-wss-wssecurity-utility-1.0.xsd";
const X509_TOKEN_TYPE = "http://docs.oasis-open.org/wss/2004/01/oasis-200401-wss-x509-token-profile-1.0#X509v3";
const BASE64_ENCODING =
  "http://docs.oasis-open.org/wss/2004/01/oasis-200401-wss-soap-message-security-1.0#Base64Binary";
const EXCLUSIVE_C14N = "http://www.w3.org/2001/10/xml-exc-c14n#";

const SIGNATURE_ALGORITHMS: Record<EwsSignatureAlgorithm, string> = {
  "rsa-sha1": "http://www.w3.org/2000/09/xmldsig#rsa-sha1",
  "rsa-sha256": "http://www.w3.org/2001/04/xmldsig-more#rsa-sha256",
};
const DIGEST_ALGORITHMS: Record<EwsDigestAlgorithm, string> = {
  sha1: "http://www.w3.org/2000/09/xmldsig#sha1",
  sha256: "http://www.w3.org/2001/04/xmlenc#sha256",
};

function escapeXml(value: string): string {
  return value.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;").replace(/"/g, "&quot;");
}

export interface GetReportsRequest {
  source: string;
  userId: string;
  reportType: string;
  startTime?: Date;
  endTime?: Date;
  /** Fixed in tests; random otherwise. */
  nonce?: string;
  created?: Date;
}

const isoSeconds = (instant: Date) => instant.toISOString().replace(/\.\d{3}Z$/, "Z");
const isoMillis = (instant: Date) => instant.toISOString();

/**
 * GetReports, unsigned. The Header children follow Message.xsd's sequence
 * (Verb, Noun, ReplayDetection, Revision, Source, UserID): ERCOT validates the order.
 */
export function buildGetReportsEnvelope(request: GetReportsRequest): string {
  const timeFilter =
    (request.startTime ? `<msg:StartTime>${isoSeconds(request.startTime)}</msg:StartTime>` : "") +
    (request.endTime ? `<msg:EndTime>${isoSeconds(request.endTime)}</msg:EndTime>` : "");
  return (
    `<?xml version="1.0" encoding="UTF-8"?>` +
    `<soap:Envelope xmlns:soap="${SOAP_NS}">` +
    `<soap:Header/>` +
    `<soap:Body>` +
    `<msg:RequestMessage xmlns:msg="${MESSAGE_NS}" xmlns:wsse="${ERCOT_WSSE_NS}" xmlns:wsu="${ERCOT_WSU_NS}">` +
    `<msg:Header>` +
    `<msg:Verb>get</msg:Verb>` +
    `<msg:Noun>Reports</msg:Noun>` +
    `<msg:ReplayDetection>` +
    `<msg:Nonce>${request.nonce ?? randomBytes(16).toString("base64")}</msg:Nonce>` +
    `<msg:Created>${isoSeconds(request.created ?? new Date())}</msg:Created>` +
    `</msg:ReplayDetection>` +
    `<msg:Revision>1</msg:Revision>` +
    `<msg:Source>${escapeXml(request.source)}</msg:Source>` +
    `<msg:UserID>${escapeXml(request.userId)}</msg:UserID>` +
    `</msg:Header>` +
    `<msg:Request>${timeFilter}<msg:Option>${escapeXml(request.reportType)}</msg:Option></msg:Request>` +
    `</msg:RequestMessage>` +
    `</soap:Body>` +
    `</soap:Envelope>`
  );
}

/**
 * WS-Security X.509 token profile: the certificate as BinarySecurityToken in `wsse:Security`,
 * and an XML signature (exclusive C14N) over the SOAP Body that points at that token.
 */
export function signEnvelope(
  envelope: string,
  certificate: ClientCertificate,
  algorithms: { signature: EwsSignatureAlgorithm; digest: EwsDigestAlgorithm },
  now: Date = new Date(),
): string {
  const tokenId = `X509-${randomUUID()}`;
  const bodyId = `Body-${randomUUID()}`;
  const timestampId = `TS-${randomUUID()}`;
  // XWSS (ERCOT's reference client) adds a signed Timestamp by default; five minutes is its default lifetime.
  const timestamp =
    `<wsu:Timestamp wsu:Id="${timestampId}"><wsu:Created>${isoMillis(now)}</wsu:Created>` +
    `<wsu:Expires>${isoMillis(new Date(now.getTime() + 5 * 60_000))}</wsu:Expires></wsu:Timestamp>`;
  const withSecurity = envelope
    .replace(
      "<soap:Header/>",
      `<soap:Header><wsse:Security xmlns:wsse="${WSSE_NS}" xmlns:wsu="${WSU_NS}" soap:mustUnderstand="1">` +
        `<wsse:BinarySecurityToken EncodingType="${BASE64_ENCODING}" ValueType="${X509_TOKEN_TYPE}" wsu:Id="${tokenId}">` +
        `${certificate.certificateBase64}</wsse:BinarySecurityToken>${timestamp}</wsse:Security></soap:Header>`,
    )
    .replace("<soap:Body>", `<soap:Body xmlns:wsu="${WSU_NS}" wsu:Id="${bodyId}">`);
  const signer = new SignedXml({
    privateKey: certificate.keyPem,
    signatureAlgorithm: SIGNATURE_ALGORITHMS[algorithms.signature],
    canonicalizationAlgorithm: EXCLUSIVE_C14N,
    idMode: "wssecurity",
    getKeyInfoContent: () =>
      `<wsse:SecurityTokenReference xmlns:wsse="${WSSE_NS}"><wsse:Reference URI="#${tokenId}" ValueType="${X509_TOKEN_TYPE}"/></wsse:SecurityTokenReference>`,
  });
  for (const localName of ["Timestamp", "Body"]) {
    const namespace = localName === "Body" ? SOAP_NS : WSU_NS;
    signer.addReference({
      xpath: `//*[local-name(.)='${localName}' and namespace-uri(.)='${namespace}']`,
      transforms: [EXCLUSIVE_C14N],
      digestAlgorithm: DIGEST_ALGORITHMS[algorithms.digest],
    });
  }
  signer.computeSignature(withSecurity, {
    prefix: "ds",
    location: { reference: `//*[local-name(.)='Security' and namespace-uri(.)='${WSSE_NS}']`, action: "append" },
  });
  return signer.getSignedXml();
}

/** A report list is a few KiB a day; anything past this is not a GetReports answer. */
const MAX_PAYLOAD_BYTES = 64 * 1024 ** 2;

export interface EwsReport {
  fileName: string;
  created: string;
  size: number | null;
  url: string;
  operatingDate?: string;
}

/** A fault ERCOT EWS answered with; `code` is ERCOT's (SECU1096, SECU1073, RUNTIME0031, …). */
export class EwsFaultError extends ErcotHttpError {
  readonly code: string;
  constructor(code: string, message: string) {
    super(message, { status: 500, retryable: false });
    this.name = "EwsFaultError";
    this.code = code;
  }
}

const FAULT_ADVICE: Record<string, string> = {
  SECU1096:
    "EWS found no valid WS-Security signature. Requests must be signed with the same API certificate used for TLS; check that ERCOT_EWS_CERT and ERCOT_EWS_KEY (or the PFX) belong together.",
  SECU1073:
    "EWS accepts only API certificates whose user starts with API_. A personal certificate will not work: ask your USA to issue an API certificate, or set ERCOT_EWS_USERID to the API_ user.",
  RUNTIME0031:
    "EWS could not find the MarketInfo operation. Check that ERCOT_EWS_BASE points at the EWS endpoint (…/NodalAPI/EWS/).",
  SECU3517: "EWS accepts only rsa-sha1 signatures; set the EWS signature algorithm to rsa-sha1.",
  SECU3518: "EWS accepts only sha1 digests; set the EWS digest algorithm to sha1.",
};

const xmlParser = new XMLParser({
  removeNSPrefix: true,
  ignoreAttributes: true,
  parseTagValue: false,
  trimValues: true,
  isArray: (name) => name === "Report" || name === "Error",
});

type XmlNode = Record<string, unknown> | undefined;
const node = (value: unknown, key: string): XmlNode =>
  value && typeof value === "object" ? ((value as Record<string, unknown>)[key] as XmlNode) : undefined;
const textOf = (value: unknown): string | undefined =>
  typeof value === "string" ? value : typeof value === "number" ? String(value) : undefined;

/** A Reply may carry several Error elements. */
function errorTexts(reply: unknown): string[] {
  const errors = node(reply, "Error") as unknown;
  return (Array.isArray(errors) ? errors : []).map((error) => textOf(error) ?? "").filter(Boolean);
}

function reportsOf(reportsNode: unknown): EwsReport[] {
  const reports = (node(reportsNode, "Report") as unknown as unknown[] | undefined) ?? [];
  return reports.map((report) => {
    const size = textOf(node(report, "size"));
    return {
      fileName: textOf(node(report, "fileName")) ?? "",
      created: textOf(node(report, "created")) ?? "",
      size: size && /^\d+$/.test(size) ? Number(size) : null,
      url: textOf(node(report, "URL")) ?? "",
      operatingDate: textOf(node(report, "operatingDate")),
    };
  });
}

/** Reads a GetReports reply by local name; "No reports found" is an empty list, any other error is thrown. */
export async function parseGetReportsReply(xml: string): Promise<EwsReport[]> {
  const body = node(node(xmlParser.parse(xml), "Envelope"), "Body");
  const fault = node(body, "Fault");
  if (fault) {
    // ERCOT puts its code in detail/FaultMessage/Reply/ReplyCode, or only in the faultstring.
    const faultReply = node(node(node(fault, "detail"), "FaultMessage"), "Reply");
    const faultText = [textOf(node(fault, "faultstring")), ...errorTexts(faultReply)].filter(Boolean).join(" ");
    const code =
      /^[A-Z]{3,}\d{3,}$/.exec(textOf(node(faultReply, "ReplyCode")) ?? "")?.[0] ??
      /\b([A-Z]{3,}\d{3,})\b/.exec(faultText)?.[1] ??
      "FAULT";
    throw new EwsFaultError(
      code,
      `ERCOT EWS refused GetReports with ${code} ("${faultText || "unknown fault"}"). ${FAULT_ADVICE[code] ?? "Check the EWS settings."}`,
    );
  }
  const message = node(body, "ResponseMessage");
  if (!message)
    throw new ErcotHttpError("ERCOT EWS answered without a ResponseMessage; the EWS format may have changed.", {
      retryable: false,
    });
  const reply = node(message, "Reply");
  if (textOf(node(reply, "ReplyCode")) === "ERROR") {
    const errors = errorTexts(reply);
    if (errors.some((text) => /no reports found/i.test(text))) return [];
    const error = errors.join("; ");
    throw new ErcotHttpError(`ERCOT EWS answered GetReports with an error: "${error || "unspecified"}".`, {
      retryable: false,
    });
  }
  const payload = node(message, "Payload");
  const compressed = textOf(node(payload, "Compressed"));
  if (compressed) {
    let inner: string;
    try {
      inner = (await unpackPayload(Buffer.from(compressed.replace(/\s+/g, ""), "base64"), MAX_PAYLOAD_BYTES)).toString(
        "utf8",
      );
    } catch (error) {
      if (!(error instanceof ArchiveError)) throw error;
      throw new ErcotHttpError(`ERCOT EWS sent a compressed payload that could not be unpacked: ${error.message}`, {
        retryable: false,
        cause: error,
      });
    }
    const parsed = xmlParser.parse(inner) as Record<string, unknown>;
    return reportsOf(node(parsed, "Reports") ?? parsed);
  }
  return reportsOf(node(payload, "Reports"));
}

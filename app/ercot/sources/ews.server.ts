import type { Agent } from "undici";
import type { ErcotSourcesConfig } from "~/ercot/config";
import {
  DEFAULT_EWS_DIGEST_ALGORITHM,
  DEFAULT_EWS_LOOKBACK_HOURS,
  DEFAULT_EWS_SIGNATURE_ALGORITHM,
} from "~/ercot/config";
import type { ErcotDocument, ErcotDownload, ErcotListing, ErcotSource } from "~/ercot/types";
import {
  createHttpAgent,
  ErcotHttpError,
  excerpt,
  readText,
  sendRequest,
  statusError,
  withErcotRetry,
  assertCredentialTarget,
} from "~/ercot/http.server";
import { hasClientCertificate, loadClientCertificate, type ClientCertificate } from "./certificates.server";
import {
  buildGetReportsEnvelope,
  MARKET_INFO_SOAP_ACTION,
  parseGetReportsReply,
  signEnvelope,
  type EwsReport,
} from "./ews-soap.server";
import { downloadZip, parseConstructedName, parseFriendlyName, parsePublishDate, sortNewestFirst } from "./mis.server";
import type { SourceDependencies } from "./dependencies";

const EWS_PATH = "/NodalAPI/EWS/";

/** ERCOT_EWS_BASE may be the host alone or the full endpoint. */
export function ewsEndpoint(baseUrl: string): string {
  const url = new URL(baseUrl);
  if (url.pathname === "/" || url.pathname === "") url.pathname = EWS_PATH;
  return url.toString();
}

/** ERCOT EWS: a signed SOAP GetReports over mutual TLS; files come from MIS with the same certificate. */
export class EwsSource implements ErcotSource {
  readonly name = "ews" as const;
  private identity: { certificate: ClientCertificate; agent: Agent } | null = null;

  constructor(
    private readonly config: ErcotSourcesConfig,
    private readonly dependencies: SourceDependencies = {},
  ) {}

  isConfigured(): boolean {
    return Boolean(this.config.ews.baseUrl) && hasClientCertificate(this.config.ews);
  }

  private loadIdentity(): { certificate: ClientCertificate; agent: Agent } {
    if (this.identity) return this.identity;
    const certificate = loadClientCertificate(this.config.ews);
    if (!certificate || !this.config.ews.baseUrl) {
      throw new ErcotHttpError(
        "EWS needs ERCOT_EWS_BASE and a client certificate (ERCOT_EWS_PFX, or ERCOT_EWS_CERT and ERCOT_EWS_KEY).",
        {
          retryable: false,
        },
      );
    }
    this.identity = { certificate, agent: createHttpAgent(this.config.timeouts, certificate) };
    return this.identity;
  }

  async listDocuments(signal?: AbortSignal): Promise<ErcotListing> {
    const { certificate, agent } = this.loadIdentity();
    const { ews } = this.config;
    const endpoint = ewsEndpoint(ews.baseUrl ?? "");
    const now = this.dependencies.now?.() ?? new Date();
    const action = "ask ERCOT EWS for the report list";
    const reply = await withErcotRetry(
      async () => {
        const envelope = signEnvelope(
          buildGetReportsEnvelope({
            source: ews.source ?? certificate.commonName,
            userId: ews.userId ?? certificate.employeeId ?? certificate.commonName,
            reportType: ews.reportType,
            startTime: new Date(now.getTime() - (ews.lookbackHours ?? DEFAULT_EWS_LOOKBACK_HOURS) * 3600_000),
            endTime: now,
          }),
          certificate,
          {
            signature: ews.signatureAlgorithm ?? DEFAULT_EWS_SIGNATURE_ALGORITHM,
            digest: ews.digestAlgorithm ?? DEFAULT_EWS_DIGEST_ALGORITHM,
          },
        );
        const response = await sendRequest(action, endpoint, {
          agent,
          method: "POST",
          headers: { "Content-Type": "text/xml; charset=utf-8", SOAPAction: MARKET_INFO_SOAP_ACTION },
          body: envelope,
          signal,
        });
        const text = await readText(response.body);
        const isSoap = /<([\w-]+:)?Envelope\b/.test(text);
        if (response.statusCode !== 200 && !(response.statusCode === 500 && isSoap)) {
          throw statusError(action, endpoint, response.statusCode, excerpt(text, 80));
        }
        if (!isSoap) {
          throw new ErcotHttpError(
            `ERCOT EWS answered with something other than SOAP ("${excerpt(text, 60)}"); ERCOT may be in maintenance.`,
            {
              retryable: false,
            },
          );
        }
        return text;
      },
      this.config.retry,
      signal,
    );
    const reports = await parseGetReportsReply(reply);
    const documents: ErcotDocument[] = [];
    const dropped: string[] = [];
    for (const report of reports) {
      const document = this.toDocument(report);
      if (document) documents.push(document);
      else dropped.push(`${report.fileName || "an entry without fileName"} (${report.created || "no created"})`);
    }
    return { documents: sortNewestFirst(documents), dropped };
  }

  /** Null when the entry cannot be read (its fileName is not a ConstructedName, or it has no date or URL). */
  private toDocument(report: EwsReport): ErcotDocument | null {
    const nameParts = parseConstructedName(report.fileName);
    const name = nameParts && parseFriendlyName(nameParts.friendlyName);
    const publishedAt = parsePublishDate(report.created) ?? nameParts?.publishedAt;
    if (!nameParts || !name || !publishedAt || !report.url) return null;
    let docId: string;
    try {
      docId = new URL(report.url).searchParams.get("doclookupId") ?? report.fileName;
    } catch {
      docId = report.fileName;
    }
    return {
      docId,
      friendlyName: nameParts.friendlyName,
      tdsp: name.tdsp,
      kind: name.kind,
      constructedName: report.fileName,
      publishedAt,
      contentSize: report.size,
      downloadUrl: report.url,
      source: this.name,
    };
  }

  /** The MIS download servlet wants the same client certificate, and no envelope. */
  async download(document: ErcotDocument, signal?: AbortSignal): Promise<ErcotDownload> {
    const { agent } = this.loadIdentity();
    // The report URL is on ERCOT's MIS host, not the EWS host: both are allowed, nothing else.
    const allowedOrigins = [new URL(this.config.ews.baseUrl ?? "").origin, new URL(this.config.pageUrl).origin].filter(
      (origin) => origin.startsWith("https:"),
    );
    assertCredentialTarget(
      document.downloadUrl,
      allowedOrigins,
      `the download of ${document.friendlyName} (DocID ${document.docId})`,
    );
    return downloadZip(document, { agent, redirects: { allowedOrigins }, signal, retry: this.config.retry });
  }

  async close(): Promise<void> {
    await this.identity?.agent.close();
  }
}

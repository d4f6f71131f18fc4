import type { Agent } from "undici";
import * as cheerio from "cheerio";
import { configuredErcotOrigins, type ErcotSourcesConfig } from "~/ercot/config";
import type { ErcotDocument, ErcotDownload, ErcotListing, ErcotSource } from "~/ercot/types";
import {
  createHttpAgent,
  ErcotHttpError,
  excerpt,
  readText,
  sendRequest,
  statusError,
  withErcotRetry,
  type RedirectPolicy,
} from "~/ercot/http.server";
import { downloadZip, htmlTitle, misDownloadUrl, parseMisDocumentList } from "./mis.server";
import type { SourceDependencies } from "./dependencies";

/** `product = {...};` as the page embeds it; whitespace and line breaks vary. */
const PRODUCT_BLOB = /\bproduct\s*=\s*(\{[\s\S]*?\})\s*;/;
const REPORT_TYPE_IN_SCRIPT = /["']?reportTypeId(?:_i|ID)?["']?\s*[:=]\s*["']?(\d+)/i;

/** reportTypeId_i from the product page, or null when the page no longer carries it. */
export function extractReportTypeId(html: string): string | null {
  const blob = PRODUCT_BLOB.exec(html)?.[1];
  if (blob) {
    try {
      const product = JSON.parse(blob) as { reportTypeId_i?: unknown };
      if (product.reportTypeId_i !== undefined && /^\d+$/.test(String(product.reportTypeId_i)))
        return String(product.reportTypeId_i);
    } catch {
      // Not strict JSON any more (e.g. a JS literal); the script scan below still finds the id.
    }
  }
  const $ = cheerio.load(html);
  for (const script of $("script").toArray()) {
    const match = REPORT_TYPE_IN_SCRIPT.exec($(script).text());
    if (match) return match[1];
  }
  return null;
}

/** The public ercot.com channel: product page → IceDocListJsonWS → mirDownload, no login. */
export class ScrapeSource implements ErcotSource {
  readonly name = "scrape" as const;
  private readonly agent: Agent;
  private readonly misBaseUrl: string;
  /** No credentials travel on this channel, but it still follows redirects only among ERCOT's hosts. */
  private readonly redirects: RedirectPolicy;

  constructor(
    private readonly config: ErcotSourcesConfig,
    private readonly dependencies: SourceDependencies = {},
  ) {
    this.agent = createHttpAgent(config.timeouts);
    this.misBaseUrl = new URL(config.pageUrl).origin;
    this.redirects = { allowedOrigins: configuredErcotOrigins(config) };
  }

  isConfigured(): boolean {
    return true;
  }

  private warn(message: string): void {
    (this.dependencies.onWarning ?? console.warn)(message);
  }

  /** The page only confirms the report type; when it fails the configured id is used. */
  async discoverReportTypeId(signal?: AbortSignal): Promise<string> {
    const fallback = this.config.reportTypeId;
    try {
      const response = await sendRequest("read the ERCOT product page", this.config.pageUrl, {
        agent: this.agent,
        signal,
        redirects: this.redirects,
      });
      const html = await readText(response.body, 4 * 1024 * 1024);
      if (response.statusCode !== 200) {
        this.warn(`The ERCOT product page answered HTTP ${response.statusCode}; using report type ${fallback}.`);
        return fallback;
      }
      const found = extractReportTypeId(html);
      if (!found) {
        this.warn(
          `The ERCOT product page no longer shows reportTypeId_i; using the configured report type ${fallback}.`,
        );
        return fallback;
      }
      if (found !== fallback)
        this.warn(`The ERCOT product page lists report type ${found}, not the configured ${fallback}; using ${found}.`);
      return found;
    } catch (error) {
      if (signal?.aborted) throw error;
      this.warn(
        `The ERCOT product page could not be read (${(error as Error).message}); using report type ${fallback}.`,
      );
      return fallback;
    }
  }

  async listDocuments(signal?: AbortSignal): Promise<ErcotListing> {
    const reportTypeId = await this.discoverReportTypeId(signal);
    const listUrl = new URL("/misapp/servlets/IceDocListJsonWS", this.misBaseUrl);
    listUrl.searchParams.set("reportTypeId", reportTypeId);
    const action = "list ERCOT documents";
    const json = await withErcotRetry(
      async () => {
        listUrl.searchParams.set("_", String(Date.now()));
        const response = await sendRequest(action, listUrl.toString(), {
          agent: this.agent,
          signal,
          headers: { Accept: "application/json" },
          redirects: this.redirects,
        });
        const text = await readText(response.body);
        if (response.statusCode !== 200)
          throw statusError(action, listUrl.toString(), response.statusCode, htmlTitle(text));
        if (/html/i.test(String(response.headers["content-type"] ?? "")) || /^\s*</.test(text)) {
          throw new ErcotHttpError(
            `ERCOT returned an HTML page ("${htmlTitle(text)}") instead of the document list. ERCOT may be in maintenance; try again later.`,
            { status: response.statusCode, retryable: false },
          );
        }
        try {
          return JSON.parse(text) as unknown;
        } catch (error) {
          throw new ErcotHttpError(
            `ERCOT's document list was not valid JSON ("${excerpt(text, 60)}"); try again later.`,
            {
              retryable: false,
              cause: error,
            },
          );
        }
      },
      this.config.retry,
      signal,
    );
    return parseMisDocumentList(json, {
      source: this.name,
      reportTypeId,
      downloadUrl: (docId) => misDownloadUrl(this.misBaseUrl, docId),
    });
  }

  download(document: ErcotDocument, signal?: AbortSignal): Promise<ErcotDownload> {
    return downloadZip(document, { agent: this.agent, redirects: this.redirects, signal, retry: this.config.retry });
  }

  close(): Promise<void> {
    return this.agent.close();
  }
}

import http, { type IncomingHttpHeaders, type IncomingMessage, type ServerResponse } from "node:http";
import https from "node:https";
import { once } from "node:events";
import type { AddressInfo } from "node:net";
import { Readable } from "node:stream";
import { setTimeout as sleep } from "node:timers/promises";
import { formatCentralIso, toCentralWallClock } from "../../../app/ercot/sources/central-time";
import { answerGetReports } from "./ews";
import { createFakeErcotPki, type FakeErcotPki } from "./pki";
import {
  addDays,
  DEFAULT_TDSPS,
  documentZipStream,
  Publication,
  publishDefaultSet,
  type FakeDocument,
  type PublishSpec,
} from "./publication";
import {
  answerToken,
  apimInvalidKey,
  apimInvalidToken,
  apimMissingKey,
  archiveListing,
  B2C_TOKEN_PATH,
  productDetails,
  productNotFound,
  throttled,
  type ApiCredentials,
  type JsonAnswer,
} from "./public-api";
import { DEFAULT_SCENARIO, resolveScenario, type FakeRoute, type FakeScenario, type ScenarioName } from "./scenario";
import { zipSize, zipStream } from "./zip";

export type { FakeDocument, PublishSpec } from "./publication";
export type { FakeRoute, FakeScenario, ScenarioName } from "./scenario";

export interface FakeErcotOptions {
  host?: string;
  /** 0 (random) by default. */
  port?: number;
  ewsPort?: number;
  /** The fake's "today" as a Central date; the default publication ends on it. Default: the real today. */
  today?: string;
  /** Days of DAILY files in the default publication. */
  days?: number;
  tdsps?: readonly string[];
  /** Seeds every generated CSV: same seed, same bytes. */
  seed?: number;
  /** Start with nothing published. */
  empty?: boolean;
  scenario?: ScenarioName | Partial<FakeScenario>;
  credentials?: Partial<ApiCredentials>;
  /** Reuse certificates across instances; generating them costs about a second. */
  pki?: FakeErcotPki;
}

export interface RequestLogEntry {
  at: Date;
  transport: "http" | "https";
  method: string;
  path: string;
  query: string;
  route: FakeRoute | "control" | "unknown";
  headers: IncomingHttpHeaders;
  status?: number;
}

export interface FakeErcot {
  /** The Central date the default publication ends on. */
  today: string;
  url: string;
  ewsUrl: string;
  pageUrl: string;
  tokenUrl: string;
  apiBaseUrl: string;
  credentials: ApiCredentials;
  tls: {
    caPem: string;
    clientCertPem: string;
    clientKeyPem: string;
    clientPfxBase64: string;
    clientPfxPassphrase: string;
    legacyPfxBase64: string;
    personalCertPem: string;
    personalKeyPem: string;
  };
  pki: FakeErcotPki;
  readonly documents: readonly FakeDocument[];
  readonly scenario: FakeScenario;
  /** A name resets to defaults plus that preset; a partial merges onto the current scenario. */
  setScenario(input: ScenarioName | Partial<FakeScenario>): FakeScenario;
  publish(spec: PublishSpec): FakeDocument;
  repost(docId: string, options: { sameBytes: boolean; publishedAt?: Date }): FakeDocument;
  clearDocuments(): void;
  /** Default publication, default scenario, empty request log and rate-limit history. */
  reset(): void;
  documentStream(docId: string): Readable;
  readonly requestLog: RequestLogEntry[];
  clearRequestLog(): void;
  /** Environment variables that point the portal at this fake. */
  env(): Record<string, string>;
  stop(): Promise<void>;
}

const MARKET_INFO_PATH = "/NodalAPI/EWS/";
const DOWNLOAD_PATH = "/misdownload/servlets/mirDownload";

const MAINTENANCE_HTML =
  "<!DOCTYPE html><html><head><title>ERCOT - Scheduled Maintenance</title></head><body>" +
  "<h1>Scheduled Maintenance</h1><p>The Market Information System (MIS) is unavailable during scheduled maintenance. " +
  "Downloading of extracts and reports from MIS and WebServices will be unavailable.</p></body></html>";

function routeOf(transport: "http" | "https", method: string, path: string): FakeRoute | "control" | "unknown" {
  if (transport === "https") {
    if (method === "POST" && path === MARKET_INFO_PATH) return "ews";
    if (method === "GET" && path === DOWNLOAD_PATH) return "ews-download";
    return "unknown";
  }
  if (path.startsWith("/__fake/")) return "control";
  if (method === "GET" && path === "/misapp/servlets/IceDocListJsonWS") return "list";
  if (method === "GET" && path === DOWNLOAD_PATH) return "download";
  if (method === "GET" && path === "/mp/data-products/data-product-details") return "page";
  if (method === "POST" && path === B2C_TOKEN_PATH) return "token";
  if (path.startsWith("/api/public-reports/")) return "api";
  return "unknown";
}

async function readBody(request: IncomingMessage): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of request) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks);
}

function sendJson(response: ServerResponse, answer: JsonAnswer): void {
  const body = JSON.stringify(answer.json);
  response.writeHead(answer.status, {
    "Content-Type": "application/json; charset=utf-8",
    "Content-Length": Buffer.byteLength(body),
  });
  response.end(body);
}

function sendText(response: ServerResponse, status: number, contentType: string, body: string): void {
  response.writeHead(status, { "Content-Type": contentType, "Content-Length": Buffer.byteLength(body) });
  response.end(body);
}

function productPage(variant: FakeScenario["page"]): string {
  const product = {
    emilId_s: "ZP15-612",
    reportTypeId_i: 203,
    productName_s: "TDSP ESIID Extract",
    misDisplayType_s: "AGE",
    "internal-name": "tdsp-esiid-extract",
    market_s: "Retail",
    misDisplayDuration_i: 31,
  };
  const script =
    variant === "standard"
      ? `<script>\n      var product = ${JSON.stringify(product)};</script>`
      : variant === "reformatted"
        ? `<script type="text/javascript">\n  window.dataLayer = window.dataLayer || [];\n  const  product  =\n ${JSON.stringify(product, null, 2)}\n ;\n  renderReports(product);\n</script>`
        : `<script>window.dataLayer = [];</script>`;
  return (
    `<!DOCTYPE html><html lang="en"><head><meta charset="utf-8"><title>TDSP ESIID Extract | ERCOT</title></head>` +
    `<body><main><h1>TDSP ESIID Extract</h1><p>EMIL ID: ZP15-612</p>` +
    `<table id="reportTable" class="table"><thead><tr><th>Friendly Name</th><th>Posted</th><th></th></tr></thead><tbody></tbody></table>` +
    `</main>${script}<script src="/static-assets/data-product-details.js"></script></body></html>`
  );
}

/** ContentSize (MIS) and `size` (EWS) as ERCOT would list them under the current scenario. */
function listedSize(document: FakeDocument, scenario: FakeScenario): number {
  const stored =
    scenario.cutZipAtBytes === null ? document.contentSize : Math.min(scenario.cutZipAtBytes, document.contentSize);
  return stored + scenario.contentSizeDelta;
}

/** The zip's bytes as the scenario damages them: cut short, or one byte of entry data flipped. */
async function* damagedZip(body: Readable, scenario: FakeScenario): AsyncGenerator<Buffer> {
  const flipAt = scenario.corruptEntryData ? 200 : -1;
  const cutAt = scenario.cutZipAtBytes ?? Number.POSITIVE_INFINITY;
  let offset = 0;
  try {
    for await (const received of body as AsyncIterable<Buffer>) {
      let chunk = received.subarray(0, Math.max(0, cutAt - offset));
      if (flipAt >= offset && flipAt < offset + chunk.length) {
        chunk = Buffer.from(chunk);
        chunk[flipAt - offset] ^= 0xff;
      }
      offset += chunk.length;
      if (chunk.length > 0) yield chunk;
      if (offset >= cutAt) return;
    }
  } finally {
    body.destroy();
  }
}

function misListJson(
  documents: readonly FakeDocument[],
  variant: FakeScenario["list"],
  sizeOf: (document: FakeDocument) => number,
): unknown {
  if (variant === "missing-key") return { ListDocsByRptTypeRes: {} };
  if (variant === "empty-array") return { ListDocsByRptTypeRes: { DocumentList: [] } };
  if (variant === "null-list") return { ListDocsByRptTypeRes: { DocumentList: null } };
  if (variant === "empty-string") return { ListDocsByRptTypeRes: { DocumentList: "" } };
  const numeric = variant === "numeric-fields";
  const entries = documents.map((document) => {
    const expired = new Date(`${addDays(formatCentralIso(document.publishedAt).slice(0, 10), 31)}T23:59:59Z`);
    return {
      Document: {
        ExpiredDate: `${expired.toISOString().slice(0, 10)}T23:59:59${formatCentralIso(document.publishedAt).slice(19)}`,
        ILMStatus: "EXT",
        SecurityStatus: "P",
        ContentSize: numeric ? sizeOf(document) : String(sizeOf(document)),
        Extension: "zip",
        ReportTypeID: numeric ? 203 : "203",
        Prefix: "ext",
        FriendlyName: document.friendlyName,
        ConstructedName: document.constructedName,
        DocID: numeric ? Number(document.docId) : document.docId,
        PublishDate: formatCentralIso(document.publishedAt),
        ReportName: "TDSP ESI ID EXTRACT",
        DUNS: "0000000000000000",
        DocCount: numeric ? 0 : "0",
      },
    };
  });
  if (variant === "single-object") return { ListDocsByRptTypeRes: { DocumentList: entries[0] } };
  return { ListDocsByRptTypeRes: { DocumentList: entries } };
}

/** Today's date in America/Chicago, as ERCOT dates its files. */
function centralToday(): string {
  const wall = toCentralWallClock(new Date());
  return `${wall.year}-${String(wall.month).padStart(2, "0")}-${String(wall.day).padStart(2, "0")}`;
}

export async function startFakeErcot(options: FakeErcotOptions = {}): Promise<FakeErcot> {
  const host = options.host ?? "127.0.0.1";
  const today = options.today ?? centralToday();
  const pki = options.pki ?? createFakeErcotPki();
  const credentials: ApiCredentials = {
    username: "operator@example.com",
    password: "correct-horse-battery",
    subscriptionKey: "fake-subscription-key-0123456789",
    clientId: "fec253ea-0d06-4272-a5e6-b478baeecd70",
    ...options.credentials,
  };
  const initialScenario = options.scenario ? resolveScenario(options.scenario) : { ...DEFAULT_SCENARIO };
  let scenario = initialScenario;
  const publication = new Publication(options.seed ?? 20260603);
  const publishDefaults = () => {
    publication.clear();
    if (!options.empty)
      publishDefaultSet(publication, { today, days: options.days ?? 4, tdsps: options.tdsps ?? DEFAULT_TDSPS });
  };
  publishDefaults();
  const requestLog: RequestLogEntry[] = [];
  const issuedIdTokens = new Set<string>();
  const apiCalls = new Map<string, number[]>();
  let baseUrl = "";
  let ewsBaseUrl = "";

  async function disrupt(route: FakeRoute, response: ServerResponse): Promise<boolean> {
    if (scenario.delay && scenario.delay.routes.includes(route)) await sleep(scenario.delay.ms);
    if (scenario.maintenance && scenario.maintenance.routes.includes(route)) {
      sendText(response, scenario.maintenance.status, "text/html; charset=utf-8", MAINTENANCE_HTML);
      return true;
    }
    const errors = scenario.serverErrors;
    if (errors && errors.remaining > 0 && errors.routes.includes(route)) {
      errors.remaining -= 1;
      sendText(
        response,
        errors.status,
        "text/html; charset=utf-8",
        `<html><head><title>${errors.status} Service Unavailable</title></head><body>Bad gateway</body></html>`,
      );
      return true;
    }
    return false;
  }

  async function sendZip(response: ServerResponse, document: FakeDocument): Promise<void> {
    const damaged = scenario.cutZipAtBytes !== null || scenario.corruptEntryData;
    const zip = documentZipStream(document);
    const body = damaged ? Readable.from(damagedZip(zip, scenario), { objectMode: false }) : zip;
    response.writeHead(200, {
      "Content-Type": "application/zip",
      "Content-Length": Math.min(document.contentSize, scenario.cutZipAtBytes ?? Number.POSITIVE_INFINITY),
      "Content-Disposition": `attachment; filename="${document.constructedName}"`,
    });
    await writeBody(response, body);
  }

  /** Streams with backpressure, applying the slow-body and truncation scenarios. */
  async function writeBody(response: ServerResponse, body: Readable): Promise<void> {
    const { slowBody, truncateAfterBytes } = scenario;
    let written = 0;
    try {
      for await (const chunk of body as AsyncIterable<Buffer>) {
        const pieces: Buffer[] = [];
        const pieceSize = slowBody?.chunkBytes ?? chunk.length;
        for (let offset = 0; offset < chunk.length; offset += pieceSize)
          pieces.push(chunk.subarray(offset, offset + pieceSize));
        for (let piece of pieces) {
          if (response.destroyed) return;
          if (truncateAfterBytes !== null && written + piece.length >= truncateAfterBytes) {
            piece = piece.subarray(0, truncateAfterBytes - written);
            response.write(piece);
            await sleep(20);
            response.socket?.destroy();
            return;
          }
          written += piece.length;
          if (!response.write(piece)) await once(response, "drain");
          if (slowBody) await sleep(slowBody.intervalMs);
        }
      }
      response.end();
    } finally {
      body.destroy();
    }
  }

  async function serveDownload(
    response: ServerResponse,
    query: URLSearchParams,
    docIdParam = "doclookupId",
  ): Promise<void> {
    const document = publication.find(query.get(docIdParam) ?? "");
    if (scenario.noResults || !document) {
      sendText(response, 200, "text/plain; charset=UTF-8", "NO Results");
      return;
    }
    await sendZip(response, document);
  }

  function apiKeyOf(request: IncomingMessage, query: URLSearchParams): string | undefined {
    const header = request.headers["ocp-apim-subscription-key"];
    return (Array.isArray(header) ? header[0] : header) ?? query.get("subscription-key") ?? undefined;
  }

  function rateLimited(key: string): boolean {
    const windowStart = Date.now() - scenario.apiRateLimit.windowMs;
    const recent = (apiCalls.get(key) ?? []).filter((at) => at > windowStart);
    if (recent.length >= scenario.apiRateLimit.perWindow) {
      apiCalls.set(key, recent);
      return true;
    }
    recent.push(Date.now());
    apiCalls.set(key, recent);
    return false;
  }

  async function serveApi(request: IncomingMessage, response: ServerResponse, url: URL): Promise<void> {
    const key = apiKeyOf(request, url.searchParams);
    if (!key) return sendJson(response, apimMissingKey());
    if (key !== credentials.subscriptionKey) return sendJson(response, apimInvalidKey());
    if (rateLimited(key)) return sendJson(response, throttled());
    const bearer = /^Bearer\s+(.+)$/i.exec(request.headers.authorization ?? "")?.[1];
    if (!bearer || !issuedIdTokens.has(bearer)) return sendJson(response, apimInvalidToken());
    const apiBase = baseUrl;
    const archive = /^\/api\/public-reports\/archive\/([^/]+)(\/download)?$/.exec(url.pathname);
    const product = /^\/api\/public-reports\/([^/]+)$/.exec(url.pathname);
    const emilId = decodeURIComponent((archive ?? product)?.[1] ?? "");
    const served = scenario.apiProductExposed && emilId.toUpperCase() === "ZP15-612";
    if (!archive && !product)
      return sendJson(response, { status: 404, json: { statusCode: 404, message: "Resource not found" } });
    if (!served) return sendJson(response, productNotFound(emilId));
    if (product) return sendJson(response, productDetails(emilId, apiBase, publication.documents));
    if (archive?.[2]) {
      if (request.method !== "POST")
        return sendJson(response, { status: 405, json: { statusCode: 405, message: "Method not allowed" } });
      const { docIds } = JSON.parse((await readBody(request)).toString("utf8") || "{}") as { docIds?: unknown };
      if (!Array.isArray(docIds) || docIds.length === 0 || docIds.length > 1000) {
        return sendJson(response, {
          status: 400,
          json: {
            timestamp: new Date().toISOString(),
            code: "BAD_REQUEST",
            status: 400,
            message: "docIds must list 1 to 1000 document ids",
            data: null,
          },
        });
      }
      const documents = docIds
        .map((docId) => publication.find(String(docId)))
        .filter((document): document is FakeDocument => !!document);
      const entries = documents.map((document) => ({
        name: `${document.docId}.${document.constructedName}`,
        size: document.contentSize,
        mtime: document.zipMtime,
        open: () => documentZipStream(document),
      }));
      response.writeHead(200, {
        "Content-Type": "application/zip",
        "Content-Length": zipSize(entries),
        "Content-Disposition": `attachment; filename="${emilId.toLowerCase()}.zip"`,
      });
      return writeBody(response, zipStream(entries));
    }
    const download = url.searchParams.get("download");
    if (download !== null) {
      const document = publication.find(download);
      if (!document)
        return sendJson(response, {
          status: 404,
          json: {
            timestamp: new Date().toISOString(),
            code: "NOT_FOUND",
            status: 404,
            message: `Document ${download} was not found`,
            data: null,
          },
        });
      return sendZip(response, document);
    }
    return sendJson(
      response,
      archiveListing(emilId, url.searchParams, scenario.linkBase ?? apiBase, publication.documents),
    );
  }

  /** The scenario's 302 for this request, or null to serve it. `__hop` counts the hops taken so far. */
  function redirectLocation(transport: "http" | "https", route: FakeRoute, url: URL): string | null {
    const redirect = scenario.redirect;
    if (!redirect || !redirect.routes.includes(route)) return null;
    if (redirect.to === "loop") return url.toString();
    const hop = Number(url.searchParams.get("__hop") ?? "0");
    if (hop >= redirect.hops) return null;
    const next = new URL(url.pathname + url.search, transport === "http" ? baseUrl : ewsBaseUrl);
    next.searchParams.set("__hop", String(hop + 1));
    if (redirect.to === "foreign") next.hostname = "localhost";
    if (redirect.to === "http") return new URL(next.pathname + next.search, baseUrl).toString();
    // Relative on the same host, as web servers commonly write it.
    return redirect.to === "same-host" ? next.pathname + next.search : next.toString();
  }

  async function serveControl(request: IncomingMessage, response: ServerResponse, url: URL): Promise<void> {
    if (request.method === "POST" && url.pathname === "/__fake/scenario") {
      const input = JSON.parse((await readBody(request)).toString("utf8") || "{}") as {
        name?: ScenarioName;
      } & Partial<FakeScenario>;
      try {
        const { name, ...partial } = input;
        if (name) fake.setScenario(name);
        if (Object.keys(partial).length > 0) fake.setScenario(partial);
        return sendJson(response, { status: 200, json: scenario });
      } catch (error) {
        return sendJson(response, { status: 400, json: { error: (error as Error).message } });
      }
    }
    if (request.method === "POST" && url.pathname === "/__fake/reset") {
      fake.reset();
      return sendJson(response, { status: 200, json: { ok: true } });
    }
    if (request.method === "GET" && url.pathname === "/__fake/documents") {
      return sendJson(response, { status: 200, json: publication.documents });
    }
    if (request.method === "GET" && url.pathname === "/__fake/requests") {
      return sendJson(response, { status: 200, json: requestLog });
    }
    sendText(response, 404, "text/plain", "Unknown control endpoint");
  }

  async function dispatch(
    transport: "http" | "https",
    request: IncomingMessage,
    response: ServerResponse,
  ): Promise<void> {
    const url = new URL(request.url ?? "/", transport === "http" ? baseUrl : ewsBaseUrl);
    const route = routeOf(transport, request.method ?? "GET", url.pathname);
    const entry: RequestLogEntry = {
      at: new Date(),
      transport,
      method: request.method ?? "GET",
      path: url.pathname,
      query: url.search,
      route,
      headers: request.headers,
    };
    if (route !== "control") requestLog.push(entry);
    response.on("close", () => {
      entry.status = response.statusCode;
    });
    if (route === "control") return serveControl(request, response, url);
    if (route === "unknown")
      return sendText(response, 404, "text/html", "<html><head><title>404 Not Found</title></head></html>");
    const location = redirectLocation(transport, route, url);
    if (location !== null) {
      response.writeHead(302, { Location: location, "Content-Length": 0 });
      return void response.end();
    }
    if (await disrupt(route, response)) return;
    switch (route) {
      case "page":
        return sendText(response, 200, "text/html; charset=utf-8", productPage(scenario.page));
      case "list":
        return sendJson(response, {
          status: 200,
          json: misListJson(publication.documents, scenario.list, (document) => listedSize(document, scenario)),
        });
      case "download":
      case "ews-download":
        return serveDownload(response, url.searchParams);
      case "token": {
        const form = new URLSearchParams((await readBody(request)).toString("utf8"));
        return sendJson(response, answerToken(form, credentials, scenario.tokenExpiresIn === "string", issuedIdTokens));
      }
      case "api":
        return serveApi(request, response, url);
      case "ews": {
        const soapAction = request.headers.soapaction;
        const answer = await answerGetReports({
          soapAction: Array.isArray(soapAction) ? soapAction[0] : soapAction,
          body: (await readBody(request)).toString("utf8"),
          documents: publication.documents.map((document) => ({
            ...document,
            contentSize: listedSize(document, scenario),
          })),
          reportTypeId: "203",
          downloadUrl: (docId) => `${scenario.linkBase ?? ewsBaseUrl}${DOWNLOAD_PATH}?doclookupId=${docId}`,
          compressed: scenario.ewsCompressed,
          fileNames: scenario.ewsFileNames,
          requireSha1: scenario.ewsRequireSha1,
        });
        return sendText(response, answer.status, "text/xml; charset=utf-8", answer.body);
      }
    }
  }

  const handler = (transport: "http" | "https") => (request: IncomingMessage, response: ServerResponse) => {
    dispatch(transport, request, response).catch((error: unknown) => {
      if (!response.headersSent)
        sendText(response, 500, "text/plain", `Fake ERCOT failed: ${(error as Error).message}`);
      else response.destroy();
    });
  };
  const httpServer = http.createServer(handler("http"));
  const ewsServer = https.createServer(
    {
      key: pki.server.keyPem,
      cert: pki.server.certPem,
      ca: pki.ca.certPem,
      requestCert: true,
      rejectUnauthorized: true,
    },
    handler("https"),
  );
  httpServer.listen(options.port ?? 0, host);
  ewsServer.listen(options.ewsPort ?? 0, host);
  await Promise.all([once(httpServer, "listening"), once(ewsServer, "listening")]);
  baseUrl = `http://${host}:${(httpServer.address() as AddressInfo).port}`;
  ewsBaseUrl = `https://${host}:${(ewsServer.address() as AddressInfo).port}`;

  const fake: FakeErcot = {
    today,
    url: baseUrl,
    ewsUrl: ewsBaseUrl,
    pageUrl: `${baseUrl}/mp/data-products/data-product-details?id=ZP15-612`,
    tokenUrl: `${baseUrl}${B2C_TOKEN_PATH}`,
    apiBaseUrl: baseUrl,
    credentials,
    tls: {
      caPem: pki.ca.certPem,
      clientCertPem: pki.apiClient.certPem,
      clientKeyPem: pki.apiClient.keyPem,
      clientPfxBase64: pki.apiClientPfxBase64,
      clientPfxPassphrase: pki.apiClientPfxPassphrase,
      legacyPfxBase64: pki.legacyPfxBase64,
      personalCertPem: pki.personalClient.certPem,
      personalKeyPem: pki.personalClient.keyPem,
    },
    pki,
    get documents() {
      return publication.documents;
    },
    get scenario() {
      return scenario;
    },
    setScenario(input) {
      scenario = resolveScenario(input, scenario);
      return scenario;
    },
    publish: (spec) => publication.publish(spec),
    repost: (docId, repostOptions) => publication.repost(docId, repostOptions),
    clearDocuments: () => publication.clear(),
    reset() {
      publishDefaults();
      scenario = { ...initialScenario };
      requestLog.length = 0;
      apiCalls.clear();
    },
    documentStream(docId) {
      const document = publication.find(docId);
      if (!document) throw new Error(`No document ${docId}.`);
      return documentZipStream(document);
    },
    requestLog,
    clearRequestLog: () => {
      requestLog.length = 0;
    },
    env: () => ({
      ERCOT_PAGE_URL: `${baseUrl}/mp/data-products/data-product-details?id=ZP15-612`,
      ERCOT_API_BASE: baseUrl,
      ERCOT_TOKEN_URL: `${baseUrl}${B2C_TOKEN_PATH}`,
      ERCOT_SUBSCRIPTION_KEY: credentials.subscriptionKey,
      ERCOT_USERNAME: credentials.username,
      ERCOT_PASSWORD: credentials.password,
      ERCOT_EWS_BASE: ewsBaseUrl,
      ERCOT_EWS_PFX: pki.apiClientPfxBase64,
      ERCOT_EWS_PFX_PASS: pki.apiClientPfxPassphrase,
      ERCOT_EWS_CERT: pki.apiClient.certPem.replace(/\r?\n/g, "\\n"),
      ERCOT_EWS_KEY: pki.apiClient.keyPem.replace(/\r?\n/g, "\\n"),
      ERCOT_EWS_CA: pki.ca.certPem.replace(/\r?\n/g, "\\n"),
    }),
    async stop() {
      httpServer.closeAllConnections();
      ewsServer.closeAllConnections();
      await Promise.all([
        new Promise<void>((resolve) => httpServer.close(() => resolve())),
        new Promise<void>((resolve) => ewsServer.close(() => resolve())),
      ]);
    },
  };
  return fake;
}

import { setTimeout as delay } from "node:timers/promises";
import type { Agent } from "undici";
import { RateLimiterMemory, type RateLimiterRes } from "rate-limiter-flexible";
import { z } from "zod";
import type { ErcotSourcesConfig } from "~/ercot/config";
import { DEFAULT_API_PACING, DEFAULT_API_PAGE_SIZE } from "~/ercot/config";
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
import { formatCentralIso, parseErcotTimestamp } from "./central-time";
import { constructedNameFor, downloadZip, parseFriendlyName, sortNewestFirst } from "./mis.server";
import type { SourceDependencies } from "./dependencies";

const API_LOOKBACK_DAYS = 31;

/**
 * At most `requests` calls in any rolling window: the window is cut into slots of one call each, so two
 * calls are always a slot apart. (A fixed window of `requests` calls would allow twice that across its edge.)
 */
function createPacer(pacing: { requests: number; windowMs: number }) {
  const limiter = new RateLimiterMemory({ points: 1, duration: pacing.windowMs / pacing.requests / 1000 });
  return async function take(signal?: AbortSignal): Promise<void> {
    for (;;) {
      try {
        await limiter.consume("ercot-public-api");
        return;
      } catch (rejection) {
        if (rejection instanceof Error) throw rejection;
        await delay((rejection as RateLimiterRes).msBeforeNext, undefined, { signal });
      }
    }
  };
}

const tokenResponseSchema = z.object({
  id_token: z.string().min(1),
  expires_in: z.union([z.string(), z.number()]).optional(),
});

const archivePageSchema = z.object({
  _meta: z.object({ totalPages: z.coerce.number().int().nonnegative() }).passthrough(),
  archives: z
    .array(
      z
        .object({
          docId: z.union([z.number(), z.string()]).transform(String),
          friendlyName: z.string(),
          postDatetime: z.string(),
          _links: z.object({ endpoint: z.object({ href: z.string() }) }).optional(),
          links: z.array(z.object({ rel: z.string().optional(), href: z.string() })).optional(),
        })
        .passthrough(),
    )
    .default([]),
});

interface IdToken {
  value: string;
  expiresAt: number;
}

/** ERCOT Public Data API (api.ercot.com): B2C id_token + APIM subscription key on every call. */
export class PublicApiSource implements ErcotSource {
  readonly name = "api" as const;
  private readonly agent: Agent;
  private readonly pace: (signal?: AbortSignal) => Promise<void>;
  private token: IdToken | null = null;

  constructor(
    private readonly config: ErcotSourcesConfig,
    private readonly dependencies: SourceDependencies = {},
  ) {
    this.agent = createHttpAgent(config.timeouts);
    this.pace = createPacer(config.api.pacing ?? DEFAULT_API_PACING);
  }

  isConfigured(): boolean {
    const { subscriptionKey, username, password } = this.config.api;
    return Boolean(subscriptionKey && username && password);
  }

  private get productPath(): string {
    return encodeURIComponent(this.config.api.productId.toLowerCase());
  }

  /** ID tokens cannot be refreshed; ERCOT says to post the credentials again. */
  async fetchIdToken(signal?: AbortSignal): Promise<string> {
    const { tokenUrl, username, password, clientId, scope } = this.config.api;
    const form = new URLSearchParams({
      username: username ?? "",
      password: password ?? "",
      grant_type: "password",
      scope,
      client_id: clientId,
      response_type: "id_token",
    });
    const action = "sign in to the ERCOT Public API";
    const body = await withErcotRetry(
      async () => {
        const response = await sendRequest(action, tokenUrl, {
          agent: this.agent,
          method: "POST",
          headers: { "Content-Type": "application/x-www-form-urlencoded" },
          body: form.toString(),
          signal,
        });
        const text = await readText(response.body, 1024 * 1024);
        if (response.statusCode === 400 || response.statusCode === 401) {
          const error = (JSON.parse(text || "{}") as { error?: string }).error ?? "rejected";
          throw new ErcotHttpError(
            error === "invalid_grant"
              ? "ERCOT rejected the Public API username or password (invalid_grant). Check ERCOT_USERNAME and ERCOT_PASSWORD."
              : `ERCOT's sign-in service refused the request (${error}). Check ERCOT_CLIENT_ID, ERCOT_SCOPE and ERCOT_TOKEN_URL.`,
            { status: response.statusCode, retryable: false },
          );
        }
        if (response.statusCode !== 200) throw statusError(action, tokenUrl, response.statusCode);
        return text;
      },
      this.config.retry,
      signal,
    );
    let parsed: z.infer<typeof tokenResponseSchema>;
    try {
      parsed = tokenResponseSchema.parse(JSON.parse(body));
    } catch (error) {
      throw new ErcotHttpError("ERCOT's sign-in answer had no id_token; check ERCOT_TOKEN_URL.", {
        retryable: false,
        cause: error,
      });
    }
    const expiresInSeconds = Number(parsed.expires_in ?? 3600) || 3600;
    this.token = { value: parsed.id_token, expiresAt: Date.now() + (expiresInSeconds - 300) * 1000 };
    return parsed.id_token;
  }

  private async currentToken(signal?: AbortSignal): Promise<string> {
    if (this.token && this.token.expiresAt > Date.now()) return this.token.value;
    return this.fetchIdToken(signal);
  }

  private async authHeaders(signal?: AbortSignal): Promise<Record<string, string>> {
    return {
      Authorization: `Bearer ${await this.currentToken(signal)}`,
      "Ocp-Apim-Subscription-Key": this.config.api.subscriptionKey ?? "",
    };
  }

  /** One paced, retried JSON GET; 404 and 401 get their own sentences. */
  private async getJson(action: string, url: string, signal?: AbortSignal): Promise<unknown> {
    return withErcotRetry(
      async () => {
        await this.pace(signal);
        const response = await sendRequest(action, url, {
          agent: this.agent,
          headers: { ...(await this.authHeaders(signal)), Accept: "application/json" },
          signal,
        });
        const text = await readText(response.body);
        if (response.statusCode === 404) {
          throw new ErcotHttpError(
            `${this.config.api.productId} is not served by the Public API (HTTP 404); the next source will be used.`,
            { status: 404, retryable: false },
          );
        }
        if (response.statusCode === 401) {
          const message = excerpt((JSON.parse(text || "{}") as { message?: string }).message ?? text, 120);
          if (/subscription key/i.test(message)) {
            throw new ErcotHttpError(
              `The ERCOT Public API refused the subscription key (HTTP 401: ${message}). Check ERCOT_SUBSCRIPTION_KEY.`,
              {
                status: 401,
                retryable: false,
              },
            );
          }
          this.token = null;
          throw new ErcotHttpError(
            `The ERCOT Public API refused the sign-in token (HTTP 401: ${message}); signing in again.`,
            {
              status: 401,
              retryable: true,
            },
          );
        }
        if (response.statusCode !== 200) throw statusError(action, url, response.statusCode, excerpt(text, 80));
        try {
          return JSON.parse(text) as unknown;
        } catch (error) {
          throw new ErcotHttpError(
            `The ERCOT Public API answered with something other than JSON ("${excerpt(text, 60)}").`,
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
  }

  async listDocuments(signal?: AbortSignal): Promise<ErcotListing> {
    await this.fetchIdToken(signal);
    const base = this.config.api.apiBaseUrl.replace(/\/+$/, "");
    await this.getJson(
      "check that the Public API serves the product",
      `${base}/api/public-reports/${this.productPath}`,
      signal,
    );
    const now = this.dependencies.now?.() ?? new Date();
    const from = new Date(now.getTime() - API_LOOKBACK_DAYS * 24 * 3600_000);
    const pageSize = this.config.api.pageSize ?? DEFAULT_API_PAGE_SIZE;
    const documents: ErcotDocument[] = [];
    const dropped: string[] = [];
    for (let page = 1, totalPages = 1; page <= totalPages; page++) {
      const url = new URL(`${base}/api/public-reports/archive/${this.productPath}`);
      url.searchParams.set("postDatetimeFrom", formatCentralIso(from, false));
      url.searchParams.set("postDatetimeTo", formatCentralIso(now, false));
      url.searchParams.set("size", String(pageSize));
      url.searchParams.set("page", String(page));
      const parsed = archivePageSchema.safeParse(
        await this.getJson("list the Public API archive", url.toString(), signal),
      );
      if (!parsed.success) {
        throw new ErcotHttpError(
          "The Public API archive listing did not have the expected _meta/archives shape; the API may have changed.",
          {
            retryable: false,
          },
        );
      }
      totalPages = parsed.data._meta.totalPages;
      for (const archive of parsed.data.archives) {
        const name = parseFriendlyName(archive.friendlyName);
        const publishedAt = parseErcotTimestamp(archive.postDatetime);
        if (!name || !publishedAt) {
          dropped.push(`docId ${archive.docId} (${archive.friendlyName}, ${archive.postDatetime})`);
          continue;
        }
        const href =
          archive._links?.endpoint.href ??
          archive.links?.find((link) => link.rel === "endpoint")?.href ??
          `${base}/api/public-reports/archive/${this.productPath}?download=${archive.docId}`;
        documents.push({
          docId: archive.docId,
          friendlyName: archive.friendlyName,
          tdsp: name.tdsp,
          kind: name.kind,
          constructedName: constructedNameFor(archive.friendlyName, publishedAt, this.config.reportTypeId),
          publishedAt,
          contentSize: null,
          downloadUrl: href,
          source: this.name,
        });
      }
    }
    return { documents: sortNewestFirst(documents), dropped };
  }

  async download(document: ErcotDocument, signal?: AbortSignal): Promise<ErcotDownload> {
    const allowedOrigins = [new URL(this.config.api.apiBaseUrl).origin];
    assertCredentialTarget(
      document.downloadUrl,
      allowedOrigins,
      `the download of ${document.friendlyName} (docId ${document.docId})`,
    );
    await this.pace(signal);
    return downloadZip(document, {
      agent: this.agent,
      redirects: { allowedOrigins },
      headers: await this.authHeaders(signal),
      signal,
      retry: this.config.retry,
    });
  }

  close(): Promise<void> {
    return this.agent.close();
  }
}

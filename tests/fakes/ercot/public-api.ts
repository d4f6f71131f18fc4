import { randomBytes } from "node:crypto";
import { formatCentralIso, parseErcotTimestamp } from "../../../app/ercot/sources/central-time";
import type { FakeDocument } from "./publication";

export interface ApiCredentials {
  username: string;
  password: string;
  subscriptionKey: string;
  clientId: string;
}

export interface JsonAnswer {
  status: number;
  json: unknown;
}

export const B2C_TOKEN_PATH = "/ercotb2c.onmicrosoft.com/B2C_1_PUBAPI-ROPC-FLOW/oauth2/v2.0/token";

function b2cError(error: string, code: string, description: string): JsonAnswer {
  const correlation = randomBytes(16).toString("hex");
  return {
    status: 400,
    json: {
      error,
      error_description: `${code}: ${description}\r\nCorrelation ID: ${correlation}\r\nTimestamp: ${new Date().toISOString()}\r\n`,
    },
  };
}

function fakeJwt(kind: string): string {
  const encode = (value: object) => Buffer.from(JSON.stringify(value)).toString("base64url");
  return `${encode({ alg: "RS256", typ: "JWT" })}.${encode({ kind, nonce: randomBytes(8).toString("hex") })}.${randomBytes(32).toString("base64url")}`;
}

/** Azure AD B2C ROPC, as ERCOT's Public API uses it. */
export function answerToken(
  form: URLSearchParams,
  credentials: ApiCredentials,
  expiresInAsString: boolean,
  issued: Set<string>,
): JsonAnswer {
  if (form.get("grant_type") !== "password")
    return b2cError("unsupported_grant_type", "AADB2C90086", "The supplied grant_type is not supported.");
  if (form.get("client_id") !== credentials.clientId)
    return b2cError(
      "unauthorized_client",
      "AADB2C90057",
      "The provided application is not configured to allow the 'password' flow.",
    );
  const scopes = (form.get("scope") ?? "").split(/\s+/);
  if (!scopes.includes("openid") || !scopes.includes(credentials.clientId))
    return b2cError("invalid_request", "AADB2C90055", "The scope provided in the request must specify a resource.");
  if (!form.get("username") || !form.get("password"))
    return b2cError(
      "invalid_request",
      "AADB2C90083",
      "The request is missing required parameter: username or password.",
    );
  if (form.get("username") !== credentials.username || form.get("password") !== credentials.password) {
    return b2cError("invalid_grant", "AADB2C90225", "The username or password provided in the request are invalid.");
  }
  const idToken = fakeJwt("id_token");
  issued.add(idToken);
  const now = Math.floor(Date.now() / 1000);
  const expiresIn = expiresInAsString ? "3600" : 3600;
  return {
    status: 200,
    json: {
      access_token: fakeJwt("access_token"),
      id_token: idToken,
      token_type: "Bearer",
      not_before: now,
      expires_in: expiresIn,
      expires_on: now + 3600,
      resource: credentials.clientId,
      id_token_expires_in: expiresIn,
      profile_info: Buffer.from(JSON.stringify({ ver: "1.0" })).toString("base64"),
      refresh_token: fakeJwt("refresh_token"),
      refresh_token_expires_in: 1209600,
    },
  };
}

export function apimMissingKey(): JsonAnswer {
  return {
    status: 401,
    json: {
      statusCode: 401,
      message:
        "Access denied due to missing subscription key. Make sure to include subscription key when making requests to an API.",
    },
  };
}

export function apimInvalidKey(): JsonAnswer {
  return {
    status: 401,
    json: {
      statusCode: 401,
      message:
        "Access denied due to invalid subscription key. Make sure to provide a valid key for an active subscription.",
    },
  };
}

export function apimInvalidToken(): JsonAnswer {
  return { status: 401, json: { statusCode: 401, message: "Unauthorized. Access token is missing or invalid." } };
}

export function throttled(): JsonAnswer {
  return { status: 429, json: { error_key: "throttled", error_message: "Too Many Requests" } };
}

export function productNotFound(emilId: string): JsonAnswer {
  return {
    status: 404,
    json: {
      timestamp: new Date().toISOString(),
      code: "NOT_FOUND",
      status: 404,
      message: `Product ${emilId.toUpperCase()} was not found`,
      data: null,
    },
  };
}

export function productDetails(emilId: string, apiBase: string, documents: readonly FakeDocument[]): JsonAnswer {
  const id = emilId.toUpperCase();
  return {
    status: 200,
    json: {
      emilId: id,
      name: "TDSP ESIID Extract",
      description: "Characteristic information on ESI IDs broken out by TDSP territory.",
      status: "ACTIVE",
      reportTypeId: 203,
      audience: "PUBLIC",
      downloadLimit: 1000,
      lastPostDatetime: documents[0] ? formatCentralIso(documents[0].publishedAt, false) : null,
      artifacts: [],
      _links: {
        self: { href: `${apiBase}/api/public-reports/${emilId}` },
        archive: { href: `${apiBase}/api/public-reports/archive/${emilId}` },
      },
    },
  };
}

export function archiveListing(
  emilId: string,
  query: URLSearchParams,
  apiBase: string,
  documents: readonly FakeDocument[],
): JsonAnswer {
  const from = query.get("postDatetimeFrom");
  const to = query.get("postDatetimeTo");
  const fromInstant = from ? parseErcotTimestamp(from) : null;
  const toInstant = to ? parseErcotTimestamp(to) : null;
  const size = Math.min(1000, Math.max(1, Number(query.get("size") ?? 1000) || 1000));
  const page = Math.max(1, Number(query.get("page") ?? 1) || 1);
  const matching = documents.filter(
    (document) =>
      (!fromInstant || document.publishedAt >= fromInstant) && (!toInstant || document.publishedAt <= toInstant),
  );
  const totalPages = Math.max(1, Math.ceil(matching.length / size));
  const archives = matching.slice((page - 1) * size, page * size).map((document) => ({
    docId: Number(document.docId),
    friendlyName: document.friendlyName,
    postDatetime: formatCentralIso(document.publishedAt, false),
    _links: {
      endpoint: { href: `${apiBase}/api/public-reports/archive/${emilId.toLowerCase()}?download=${document.docId}` },
    },
  }));
  return {
    status: 200,
    json: {
      _meta: {
        totalRecords: matching.length,
        pageSize: size,
        totalPages,
        currentPage: page,
        query: {
          parameterCount: [...query.keys()].length,
          parameters: Object.fromEntries(query),
          sortedBy: "postDatetime:desc",
        },
      },
      product: { emilId: emilId.toUpperCase(), name: "TDSP ESIID Extract", reportTypeId: 203 },
      archives,
      _links: { self: { href: `${apiBase}/api/public-reports/archive/${emilId}?${query.toString()}` } },
    },
  };
}

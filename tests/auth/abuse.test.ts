import http from "node:http";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { db } from "~/db/prisma.server";
import { TEST_ADMIN_TOKEN, TEST_CRON_SECRET, TEST_WEBHOOK_SECRET } from "../support/per-file-database";
import { signInCookie, startPortal, type RunningPortal } from "../support/portal-server";

// Issue 9, items 6–9 and the security headers, through real HTTP to the built portal.
let direct: RunningPortal;
let proxied: RunningPortal;
beforeAll(async () => {
  [direct, proxied] = await Promise.all([
    startPortal(),
    // Behind one trusted proxy; "embedded" mode is where the cookie used to lose Secure.
    startPortal({ env: { TRUST_PROXY: "1", PORTAL_DATABASE_MODE: "embedded" } }),
  ]);
});
afterAll(async () => {
  await Promise.all([direct?.stop(), proxied?.stop()]);
});

const login = (portal: RunningPortal, fields: Record<string, string>, headers: Record<string, string> = {}) =>
  fetch(`${portal.baseUrl}/login`, {
    method: "POST",
    body: new URLSearchParams(fields),
    headers: { origin: portal.baseUrl, ...headers },
    redirect: "manual",
  });

/** Posts a body that never ends (or declares a huge length); resolves with the status once the portal answers. */
function postEndless(portal: RunningPortal, declaredLength?: number): Promise<number> {
  return new Promise((resolve, reject) => {
    const url = new URL(`${portal.baseUrl}/login`);
    const request = http.request({
      host: url.hostname,
      port: url.port,
      path: url.pathname,
      method: "POST",
      headers: {
        origin: portal.baseUrl,
        "content-type": "application/x-www-form-urlencoded",
        ...(declaredLength ? { "content-length": String(declaredLength) } : {}),
      },
    });
    const chunk = Buffer.alloc(16 * 1024, "a");
    let stopped = false;
    const pump = () => {
      while (!stopped && request.write(chunk));
      if (!stopped) request.once("drain", pump);
    };
    request.on("response", (response) => {
      stopped = true;
      response.resume();
      request.destroy();
      resolve(response.statusCode ?? 0);
    });
    request.on("error", (error) => (stopped ? undefined : reject(error)));
    request.write("token=x&filler=");
    pump();
  });
}

describe("item 6: bodies read before authorisation are capped", () => {
  it("answers 413 to an endless chunked sign-in body without waiting for its end", async () => {
    expect(await postEndless(direct)).toBe(413);
  });

  it("answers 413 at once to a declared 300 MB sign-in body", async () => {
    expect(await postEndless(direct, 300 * 1024 * 1024)).toBe(413);
  });

  it("still signs in with a normal form", async () => {
    expect((await login(direct, { token: TEST_ADMIN_TOKEN, redirectTo: "/admin" })).status).toBe(302);
  });
});

describe("item 7: sign-in redirects stay on the portal", () => {
  const hostile = ["/%09/evil.example", "/\t/evil.example", "//evil.example", "/\\evil.example", "/%5Cevil.example"];

  it("sends the operator to /admin instead of another origin after signing in", async () => {
    for (const redirectTo of hostile) {
      const response = await login(direct, { token: TEST_ADMIN_TOKEN, redirectTo: decodeURIComponent(redirectTo) });
      expect(response.status, redirectTo).toBe(302);
      const location = response.headers.get("location")!;
      expect(new URL(location, "http://portal.invalid").origin, `${redirectTo} → ${location}`).toBe(
        "http://portal.invalid",
      );
      expect(location).not.toMatch(/[\t\\]/);
    }
  });

  it("sends an already signed-in operator only to on-portal paths", async () => {
    const cookie = await signInCookie(direct.baseUrl, TEST_ADMIN_TOKEN);
    for (const redirectTo of hostile) {
      const response = await fetch(`${direct.baseUrl}/login?redirectTo=${redirectTo}`, {
        headers: { cookie },
        redirect: "manual",
      });
      const location = response.headers.get("location")!;
      expect(new URL(location, "http://portal.invalid").origin, `${redirectTo} → ${location}`).toBe(
        "http://portal.invalid",
      );
    }
    const kept = await fetch(`${direct.baseUrl}/login?redirectTo=${encodeURIComponent("/admin/ercot?x=1")}`, {
      headers: { cookie },
      redirect: "manual",
    });
    expect(kept.headers.get("location")).toBe("/admin/ercot?x=1");
  });
});

describe("item 8: sessions end for good", () => {
  it("refuses a cookie copied before sign-out", async () => {
    const cookie = await signInCookie(direct.baseUrl, TEST_ADMIN_TOKEN);
    expect((await fetch(`${direct.baseUrl}/admin/database`, { headers: { cookie }, redirect: "manual" })).status).toBe(
      200,
    );
    const out = await fetch(`${direct.baseUrl}/logout`, {
      method: "POST",
      headers: { cookie, origin: direct.baseUrl },
      redirect: "manual",
    });
    expect(out.status).toBe(302);
    const replay = await fetch(`${direct.baseUrl}/admin/database`, { headers: { cookie }, redirect: "manual" });
    expect(replay.status).toBe(302);
    expect(replay.headers.get("location")).toMatch(/^\/login/);
  });

  it("enforces SESSION_MAX_AGE_HOURS on the server, whatever the browser keeps", async () => {
    const cookie = await signInCookie(direct.baseUrl, TEST_ADMIN_TOKEN);
    expect((await fetch(`${direct.baseUrl}/admin`, { headers: { cookie }, redirect: "manual" })).status).toBe(200);
    // The session reaches its max age (the server's clock is the judge, not the cookie's Max-Age).
    await db().$executeRawUnsafe(`UPDATE "OperatorSession" SET "expiresAt" = now() - interval '1 second'`);
    expect((await fetch(`${direct.baseUrl}/admin`, { headers: { cookie }, redirect: "manual" })).status).toBe(302);
  });

  it("marks the cookie Secure when the browser used HTTPS through the trusted proxy, even in embedded mode", async () => {
    const response = await login(proxied, { token: TEST_ADMIN_TOKEN }, { "x-forwarded-proto": "https" });
    expect(response.status).toBe(302);
    expect(response.headers.get("set-cookie")).toMatch(/__portal_session=[^,]*;[^,]*Secure/i);
  });

  it("believes X-Forwarded-Proto only behind TRUST_PROXY", async () => {
    const response = await login(direct, { token: TEST_ADMIN_TOKEN }, { "x-forwarded-proto": "https" });
    expect(response.headers.get("set-cookie")).not.toMatch(/Secure/i);
    expect(response.headers.get("strict-transport-security")).toBeNull();
  });
});

describe("item 9: throttling that cannot be bypassed and cannot lock the operator out", () => {
  it("keys on the address the trusted proxy saw, not on what the caller wrote in front of it", async () => {
    const attempt = (i: number) =>
      login(proxied, { token: "wrong-token" }, { "x-forwarded-for": `198.51.100.${i}, 203.0.113.77` });
    const statuses: number[] = [];
    for (let i = 0; i < 6; i++) statuses.push((await attempt(i)).status);
    expect(statuses).toEqual([401, 401, 401, 401, 401, 429]);
  });

  it("throttles wrong cron secrets, and refuses even the right one while the caller is blocked", async () => {
    const headers = (secret: string) => ({ authorization: `Bearer ${secret}`, "x-forwarded-for": "203.0.113.88" });
    const ping = (secret: string) =>
      fetch(`${proxied.baseUrl}/api/admin/ercot/cron/health`, { headers: headers(secret) });
    const statuses: number[] = [];
    for (let i = 0; i < 6; i++) statuses.push((await ping("wrong-cron-secret-0123456789")).status);
    expect(statuses).toEqual([401, 401, 401, 401, 401, 429]);
    const right = await ping(TEST_CRON_SECRET);
    expect(right.status).toBe(429);
    expect(right.headers.get("retry-after")).toMatch(/^\d+$/);
    // Another caller is unaffected.
    const other = await fetch(`${proxied.baseUrl}/api/admin/ercot/cron/health`, {
      headers: { authorization: `Bearer ${TEST_CRON_SECRET}`, "x-forwarded-for": "203.0.113.89" },
    });
    expect(other.status).toBe(200);
  });

  it("throttles wrong webhook secrets", async () => {
    const post = (secret: string) =>
      fetch(`${proxied.baseUrl}/api/admin/smt/pull`, {
        method: "POST",
        headers: {
          "x-intelliwatt-secret": secret,
          "content-type": "application/json",
          "x-forwarded-for": "203.0.113.90",
        },
        body: JSON.stringify({ mode: "ping" }),
      });
    const statuses: number[] = [];
    for (let i = 0; i < 6; i++) statuses.push((await post("wrong-webhook-secret-0123456")).status);
    expect(statuses).toEqual([401, 401, 401, 401, 401, 429]);
    expect((await post(TEST_WEBHOOK_SECRET)).status).toBe(429);
  });
});

describe("item 9: the overall cap", () => {
  it("slows anonymous guessing but lets the operator's own browser in", async () => {
    const portal = await startPortal();
    try {
      // The operator signed in here before: the browser holds the signed device cookie.
      const first = await login(portal, { token: TEST_ADMIN_TOKEN });
      const device = first.headers
        .getSetCookie()
        .find((line) => line.startsWith("__portal_device="))!
        .split(";")[0];
      // Attackers spend the whole overall budget.
      const statuses: number[] = [];
      for (let i = 0; i < 52; i++) statuses.push((await login(portal, { token: `guess-${i}` })).status);
      expect(statuses.slice(0, 50).every((status) => status === 401)).toBe(true);
      expect(statuses.slice(50)).toEqual([429, 429]);
      // The operator still gets in.
      expect((await login(portal, { token: TEST_ADMIN_TOKEN }, { cookie: device })).status).toBe(302);
    } finally {
      await portal.stop();
    }
  });
});

describe("security headers on every HTML response", () => {
  it("sends a nonce CSP, nosniff, no framing and a Referrer-Policy; HSTS only behind HTTPS", async () => {
    const cookie = await signInCookie(direct.baseUrl, TEST_ADMIN_TOKEN);
    for (const path of ["/login", "/admin", "/admin/no-such-page", "/no-such-page"]) {
      const response = await fetch(`${direct.baseUrl}${path}`, { headers: { cookie } });
      const csp = response.headers.get("content-security-policy") ?? "";
      expect(csp, path).toMatch(/script-src 'self' 'nonce-[A-Za-z0-9+/=]+'/);
      expect(csp, path).toContain("frame-ancestors 'none'");
      expect(csp, path).not.toContain("unsafe-eval");
      const nonce = /'nonce-([^']+)'/.exec(csp)![1];
      const html = await response.text();
      // Every inline script carries this response's nonce.
      for (const tag of html.match(/<script(?![^>]*\bsrc=)[^>]*>/g) ?? [])
        expect(tag, path).toContain(`nonce="${nonce}"`);
      expect(response.headers.get("x-content-type-options"), path).toBe("nosniff");
      expect(response.headers.get("referrer-policy"), path).toBeTruthy();
      expect(response.headers.get("strict-transport-security"), path).toBeNull();
    }
    const https = await fetch(`${proxied.baseUrl}/login`, { headers: { "x-forwarded-proto": "https" } });
    expect(https.headers.get("strict-transport-security")).toMatch(/max-age=\d+/);
  });
});

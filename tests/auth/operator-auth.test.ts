import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { db } from "~/db/prisma.server";
import { TEST_ADMIN_TOKEN, TEST_CRON_SECRET } from "../support/per-file-database";
import { signInCookie, startPortal, type RunningPortal } from "../support/portal-server";

let portal: RunningPortal;
beforeAll(async () => {
  portal = await startPortal({ env: { TRUST_PROXY: "1" } });
});
afterAll(async () => {
  await portal?.stop();
});

const get = (path: string, headers: Record<string, string> = {}) =>
  fetch(`${portal.baseUrl}${path}`, { headers, redirect: "manual" });

describe("operator sign-in", () => {
  it("redirects an anonymous visitor from every admin page to /login", async () => {
    for (const path of ["/admin", "/admin/no-such-section"]) {
      const response = await get(path);
      expect(response.status, path).toBe(302);
      expect(response.headers.get("location")).toMatch(/^\/login\?redirectTo=/);
    }
  });

  it("answers admin APIs with 401 JSON without a session", async () => {
    const response = await get("/api/admin/health");
    expect(response.status).toBe(401);
    expect(await response.json()).toMatchObject({ ok: false });
  });

  it("does not accept a forged or tampered session cookie", async () => {
    const cookie = await signInCookie(portal.baseUrl, TEST_ADMIN_TOKEN);
    const [name, value] = cookie.split("=");
    const forged = `${name}=${Buffer.from(JSON.stringify({ operator: true })).toString("base64")}`;
    const tampered = `${name}=${value.slice(0, -3)}abc`;
    for (const candidate of [forged, tampered, `${name}=`]) {
      expect((await get("/admin", { cookie: candidate })).status).toBe(302);
    }
  });

  it("signs in with ADMIN_TOKEN, shows the dashboard and records the sign-in", async () => {
    const cookie = await signInCookie(portal.baseUrl, TEST_ADMIN_TOKEN);
    const response = await get("/admin", { cookie });
    expect(response.status).toBe(200);
    const html = await response.text();
    for (const panel of ["database", "storage", "ercot-ews", "ercot-api", "ercot-scrape", "cron", "smt-webhook"]) {
      expect(html).toContain(`data-panel="${panel}"`);
    }
    expect(html).not.toContain(TEST_ADMIN_TOKEN);
    expect(html).not.toContain(TEST_CRON_SECRET);
    expect(await db().auditEvent.count({ where: { action: "login" } })).toBeGreaterThan(0);
  });

  it("sets an httpOnly, SameSite session cookie", async () => {
    const response = await fetch(`${portal.baseUrl}/login`, {
      method: "POST",
      body: new URLSearchParams({ token: TEST_ADMIN_TOKEN }),
      headers: { origin: portal.baseUrl },
      redirect: "manual",
    });
    const setCookie = response.headers.get("set-cookie") ?? "";
    expect(setCookie).toMatch(/HttpOnly/i);
    expect(setCookie).toMatch(/SameSite=Lax/i);
  });

  it("answers a wrong token with a generic 401 and rate-limits repeated failures", async () => {
    const attempt = () =>
      fetch(`${portal.baseUrl}/login`, {
        method: "POST",
        body: new URLSearchParams({ token: "wrong-token" }),
        headers: { origin: portal.baseUrl, "x-forwarded-for": "203.0.113.9" },
        redirect: "manual",
      });
    const statuses: number[] = [];
    for (let i = 0; i < 7; i++) statuses.push((await attempt()).status);
    expect(statuses.slice(0, 5)).toEqual([401, 401, 401, 401, 401]);
    expect(statuses.slice(5)).toEqual([429, 429]);
    const blocked = await attempt();
    expect(blocked.headers.get("retry-after")).toMatch(/^\d+$/);
    // the right token is refused too while the client is blocked
    const right = await fetch(`${portal.baseUrl}/login`, {
      method: "POST",
      body: new URLSearchParams({ token: TEST_ADMIN_TOKEN }),
      headers: { origin: portal.baseUrl, "x-forwarded-for": "203.0.113.9" },
      redirect: "manual",
    });
    expect(right.status).toBe(429);
  });

  it("refuses a cross-site POST to an admin action", async () => {
    const cookie = await signInCookie(portal.baseUrl, TEST_ADMIN_TOKEN);
    const response = await fetch(`${portal.baseUrl}/logout`, {
      method: "POST",
      headers: { cookie, origin: "https://evil.example" },
      redirect: "manual",
    });
    expect(response.status).toBeGreaterThanOrEqual(400);
    expect(response.headers.get("set-cookie")).toBeNull();
    expect((await get("/admin", { cookie })).status).toBe(200);
  });

  it("refuses a POST that the browser marks as cross-site even without Origin", async () => {
    const cookie = await signInCookie(portal.baseUrl, TEST_ADMIN_TOKEN);
    const response = await fetch(`${portal.baseUrl}/logout`, {
      method: "POST",
      headers: { cookie, "sec-fetch-site": "cross-site" },
      redirect: "manual",
    });
    expect(response.status).toBe(403);
  });

  it("signs out and records it", async () => {
    const cookie = await signInCookie(portal.baseUrl, TEST_ADMIN_TOKEN);
    const response = await fetch(`${portal.baseUrl}/logout`, {
      method: "POST",
      headers: { cookie, origin: portal.baseUrl },
      redirect: "manual",
    });
    expect(response.status).toBe(302);
    expect(response.headers.get("set-cookie")).toMatch(/Max-Age=0|Expires=Thu, 01 Jan 1970/i);
    expect(await db().auditEvent.count({ where: { action: "logout" } })).toBe(1);
  });

  it("serves health JSON to a machine with the bearer CRON_SECRET", async () => {
    const response = await get("/api/admin/health", { authorization: `Bearer ${TEST_CRON_SECRET}` });
    expect(response.status).toBe(200);
    const body = await response.json();
    expect(body.panels.map((p: { id: string }) => p.id)).toContain("database");
    expect(JSON.stringify(body)).not.toContain(TEST_CRON_SECRET);
    expect((await get("/api/admin/health", { authorization: "Bearer wrong" })).status).toBe(401);
  });

  it("shows a 404 page for an unknown route", async () => {
    const response = await get("/no/such/page");
    expect(response.status).toBe(404);
    expect(await response.text()).toContain("Page not found");
  });
});

describe("when the database is unreachable", () => {
  it("turns the database panel red with the reason and shows an error page, not a stack trace", async () => {
    const broken = await startPortal({ env: { DATABASE_URL: "postgresql://postgres:secret-pw@127.0.0.1:1/nowhere" } });
    try {
      const cookie = await signInCookie(broken.baseUrl, TEST_ADMIN_TOKEN).catch(() => null);
      expect(cookie).not.toBeNull();
      const health = await fetch(`${broken.baseUrl}/api/admin/health`, {
        headers: { authorization: `Bearer ${TEST_CRON_SECRET}` },
      });
      expect(health.status).toBe(503);
      const body = await health.json();
      const database = body.panels.find((p: { id: string }) => p.id === "database");
      expect(database.status).toBe("error");
      expect(database.detail).toMatch(/Unreachable/);
      expect(JSON.stringify(body)).not.toContain("secret-pw");
      const page = await fetch(`${broken.baseUrl}/admin`, { headers: { cookie: cookie! } });
      const html = await page.text();
      expect(html).toContain('data-status="error"');
      expect(html).not.toMatch(/at .*\.js:\d+/);
    } finally {
      await broken.stop();
    }
  });
});

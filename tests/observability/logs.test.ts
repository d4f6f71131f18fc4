import { describe, expect, it, vi } from "vitest";
import { TEST_ADMIN_TOKEN, TEST_CRON_SECRET, TEST_WEBHOOK_SECRET } from "../support/per-file-database";
import { signInCookie } from "../support/portal-server";
import { METRICS_TOKEN, usePortalWithFakeErcot } from "./stack";

const portal = usePortalWithFakeErcot();

function jsonLines(text: string) {
  return text
    .split("\n")
    .filter((line) => line.trim())
    .map((line) => {
      try {
        return JSON.parse(line) as Record<string, unknown>;
      } catch {
        throw new Error(`Not a JSON log line: ${line}`);
      }
    });
}

describe("structured logs", () => {
  it("writes one JSON line per request with method, route, status, duration and the request id it sends back", async () => {
    const given = await fetch(`${portal().baseUrl}/login`, { headers: { "x-request-id": "probe-request-1" } });
    expect(given.headers.get("x-request-id")).toBe("probe-request-1");
    const fresh = await fetch(`${portal().baseUrl}/login`);
    const freshId = fresh.headers.get("x-request-id");
    expect(freshId).toMatch(/^[0-9a-f-]{36}$/);

    await vi.waitFor(() => {
      const lines = jsonLines(portal().output());
      const line = lines.find((entry) => entry.requestId === "probe-request-1");
      expect(line).toMatchObject({
        req: { method: "GET", url: "/login" },
        res: { status: 200 },
        route: "routes/login",
        durationMs: expect.any(Number),
      });
      expect(lines.filter((entry) => entry.requestId === freshId)).toHaveLength(1);
    });
  });

  it("keeps every configured secret out of a full run's logs, including ?token= and secret headers", async () => {
    const run = await fetch(`${portal().baseUrl}/api/admin/ercot/cron?token=${TEST_CRON_SECRET}`);
    expect(run.status).toBe(200);
    const { runId } = (await run.json()) as { runId: number };
    await fetch(`${portal().baseUrl}/api/admin/ercot/cron/health`, {
      headers: { authorization: `Bearer ${TEST_CRON_SECRET}` },
    });
    await fetch(`${portal().baseUrl}/api/admin/smt/pull`, {
      method: "POST",
      headers: { "x-intelliwatt-secret": TEST_WEBHOOK_SECRET, "content-type": "application/json" },
      body: "{}",
    });
    await fetch(`${portal().baseUrl}/metrics`, { headers: { authorization: `Bearer ${METRICS_TOKEN}` } });
    await signInCookie(portal().baseUrl, TEST_ADMIN_TOKEN);
    // A failed sign-in posts the wrong token; it must not be logged either.
    await fetch(`${portal().baseUrl}/login?token=${TEST_ADMIN_TOKEN}`, { headers: { cookie: "__session=abc" } });

    await vi.waitFor(() => {
      const lines = jsonLines(portal().output());
      expect(lines.some((entry) => entry.msg === "ERCOT run succeeded" && entry.runId === runId)).toBe(true);
      expect(lines.some((entry) => entry.msg === "ERCOT file stored" && entry.runId === runId)).toBe(true);
      expect(lines.some((entry) => String((entry.req as { url?: string })?.url).includes("token=[Redacted]"))).toBe(
        true,
      );
    });
    const output = portal().output();
    for (const secret of [TEST_CRON_SECRET, TEST_ADMIN_TOKEN, TEST_WEBHOOK_SECRET, METRICS_TOKEN]) {
      expect(output).not.toContain(secret);
    }
    expect(output).not.toContain(process.env.DATABASE_URL!);
    expect(output).not.toContain(new URL(process.env.DATABASE_URL!).password || "no-password-set");
  });
});

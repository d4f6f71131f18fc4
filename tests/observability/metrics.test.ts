import { describe, expect, it, vi } from "vitest";
import { TEST_ADMIN_TOKEN, TEST_CRON_SECRET } from "../support/per-file-database";
import { signInCookie } from "../support/portal-server";
import { METRICS_TOKEN, usePortalWithFakeErcot } from "./stack";

const portal = usePortalWithFakeErcot();

const METRIC_NAME = /^[a-zA-Z_:][a-zA-Z0-9_:]*$/;
const LABELS = /^\{(?:[a-zA-Z_][a-zA-Z0-9_]*="(?:[^"\\\n]|\\["\\n])*"(?:,(?=[a-zA-Z_]))?)*,?\}$/;
const VALUE = /^(?:[+-]?(?:\d+\.?\d*(?:e[+-]?\d+)?|\.\d+(?:e[+-]?\d+)?)|[+-]?Inf|NaN)$/i;
const TYPES = new Set(["counter", "gauge", "histogram", "summary", "untyped"]);

/** A strict reading of the Prometheus text format (0.0.4): throws on any line it does not accept. */
function parseExposition(text: string) {
  const types = new Map<string, string>();
  const samples: { name: string; labels: string; value: number }[] = [];
  expect(text.endsWith("\n")).toBe(true);
  for (const line of text.slice(0, -1).split("\n")) {
    if (line === "") continue; // the format ignores empty lines
    if (line.startsWith("# HELP ")) {
      expect(line.split(" ")[2]).toMatch(METRIC_NAME);
      continue;
    }
    if (line.startsWith("# TYPE ")) {
      const [, , name, type] = line.split(" ");
      expect(name).toMatch(METRIC_NAME);
      expect(TYPES.has(type), line).toBe(true);
      expect(types.has(name), `second TYPE for ${name}`).toBe(false);
      types.set(name, type);
      continue;
    }
    const match = line.match(/^([a-zA-Z_:][a-zA-Z0-9_:]*)(\{.*\})? (\S+)(?: -?\d+)?$/);
    if (!match) throw new Error(`Not a valid exposition line: ${JSON.stringify(line)}`);
    const [, name, labels = "", value] = match;
    if (labels) expect(labels, line).toMatch(LABELS);
    expect(value, line).toMatch(VALUE);
    const family = name.replace(/_(bucket|sum|count)$/, "");
    expect(types.has(name) || types.has(family), `sample before its TYPE: ${line}`).toBe(true);
    samples.push({ name, labels, value: Number(value) });
  }
  const value = (name: string, labels = "") => samples.find((s) => s.name === name && s.labels === labels)?.value;
  return { types, samples, value };
}

const scrape = async (headers: Record<string, string> = { authorization: `Bearer ${METRICS_TOKEN}` }) => {
  const response = await fetch(`${portal().baseUrl}/metrics`, { headers });
  expect(response.status).toBe(200);
  expect(response.headers.get("content-type")).toMatch(/^text\/plain; version=0\.0\.4/);
  return parseExposition(await response.text());
};

describe("GET /metrics", () => {
  it("refuses scrapes without the bearer METRICS_TOKEN or an operator session", async () => {
    const refused: Record<string, string>[] = [
      {},
      { authorization: "Bearer wrong-metrics-token-0123456789" },
      { authorization: `Bearer ${TEST_CRON_SECRET}` },
    ];
    for (const headers of refused) {
      const response = await fetch(`${portal().baseUrl}/metrics`, { headers });
      expect(response.status).toBe(401);
      expect(await response.text()).not.toContain("portal_");
    }
    const cookie = await signInCookie(portal().baseUrl, TEST_ADMIN_TOKEN);
    const bySession = await scrape({ cookie });
    expect(bySession.types.get("portal_ercot_runs")).toBe("gauge");
  });

  it("is valid exposition format with the portal's metrics, and moves when a run happens", async () => {
    const before = await scrape();
    expect(before.value("portal_ercot_runs", '{status="succeeded"}')).toBe(0);
    expect(before.value("portal_ercot_stored_files")).toBe(0);
    expect(before.value("portal_ercot_last_success_timestamp_seconds")).toBe(0);
    expect(before.value("portal_smt_seconds_since_last_droplet_post")).toBeNaN();
    for (const name of [
      "process_cpu_user_seconds_total",
      "nodejs_heap_size_used_bytes",
      "portal_http_request_duration_seconds",
      "portal_smt_files",
      "portal_smt_rows",
      "portal_smt_seconds_since_last_droplet_post",
      "portal_alert_check_state",
      "portal_ercot_last_run_duration_seconds",
      "portal_ercot_stored_bytes",
    ])
      expect(before.types.has(name), name).toBe(true);

    const run = await fetch(`${portal().baseUrl}/api/admin/ercot/cron`, {
      headers: { authorization: `Bearer ${TEST_CRON_SECRET}` },
    });
    expect(run.status).toBe(200);

    const after = await scrape();
    expect(after.value("portal_ercot_runs", '{status="succeeded"}')).toBe(1);
    expect(after.value("portal_ercot_stored_files")).toBeGreaterThan(0);
    expect(after.value("portal_ercot_stored_bytes")).toBeGreaterThan(0);
    expect(after.value("portal_ercot_last_success_timestamp_seconds")).toBeGreaterThan(Date.now() / 1000 - 600);
    expect(after.value("portal_ercot_last_run_duration_seconds")).toBeGreaterThanOrEqual(0);
    // The cron ping ran the alert checks, so their states are exported.
    expect(after.value("portal_alert_check_state", '{check="ercot-run-failed"}')).toBe(0);
    // The request is observed when its response finishes on the server, which can trail the client's read.
    await vi.waitFor(async () => {
      const cronRequests = (await scrape()).samples.find(
        (s) =>
          s.name === "portal_http_request_duration_seconds_count" &&
          s.labels.includes('route="routes/api.admin.ercot.cron"'),
      );
      expect(cronRequests?.value).toBe(1);
    });
  });
});

import autocannon from "autocannon";
import { readFileSync } from "node:fs";

export interface RouteFigures {
  route: string;
  requests: number;
  p50: number;
  p95: number;
  statuses: Record<string, number>;
  serverErrors: number;
  /** Requests that got no answer (connection errors, time-outs); requests still open at the end are not counted. */
  unanswered: number;
}

const percentile = (sorted: number[], p: number) =>
  sorted.length ? sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] : 0;

function routeFigures(
  route: string,
  latencies: number[],
  statuses: Record<string, number>,
  unanswered: number,
): RouteFigures {
  latencies.sort((a, b) => a - b);
  return {
    route,
    requests: latencies.length,
    p50: Math.round(percentile(latencies, 50)),
    p95: Math.round(percentile(latencies, 95)),
    statuses,
    serverErrors: Object.entries(statuses)
      .filter(([status]) => status.startsWith("5"))
      .reduce((sum, [, count]) => sum + count, 0),
    unanswered,
  };
}

/**
 * Runs autocannon instances at once for one route and pools their answers: per-request latencies (autocannon's own
 * summary has no p95) and status counts.
 */
export async function loadRoute(route: string, instances: Parameters<typeof autocannon>[0][]): Promise<RouteFigures> {
  const latencies: number[] = [];
  const statuses: Record<string, number> = {};
  const results = await Promise.all(
    instances.map((options) =>
      autocannon(options).on("response", (_client, status, _bytes, ms) => {
        latencies.push(ms);
        statuses[status] = (statuses[status] ?? 0) + 1;
      }),
    ),
  );
  const unanswered = results.reduce((sum, result) => sum + result.errors + result.timeouts, 0);
  return routeFigures(route, latencies, statuses, unanswered);
}

/** Samples a process's resident memory (VmRSS in /proc) until stopped; returns the peak in MiB. */
export function sampleRss(pid: number, everyMs = 200) {
  let peakKib = 0;
  const sample = () => {
    const match = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, "utf8"));
    if (match) peakKib = Math.max(peakKib, Number(match[1]));
  };
  sample();
  const timer = setInterval(sample, everyMs);
  return {
    stop(): number {
      clearInterval(timer);
      sample();
      return peakKib / 1024;
    },
  };
}

/** A multipart/form-data body with one file in the field `file`, as the droplet posts it. */
export function multipartFile(name: string, bytes: Buffer) {
  const boundary = `----reliability${Math.random().toString(16).slice(2)}`;
  const body = Buffer.concat([
    Buffer.from(
      `--${boundary}\r\nContent-Disposition: form-data; name="file"; filename="${name}"\r\n` +
        "Content-Type: text/csv\r\n\r\n",
    ),
    bytes,
    Buffer.from(`\r\n--${boundary}--\r\n`),
  ]);
  return { body, contentType: `multipart/form-data; boundary=${boundary}` };
}

/**
 * One loop per entry of `requests`, each sending its request again and again until `untilMs` (epoch ms); the request
 * in flight at the end is awaited, never cut, so every slow answer (a page under load, a large upload) counts.
 * autocannon aborts what is still open when its time is up.
 */
export async function requestLoop(
  route: string,
  url: string,
  requests: { method?: string; headers: Record<string, string>; body?: Buffer | string }[],
  untilMs: number,
): Promise<RouteFigures> {
  const latencies: number[] = [];
  const statuses: Record<string, number> = {};
  let unanswered = 0;
  await Promise.all(
    requests.map(async ({ method = "GET", headers, body }) => {
      do {
        const started = performance.now();
        try {
          const response = await fetch(url, {
            method,
            headers,
            body: typeof body === "string" || body === undefined ? body : new Uint8Array(body),
            redirect: "manual",
          });
          await response.arrayBuffer();
          latencies.push(performance.now() - started);
          statuses[response.status] = (statuses[response.status] ?? 0) + 1;
        } catch {
          unanswered++;
        }
      } while (Date.now() < untilMs);
    }),
  );
  return routeFigures(route, latencies, statuses, unanswered);
}

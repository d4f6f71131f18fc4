// A slow, then vanished, download of a big export through the real built portal: the server sends only as
// fast as the client reads, and gives its cursor, transaction and connection back when the client leaves.
import { readFileSync } from "node:fs";
import http from "node:http";
import pg from "pg";
import { connectionConfig, databaseTargetFromEnv } from "~/db/connection.server";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { signInCookie, startPortal, type RunningPortal } from "../../tests/support/portal-server";

/** Day rows of 96 readings, about 2 KiB each as JSON: an export of well over 100 MiB. */
const ROWS = 60_000;
const READ_BYTES_PER_SECOND = 64 * 1024;
const READ_SECONDS = 20;
const MIB = 1024 * 1024;

let portal: RunningPortal;
let cookie: string;
let db: pg.Client;

function rssBytes(pid: number): number {
  const match = /^VmRSS:\s+(\d+) kB$/m.exec(readFileSync(`/proc/${pid}/status`, "utf8"));
  return Number(match![1]) * 1024;
}

/** Explorer transactions still open in the test database (an export holds one while it streams). */
async function openExportTransactions(): Promise<number> {
  const { rows } = await db.query<{ n: number }>(
    `SELECT count(*)::int AS n FROM pg_stat_activity
      WHERE datname = current_database() AND pid <> pg_backend_pid() AND xact_start IS NOT NULL`,
  );
  return rows[0].n;
}

beforeAll(async () => {
  db = new pg.Client(connectionConfig(databaseTargetFromEnv()));
  await db.connect();
  await db.query(
    `INSERT INTO "SmtIntervalDay" (esiid, channel, day, "dayStart", kwh, estimated, "revisionAt", "rawFileIds",
                                   "totalKwh", intervals)
     SELECT '1044372000000' || lpad((i % 1000)::text, 4, '0'), 'consumption', '2025-01-01'::date + i / 1000,
            '2025-01-01 06:00'::timestamp + (i / 1000) * interval '1 day',
            array_fill(((i % 997) / 100.0)::numeric, ARRAY[96]), array_fill(false, ARRAY[96]),
            array_fill(NULL::timestamp, ARRAY[96]), array_fill(NULL::int, ARRAY[96]), (i % 997) * 0.96, 96
       FROM generate_series(0, $1::int - 1) i`,
    [ROWS],
  );
  await db.query(`ANALYZE "SmtIntervalDay"`);
  portal = await startPortal();
  cookie = await signInCookie(portal.baseUrl, portal.adminToken);
}, 120_000);

afterAll(async () => {
  await portal?.stop();
  await db?.end();
});

describe("export to a slow client", () => {
  it(
    "sends only as fast as the client reads, then releases its transaction when the client disconnects",
    async () => {
      // Warm the route once so the baseline includes the modules and the pool.
      await (
        await fetch(`${portal.baseUrl}/admin/database/SmtIntervalDay/export?format=json&size=1&esiid.eq=x`, {
          headers: { cookie },
        })
      ).text();
      const baseline = rssBytes(portal.pid);

      const url = new URL(`${portal.baseUrl}/admin/database/SmtIntervalDay/export?format=json`);
      const response = await new Promise<http.IncomingMessage>((resolve, reject) =>
        http.get(url, { headers: { cookie } }, resolve).on("error", reject),
      );
      expect(response.statusCode).toBe(200);
      response.pause();

      let received = 0;
      let peak = 0;
      const started = Date.now();
      await vi.waitFor(
        () => {
          // Read what the client's pace allows by now, never more.
          const due = ((Date.now() - started) / 1000) * READ_BYTES_PER_SECOND;
          while (received < due) {
            const chunk: Buffer | null = response.read();
            if (chunk === null) break;
            received += chunk.length;
          }
          peak = Math.max(peak, rssBytes(portal.pid) - baseline);
          if (Date.now() - started < READ_SECONDS * 1000) throw new Error("still reading slowly");
        },
        { timeout: (READ_SECONDS + 10) * 1000, interval: 100 },
      );
      console.log(`export to a 64 KiB/s client: server RSS growth peak ${(peak / MIB).toFixed(1)} MiB`);
      expect(peak).toBeLessThan(64 * MIB);
      expect(received).toBeGreaterThan(READ_BYTES_PER_SECOND * READ_SECONDS * 0.5);
      expect(await openExportTransactions()).toBe(1);

      response.destroy();
      const left = Date.now();
      await vi.waitFor(async () => expect(await openExportTransactions()).toBe(0), { timeout: 5_000, interval: 50 });
      console.log(`export: transaction closed ${Date.now() - left} ms after the client disconnected`);
    },
    (READ_SECONDS + 30) * 1000,
  );
});

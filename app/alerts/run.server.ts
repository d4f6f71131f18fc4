import { logger } from "~/log/logger.server";
import { configuredChannels, deliver, type Channel, type RetryPolicy } from "./channels.server";
import { databaseReachable, evaluateChecks } from "./checks.server";
import { sendPendingNotices } from "./deliveries.server";
import { noticeFor, recordDatabaseOutage, recordResult, watchedSince, type Transition } from "./incidents.server";
import type { CheckResult } from "./types";

interface DatabaseOutage {
  openedAt: Date;
  summary: string;
  raised: { channel: Channel; ok: boolean; attempts: number; error?: string }[];
}

declare global {
  // While the database is down nothing can be written, so the outage is remembered in the process.
  var __portalDatabaseOutage: DatabaseOutage | undefined;
  var __portalNoticeSending: Promise<void> | undefined;
  var __portalAlertCheck: Promise<void> | undefined;
}

export interface AlertRun {
  results: CheckResult[];
  transitions: Transition[];
  /** Resolves when the notices this run queued (and any left pending) have been sent or recorded as failed. */
  notices: Promise<void>;
}

export interface AlertRunOptions {
  now?: Date;
  retry?: RetryPolicy;
}

/** One sender per process at a time; a run that arrives meanwhile waits for it, then sends what is left. */
function sendNotices(retry?: RetryPolicy): Promise<void> {
  const previous = globalThis.__portalNoticeSending ?? Promise.resolve();
  const next = previous
    .then(() => sendPendingNotices(retry))
    .catch((error: unknown) => logger().error({ err: error }, "Pending alert notices could not be sent"));
  globalThis.__portalNoticeSending = next;
  return next;
}

async function databaseDown(result: CheckResult, now: Date, retry?: RetryPolicy): Promise<AlertRun> {
  if (globalThis.__portalDatabaseOutage) return { results: [result], transitions: [], notices: Promise.resolve() };
  const outage: DatabaseOutage = { openedAt: now, summary: result.summary, raised: [] };
  globalThis.__portalDatabaseOutage = outage;
  logger().error({ check: "database", summary: result.summary }, "Alert check database: ok → alert");
  const notice = noticeFor("raised", "database", "alert", result.summary, 0, now);
  const notices = Promise.all(
    configuredChannels().map(async (channel) => {
      const sent = await deliver(channel, { ...notice, incidentId: null }, retry);
      outage.raised.push({ channel, ...sent });
    }),
  ).then(() => undefined);
  return { results: [result], transitions: [], notices };
}

/**
 * Evaluates every check, records transitions (one incident per outage, closed by its recovery) and sends the
 * queued notices in the background: the caller awaits the checks, never the notices.
 */
export async function runAlertChecks(options: AlertRunOptions = {}): Promise<AlertRun> {
  const now = options.now ?? new Date();
  const database = await databaseReachable();
  if (database.state !== "ok") return databaseDown(database, now, options.retry);
  const since = await watchedSince(now);
  const transitions: Transition[] = [];
  const outage = globalThis.__portalDatabaseOutage;
  if (outage) {
    globalThis.__portalDatabaseOutage = undefined;
    const incidentId = await recordDatabaseOutage(outage, now, database.summary);
    transitions.push({ checkId: "database", kind: "recovered", incidentId, state: "ok" });
  }
  const results = [database, ...(await evaluateChecks({ now, watchedSince: (id) => since.get(id) ?? now }))];
  for (const result of results) {
    if (outage && result.id === "database") continue;
    const transition = await recordResult(result, now);
    if (transition) transitions.push(transition);
  }
  return { results, transitions, notices: sendNotices(options.retry) };
}

/**
 * For the cron route and the schedule: checks never fail their caller, and notices get a bounded wait. Calls that
 * do not wait (pings during a run, the timer) join a check already going instead of each querying the database.
 */
export function runAlertChecksSafely(waitForNoticesMs = 0): Promise<void> {
  if (waitForNoticesMs > 0) return checkSafely(waitForNoticesMs);
  globalThis.__portalAlertCheck ??= checkSafely(0).finally(() => (globalThis.__portalAlertCheck = undefined));
  return globalThis.__portalAlertCheck;
}

async function checkSafely(waitForNoticesMs: number): Promise<void> {
  try {
    const run = await runAlertChecks();
    if (waitForNoticesMs > 0) {
      let timer: NodeJS.Timeout | undefined;
      await Promise.race([run.notices, new Promise((resolve) => (timer = setTimeout(resolve, waitForNoticesMs)))]);
      clearTimeout(timer);
    }
  } catch (error) {
    logger().error({ err: error }, "Alert checks could not run");
  }
}

import { withTimeout } from "~/time/with-timeout";
import { X509Certificate } from "node:crypto";
import { Cron } from "croner";
import { SECRET_THROTTLE } from "~/auth/throttle.server";
import { db } from "~/db/prisma.server";
import { getEnv } from "~/env/env.server";
import { ercotSourcesConfig } from "~/ercot/config.server";
import { loadClientCertificate } from "~/ercot/sources/certificates.server";
import { errorMessage } from "~/log/logger.server";
import { storage } from "~/storage/index.server";
import { ERCOT_JOBS } from "~/ercot/jobs";
import type { CheckId, CheckResult } from "./types";

const DAY_MS = 86_400_000;
const CERTIFICATE_WARN_DAYS = 30;
const PROBE_TIMEOUT_MS = 5_000;

export interface CheckContext {
  now: Date;
  /** When the portal began watching each check; a check never blames the time before it. */
  watchedSince: (id: CheckId) => Date;
}

const at = (instant: Date) => `${instant.toISOString().replace("T", " ").slice(0, 16)} UTC`;
const result = (id: CheckId, state: CheckResult["state"], summary: string): CheckResult => ({ id, state, summary });

function previousRun(pattern: string, before: Date): Date | null {
  const job = new Cron(pattern, { timezone: "UTC", paused: true });
  const [previous] = job.previousRuns(1, before);
  job.stop();
  return previous ?? null;
}

/** Late: no run has succeeded since the day's first scheduled time, and the catch-up time plus grace has passed. */
async function ercotLate({ now, watchedSince }: CheckContext): Promise<CheckResult> {
  const { ercotGraceMs } = getEnv().alerts;
  const [daily, catchUp] = ERCOT_JOBS;
  const owedCatchUp = previousRun(catchUp.pattern, new Date(now.getTime() - ercotGraceMs));
  const dayStart = owedCatchUp && previousRun(daily.pattern, owedCatchUp);
  if (!owedCatchUp || !dayStart || owedCatchUp < watchedSince("ercot-late"))
    return result("ercot-late", "ok", "No scheduled run is owed yet.");
  const lastSuccess = await db().ingestRun.findFirst({
    where: { status: "succeeded" },
    orderBy: { finishedAt: "desc" },
    select: { finishedAt: true },
  });
  const succeededAt = lastSuccess?.finishedAt ?? null;
  if (succeededAt && succeededAt >= dayStart)
    return result("ercot-late", "ok", `The last successful run finished at ${at(succeededAt)}.`);
  return result(
    "ercot-late",
    "alert",
    `No ERCOT run has succeeded since ${at(dayStart)}, and the catch-up at ${at(owedCatchUp)} plus ${Math.round(ercotGraceMs / 60_000)} min grace has passed. ` +
      "Check the latest run on /admin/ercot and the scheduler (cron/README.md), or press Run now.",
  );
}

async function ercotRunFailed(): Promise<CheckResult> {
  const run = await db().ingestRun.findFirst({
    where: { status: { in: ["succeeded", "partial", "failed", "abandoned"] } },
    orderBy: { id: "desc" },
    select: { id: true, status: true, error: true },
  });
  if (!run || run.status === "succeeded")
    return result("ercot-run-failed", "ok", run ? `Run #${run.id} succeeded.` : "No run has finished yet.");
  const firstLine = run.error?.split("\n")[0] ?? "";
  const reason = firstLine ? `: ${firstLine.length > 200 ? `${firstLine.slice(0, 200)}…` : firstLine}` : ".";
  return result(
    "ercot-run-failed",
    run.status === "partial" ? "warn" : "alert",
    `ERCOT run #${run.id} ended ${run.status}${reason} See /admin/ercot/${run.id}; the next run retries what is missing.`,
  );
}

async function ercotRunStuck({ now }: CheckContext): Promise<CheckResult> {
  const { runStuckMs } = getEnv().alerts;
  const run = await db().ingestRun.findFirst({
    where: { status: "running", startedAt: { lt: new Date(now.getTime() - runStuckMs) } },
    orderBy: { id: "asc" },
    select: { id: true, startedAt: true },
  });
  if (!run) return result("ercot-run-stuck", "ok", "No run is past its deadline.");
  return result(
    "ercot-run-stuck",
    "alert",
    `ERCOT run #${run.id} started at ${at(run.startedAt)} and is still running after ${Math.round(runStuckMs / 60_000)} min. ` +
      "Look at its progress on /admin/ercot; restarting the portal ends it and the next run starts over.",
  );
}

async function smtSilent({ now, watchedSince }: CheckContext): Promise<CheckResult> {
  const env = getEnv();
  if (!env.smt.webhookSecret)
    return result("smt-silent", "ok", "The droplet webhook is not configured (INTELLIWATT_WEBHOOK_SECRET).");
  const last = await db().smtRawFile.findFirst({
    where: { source: "webhook" },
    orderBy: { receivedAt: "desc" },
    select: { receivedAt: true },
  });
  const since = last?.receivedAt ?? watchedSince("smt-silent");
  const windowHours = Math.round(env.alerts.smtSilentMs / 3600_000);
  if (now.getTime() - since.getTime() <= env.alerts.smtSilentMs)
    return result(
      "smt-silent",
      "ok",
      last ? `The last droplet post arrived at ${at(last.receivedAt)}.` : "Waiting for the first droplet post.",
    );
  return result(
    "smt-silent",
    "alert",
    `${last ? `The last droplet post arrived at ${at(last.receivedAt)}` : `No droplet post has arrived since ${at(since)}`}, more than ${windowHours} h ago. ` +
      "Check smt-ingest.timer on the droplet (docs/DEPLOY_SMT_INGEST.md) and its secret.",
  );
}

async function smtFileFailed(): Promise<CheckResult> {
  const file = await db().smtRawFile.findFirst({
    orderBy: { id: "desc" },
    select: { id: true, filename: true, status: true, receivedAt: true },
  });
  if (!file || file.status !== "failed")
    return result(
      "smt-file-failed",
      "ok",
      file ? `The latest SMT file, ${file.filename}, was accepted.` : "No SMT file yet.",
    );
  return result(
    "smt-file-failed",
    "alert",
    `The SMT file ${file.filename} received at ${at(file.receivedAt)} failed. Its errors are on /admin/smt; post a corrected file.`,
  );
}

async function storageReachable(): Promise<CheckResult> {
  const store = storage();
  try {
    await withTimeout(store.head("health/probe"), "Storage", PROBE_TIMEOUT_MS);
    return result("storage", "ok", `${store.description} is reachable.`);
  } catch (error) {
    return result(
      "storage",
      "alert",
      `Storage is unreachable from the portal (${errorMessage(error).slice(0, 200)}). ERCOT files cannot be stored until it answers.`,
    );
  }
}

/** Never throws: the other checks need the database, so this one decides whether they run at all. */
export async function databaseReachable(): Promise<CheckResult> {
  try {
    await withTimeout(db().$queryRaw`SELECT 1`, "PostgreSQL", PROBE_TIMEOUT_MS);
    return result("database", "ok", "PostgreSQL is reachable.");
  } catch (error) {
    return result(
      "database",
      "alert",
      `The database is unreachable from the portal (${errorMessage(error)
        .replace(/postgres(ql)?:\/\/\S+/g, "postgresql://…")
        .slice(0, 200)}). Nothing can be recorded until it answers.`,
    );
  }
}

function ercotCertificate({ now }: CheckContext): CheckResult {
  let certificatePem: string | undefined;
  try {
    certificatePem = loadClientCertificate(ercotSourcesConfig().ews)?.certPem;
  } catch (error) {
    return result("ercot-certificate", "alert", `The ERCOT EWS certificate cannot be read: ${errorMessage(error)}`);
  }
  if (!certificatePem) return result("ercot-certificate", "ok", "No ERCOT EWS certificate is configured.");
  const validTo = new Date(new X509Certificate(certificatePem).validTo);
  const daysLeft = Math.floor((validTo.getTime() - now.getTime()) / DAY_MS);
  if (daysLeft < 0)
    return result(
      "ercot-certificate",
      "alert",
      `The ERCOT EWS certificate expired on ${at(validTo)}. EWS refuses it; request a new one in the MIS certificate portal.`,
    );
  if (daysLeft < CERTIFICATE_WARN_DAYS)
    return result(
      "ercot-certificate",
      "warn",
      `The ERCOT EWS certificate expires on ${at(validTo)}, in ${daysLeft} day(s). Renew it in the MIS certificate portal and update ERCOT_EWS_PFX (or ERCOT_EWS_CERT/KEY).`,
    );
  return result("ercot-certificate", "ok", `The ERCOT EWS certificate is valid until ${at(validTo)}.`);
}

/** The sign-in throttle's own thresholds, counted from the audit log's failed sign-ins (every instance writes there). */
async function signInThrottle({ now }: CheckContext): Promise<CheckResult> {
  const since = new Date(now.getTime() - SECRET_THROTTLE.windowSeconds * 1000);
  const failures = await db().auditEvent.groupBy({
    by: ["actor"],
    where: { action: "login.failed", at: { gte: since } },
    _count: { _all: true },
  });
  const total = failures.reduce((sum, row) => sum + row._count._all, 0);
  const tripped = failures.filter((row) => row._count._all >= SECRET_THROTTLE.perCaller);
  if (tripped.length === 0 && total < SECRET_THROTTLE.overall)
    return result(
      "sign-in-throttle",
      "ok",
      `${total} failed sign-in(s) in the last ${SECRET_THROTTLE.windowSeconds / 60} min.`,
    );
  return result(
    "sign-in-throttle",
    "alert",
    `The sign-in throttle tripped: ${total} failed sign-ins in the last ${SECRET_THROTTLE.windowSeconds / 60} min` +
      (tripped.length ? ` (${tripped.map((row) => row.actor).join(", ")} blocked)` : "") +
      ". If this was not an operator, rotate ADMIN_TOKEN and check the audit log.",
  );
}

const CHECK_FUNCTIONS: Record<
  Exclude<CheckId, "database">,
  (context: CheckContext) => Promise<CheckResult> | CheckResult
> = {
  "ercot-late": ercotLate,
  "ercot-run-failed": ercotRunFailed,
  "ercot-run-stuck": ercotRunStuck,
  "smt-silent": smtSilent,
  "smt-file-failed": smtFileFailed,
  storage: storageReachable,
  "ercot-certificate": ercotCertificate,
  "sign-in-throttle": signInThrottle,
};

/** Every check but the database's, which the caller has already run. A check that throws reports alert. */
export async function evaluateChecks(context: CheckContext): Promise<CheckResult[]> {
  return Promise.all(
    Object.entries(CHECK_FUNCTIONS).map(async ([id, check]) => {
      try {
        return await check(context);
      } catch (error) {
        return result(id as CheckId, "alert", `The check could not run: ${errorMessage(error).slice(0, 200)}`);
      }
    }),
  );
}

import type { Prisma } from "@prisma/client";
import { db } from "~/db/prisma.server";
import { logger } from "~/log/logger.server";
import { configuredChannels } from "./channels.server";
import { CHECKS, CHECK_IDS, type AlertNotice, type AlertState, type CheckId, type CheckResult } from "./types";

export type Transition =
  | { checkId: CheckId; kind: "raised"; incidentId: number; state: AlertState }
  | { checkId: CheckId; kind: "recovered"; incidentId: number; state: "ok" }
  | { checkId: CheckId; kind: "changed"; incidentId: number; state: AlertState };

const SEVERITY: Record<AlertState, number> = { ok: 0, warn: 1, alert: 2 };

/** Creates the check rows on first sight and answers when each check began to be watched. */
export async function watchedSince(now: Date): Promise<Map<CheckId, Date>> {
  await db().alertCheck.createMany({
    data: CHECK_IDS.map((id) => ({
      id,
      state: "ok" as const,
      summary: "Not checked yet.",
      createdAt: now,
      changedAt: now,
      checkedAt: now,
    })),
    skipDuplicates: true,
  });
  const rows = await db().alertCheck.findMany({ select: { id: true, createdAt: true } });
  return new Map(rows.map((row) => [row.id as CheckId, row.createdAt]));
}

export function noticeFor(
  kind: AlertNotice["kind"],
  checkId: CheckId,
  state: AlertState,
  summary: string,
  incidentId: number,
  now: Date,
): AlertNotice {
  return { kind, checkId, state, title: CHECKS[checkId], summary, incidentId, at: now.toISOString() };
}

/** Queues one notice per configured channel; the unique (incident, kind, channel) makes a second call a no-op. */
async function queueNotices(tx: Prisma.TransactionClient, notice: AlertNotice) {
  const channels = configuredChannels();
  if (channels.length === 0) return;
  await tx.alertDelivery.createMany({
    data: channels.map((channel) => ({
      incidentId: notice.incidentId,
      kind: notice.kind,
      channel,
      notice: notice as unknown as Prisma.InputJsonValue,
    })),
    skipDuplicates: true,
  });
}

/**
 * Records one check's result. The check's row is locked for the transaction, so concurrent evaluations
 * (cron pings, the schedule, several instances) see each transition exactly once: one incident per outage.
 */
export async function recordResult(result: CheckResult, now: Date): Promise<Transition | null> {
  return db().$transaction(async (tx) => {
    await tx.$queryRaw`SELECT 1 FROM "AlertCheck" WHERE id = ${result.id} FOR UPDATE`;
    const check = await tx.alertCheck.findUniqueOrThrow({ where: { id: result.id } });
    const before = check.state;
    let transition: Transition | null = null;
    let incidentId = check.incidentId;
    if (before === "ok" && result.state !== "ok") {
      const incident = await tx.alertIncident.create({
        data: { checkId: result.id, state: result.state, summary: result.summary, openedAt: now },
      });
      incidentId = incident.id;
      await queueNotices(tx, noticeFor("raised", result.id, result.state, result.summary, incident.id, now));
      transition = { checkId: result.id, kind: "raised", incidentId: incident.id, state: result.state };
    } else if (before !== "ok" && result.state === "ok" && incidentId !== null) {
      await tx.alertIncident.update({
        where: { id: incidentId },
        data: { closedAt: now, recoverySummary: result.summary },
      });
      await queueNotices(tx, noticeFor("recovered", result.id, "ok", result.summary, incidentId, now));
      transition = { checkId: result.id, kind: "recovered", incidentId, state: "ok" };
      incidentId = null;
    } else if (before !== result.state && incidentId !== null) {
      const incident = await tx.alertIncident.findUniqueOrThrow({ where: { id: incidentId } });
      if (SEVERITY[result.state] > SEVERITY[incident.state])
        await tx.alertIncident.update({
          where: { id: incidentId },
          data: { state: result.state, summary: result.summary },
        });
      transition = { checkId: result.id, kind: "changed", incidentId, state: result.state };
    }
    await tx.alertCheck.update({
      where: { id: result.id },
      data: {
        state: result.state,
        summary: result.summary,
        checkedAt: now,
        incidentId,
        ...(before !== result.state ? { changedAt: now } : {}),
      },
    });
    if (transition)
      logger()[transition.kind === "recovered" ? "info" : "warn"](
        {
          check: result.id,
          incidentId: transition.incidentId,
          from: before,
          to: result.state,
          summary: result.summary,
        },
        `Alert check ${result.id}: ${before} → ${result.state}`,
      );
    return transition;
  });
}

/**
 * A database outage cannot be recorded while it lasts; once the database answers again it is written down
 * as a closed incident with the raised notice's outcome, and its recovery notice is queued like any other.
 */
export async function recordDatabaseOutage(
  outage: {
    openedAt: Date;
    summary: string;
    raised: { channel: "webhook" | "email"; ok: boolean; attempts: number; error?: string }[];
  },
  now: Date,
  recoverySummary: string,
): Promise<number> {
  return db().$transaction(async (tx) => {
    const incident = await tx.alertIncident.create({
      data: {
        checkId: "database",
        state: "alert",
        summary: outage.summary,
        openedAt: outage.openedAt,
        closedAt: now,
        recoverySummary,
      },
    });
    const raised = noticeFor("raised", "database", "alert", outage.summary, incident.id, outage.openedAt);
    for (const sent of outage.raised) {
      await tx.alertDelivery.create({
        data: {
          incidentId: incident.id,
          kind: "raised",
          channel: sent.channel,
          status: sent.ok ? "delivered" : "failed",
          attempts: sent.attempts,
          lastError: sent.error ?? null,
          notice: raised as unknown as Prisma.InputJsonValue,
          createdAt: outage.openedAt,
          deliveredAt: sent.ok ? outage.openedAt : null,
        },
      });
    }
    await queueNotices(tx, noticeFor("recovered", "database", "ok", recoverySummary, incident.id, now));
    await tx.alertCheck.update({
      where: { id: "database" },
      data: { state: "ok", summary: recoverySummary, checkedAt: now, changedAt: now, incidentId: null },
    });
    return incident.id;
  });
}

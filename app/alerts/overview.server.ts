import { recordAudit } from "~/audit/audit.server";
import { db } from "~/db/prisma.server";
import { configuredChannels } from "./channels.server";
import { sendTestNotice } from "./deliveries.server";
import { CHECKS, CHECK_IDS, type AlertNotice, type CheckId } from "./types";

const HISTORY = 50;

/** Everything /admin/alerts shows: check states, incidents, deliveries, channels. */
export async function alertsOverview() {
  const [checks, incidents, deliveries] = await Promise.all([
    db().alertCheck.findMany(),
    db().alertIncident.findMany({ orderBy: { openedAt: "desc" }, take: HISTORY }),
    db().alertDelivery.findMany({ orderBy: { id: "desc" }, take: HISTORY }),
  ]);
  const byId = new Map(checks.map((check) => [check.id, check]));
  return {
    channels: configuredChannels(),
    checks: CHECK_IDS.map((id) => {
      const check = byId.get(id);
      return {
        id,
        title: CHECKS[id],
        state: check?.state ?? null,
        summary: check?.summary ?? "Not checked yet.",
        changedAt: check?.changedAt.toISOString() ?? null,
        checkedAt: check?.checkedAt.toISOString() ?? null,
      };
    }),
    incidents: incidents.map((incident) => ({
      id: incident.id,
      checkId: incident.checkId,
      title: CHECKS[incident.checkId as CheckId] ?? incident.checkId,
      state: incident.state,
      summary: incident.summary,
      openedAt: incident.openedAt.toISOString(),
      closedAt: incident.closedAt?.toISOString() ?? null,
    })),
    deliveries: deliveries.map((delivery) => ({
      id: delivery.id,
      incidentId: delivery.incidentId,
      kind: delivery.kind,
      channel: delivery.channel,
      status: delivery.status,
      attempts: delivery.attempts,
      lastError: delivery.lastError,
      createdAt: delivery.createdAt.toISOString(),
      deliveredAt: delivery.deliveredAt?.toISOString() ?? null,
    })),
  };
}

export type TestNotificationResult = { ok: true; message: string } | { ok: false; message: string };

/** The "Send test notification" button: audited, one recorded notice per configured channel. */
export async function sendTestNotification(actor: string): Promise<TestNotificationResult> {
  const channels = configuredChannels();
  await recordAudit({ actor, action: "alerts.test", details: { channels } });
  if (channels.length === 0)
    return {
      ok: false,
      message:
        "No channel is configured: set ALERT_WEBHOOK_URL and ALERT_WEBHOOK_SECRET, or SMTP_URL and ALERT_EMAIL_TO.",
    };
  const notice: AlertNotice = {
    kind: "test",
    checkId: null,
    state: "ok",
    title: "Test notification",
    summary: `Sent from /admin/alerts by ${actor}. If you can read this, alerts reach you here.`,
    incidentId: null,
    at: new Date().toISOString(),
  };
  const outcomes = await sendTestNotice(notice, channels);
  const failed = outcomes.filter((outcome) => !outcome.ok);
  return failed.length === 0
    ? { ok: true, message: `Delivered to ${channels.join(" and ")}.` }
    : {
        ok: false,
        message: `Not delivered to ${failed.map((outcome) => outcome.channel).join(" and ")}; see the deliveries below.`,
      };
}

import { afterAll, beforeAll, beforeEach, describe, expect, it, vi } from "vitest";
import { runAlertChecks } from "~/alerts/run.server";
import { sendTestNotice } from "~/alerts/deliveries.server";
import { db } from "~/db/prisma.server";
import { resetEnvCache } from "~/env/env.server";
import { startFakeErcot, type FakeErcot } from "../fakes/ercot/server";
import { completedRun, scrapeOnlyConfigFor } from "../ercot/support/test-run";
import { startSmtpReceiver, startWebhookReceiver } from "./receivers";

const WEBHOOK_SECRET = "alert-webhook-secret-0123456789ab";
const QUICK_RETRY = { attempts: 3, minDelayMs: 10, maxDelayMs: 20 };
let fake: FakeErcot;
let webhook: Awaited<ReturnType<typeof startWebhookReceiver>>;
let smtp: Awaited<ReturnType<typeof startSmtpReceiver>>;

beforeAll(async () => {
  [fake, webhook, smtp] = await Promise.all([
    startFakeErcot(),
    startWebhookReceiver(WEBHOOK_SECRET),
    startSmtpReceiver(),
  ]);
  Object.assign(process.env, {
    ALERT_WEBHOOK_URL: webhook.url,
    ALERT_WEBHOOK_SECRET: WEBHOOK_SECRET,
    SMTP_URL: smtp.url,
    ALERT_EMAIL_TO: "ops@example.test, oncall@example.test",
    ALERT_EMAIL_FROM: "portal@example.test",
  });
  resetEnvCache();
});
afterAll(async () => {
  await Promise.all([fake?.stop(), webhook?.stop(), smtp?.stop()]);
});
beforeEach(async () => {
  fake.reset();
  webhook.received.length = 0;
  webhook.state.failWith = null;
  webhook.state.requests = 0;
  smtp.received.length = 0;
  await db().alertDelivery.deleteMany();
  await db().alertIncident.deleteMany();
  await db().alertCheck.deleteMany();
  await db().ercotIngest.deleteMany();
  await db().ingestRun.deleteMany();
});

function ercotRun() {
  return completedRun({ trigger: "cron", config: scrapeOnlyConfigFor(fake) });
}

const forRunCheck = <T extends { body: { portal: { checkId: string | null } } }>(items: T[]) =>
  items.filter((item) => item.body.portal.checkId === "ercot-run-failed");
const emailsAbout = (word: string) => smtp.received.filter((email) => email.raw.includes(word));

describe("alert notifications", () => {
  it("sends exactly one signed webhook and one email per incident, and one of each on recovery", async () => {
    fake.setScenario("server-errors");
    expect((await ercotRun()).status).toBe("failed");
    const first = await runAlertChecks({ retry: QUICK_RETRY });
    expect(first.transitions).toContainEqual(expect.objectContaining({ checkId: "ercot-run-failed", kind: "raised" }));
    await first.notices;
    // More pings during the same outage: no new incident, no new notice.
    const again = await Promise.all([runAlertChecks({ retry: QUICK_RETRY }), runAlertChecks({ retry: QUICK_RETRY })]);
    await Promise.all(again.map((run) => run.notices));
    expect(again.flatMap((run) => run.transitions)).toEqual([]);

    const raised = forRunCheck(webhook.received);
    expect(raised).toHaveLength(1);
    expect(raised[0]).toMatchObject({ verified: true, body: { portal: { kind: "raised", state: "alert" } } });
    expect(raised[0].body.text).toContain("ERCOT run failed or partial");
    expect(emailsAbout("ERCOT run failed or partial")).toHaveLength(1);
    expect(smtp.received[0].to).toEqual(["ops@example.test", "oncall@example.test"]);
    expect(await db().alertIncident.count({ where: { checkId: "ercot-run-failed" } })).toBe(1);

    fake.setScenario("normal");
    expect((await ercotRun()).status).toBe("succeeded");
    const recovery = await runAlertChecks({ retry: QUICK_RETRY });
    await recovery.notices;
    expect(recovery.transitions).toContainEqual(
      expect.objectContaining({ checkId: "ercot-run-failed", kind: "recovered" }),
    );
    const notices = forRunCheck(webhook.received).map((hook) => hook.body.portal.kind);
    expect(notices).toEqual(["raised", "recovered"]);
    expect(webhook.received.every((hook) => hook.verified)).toBe(true);
    expect(emailsAbout("Recovered: ERCOT run failed or partial")).toHaveLength(1);
    const incident = await db().alertIncident.findFirstOrThrow({ where: { checkId: "ercot-run-failed" } });
    expect(incident.closedAt).not.toBeNull();
    const deliveries = await db().alertDelivery.findMany({ where: { incidentId: incident.id } });
    expect(deliveries.map((delivery) => `${delivery.kind}/${delivery.channel}/${delivery.status}`).sort()).toEqual([
      "raised/email/delivered",
      "raised/webhook/delivered",
      "recovered/email/delivered",
      "recovered/webhook/delivered",
    ]);
  });

  it("retries a failing webhook with backoff, then records the failure without holding up anything else", async () => {
    webhook.state.failWith = 503;
    fake.setScenario("server-errors");
    await ercotRun();
    const run = await runAlertChecks({ retry: QUICK_RETRY });
    await run.notices;
    expect(webhook.state.requests).toBe(QUICK_RETRY.attempts);
    const failed = await db().alertDelivery.findFirstOrThrow({ where: { channel: "webhook", kind: "raised" } });
    expect(failed).toMatchObject({
      status: "failed",
      attempts: QUICK_RETRY.attempts,
      lastError: expect.stringContaining("503"),
    });
    const email = await db().alertDelivery.findFirstOrThrow({ where: { channel: "email", kind: "raised" } });
    expect(email.status).toBe("delivered");
  });

  it("sends pending notices left by a process that died before sending them", async () => {
    fake.setScenario("server-errors");
    await ercotRun();
    await (
      await runAlertChecks({ retry: QUICK_RETRY })
    ).notices;
    const incident = await db().alertIncident.findFirstOrThrow({ where: { checkId: "ercot-run-failed" } });
    // What a crash between the transition and the send leaves behind: a claimed, pending row.
    await db().alertDelivery.updateMany({
      where: { incidentId: incident.id, channel: "webhook" },
      data: { status: "pending", claimedUntil: new Date(Date.now() - 1000) },
    });
    webhook.received.length = 0;
    await (
      await runAlertChecks({ retry: QUICK_RETRY })
    ).notices;
    expect(forRunCheck(webhook.received)).toHaveLength(1);
  });

  it("records test notices per channel with their outcome", async () => {
    const outcomes = await sendTestNotice(
      {
        kind: "test",
        checkId: null,
        state: "ok",
        title: "Test",
        summary: "Test from the suite.",
        incidentId: null,
        at: new Date().toISOString(),
      },
      ["webhook", "email"],
      QUICK_RETRY,
    );
    expect(outcomes.map((outcome) => outcome.ok)).toEqual([true, true]);
    await vi.waitFor(() => expect(emailsAbout("Test notification")).toHaveLength(1));
    expect(webhook.received[0]).toMatchObject({ verified: true, body: { portal: { kind: "test" } } });
    expect(await db().alertDelivery.count({ where: { kind: "test", status: "delivered" } })).toBe(2);
  });
});

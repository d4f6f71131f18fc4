import type { Prisma } from "@prisma/client";
import { db } from "~/db/prisma.server";
import { logger } from "~/log/logger.server";
import { deliver, type Channel, type RetryPolicy } from "./channels.server";
import type { AlertNotice } from "./types";

/** Long enough for every retry of one delivery; a sender that died releases its rows after this. */
const CLAIM_MS = 5 * 60_000;

async function claim(id: number, now: Date): Promise<boolean> {
  const { count } = await db().alertDelivery.updateMany({
    where: { id, status: "pending", OR: [{ claimedUntil: null }, { claimedUntil: { lt: now } }] },
    data: { claimedUntil: new Date(now.getTime() + CLAIM_MS) },
  });
  return count === 1;
}

async function send(delivery: { id: number; channel: Channel; notice: Prisma.JsonValue }, retry?: RetryPolicy) {
  const outcome = await deliver(delivery.channel, delivery.notice as unknown as AlertNotice, retry);
  await db().alertDelivery.update({
    where: { id: delivery.id },
    data: outcome.ok
      ? {
          status: "delivered",
          attempts: outcome.attempts,
          deliveredAt: new Date(),
          lastError: null,
          claimedUntil: null,
        }
      : { status: "failed", attempts: outcome.attempts, lastError: outcome.error, claimedUntil: null },
  });
  if (outcome.ok)
    logger().info(
      { deliveryId: delivery.id, channel: delivery.channel, attempts: outcome.attempts },
      "Alert notice delivered",
    );
  else
    logger().error(
      { deliveryId: delivery.id, channel: delivery.channel, attempts: outcome.attempts, error: outcome.error },
      "Alert notice could not be delivered; it is recorded as failed on /admin/alerts",
    );
  return outcome;
}

/**
 * Sends every pending notice (including those a crashed process left claimed), each with its retries.
 * Notices are rows written with their transition, so none is lost between the decision and the send.
 */
export async function sendPendingNotices(retry?: RetryPolicy): Promise<void> {
  const pending = await db().alertDelivery.findMany({
    where: { status: "pending" },
    orderBy: { id: "asc" },
    select: { id: true, channel: true, notice: true },
  });
  await Promise.all(
    pending.map(async (delivery) => {
      if (await claim(delivery.id, new Date())) await send(delivery, retry);
    }),
  );
}

/** The audited test button: one notice per configured channel, recorded like any other, sent at once. */
export async function sendTestNotice(notice: AlertNotice, channels: Channel[], retry?: RetryPolicy) {
  return Promise.all(
    channels.map(async (channel) => {
      const delivery = await db().alertDelivery.create({
        data: {
          kind: "test",
          channel,
          notice: notice as unknown as Prisma.InputJsonValue,
          claimedUntil: new Date(Date.now() + CLAIM_MS),
        },
      });
      return { channel, ...(await send(delivery, retry)) };
    }),
  );
}

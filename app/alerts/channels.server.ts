import { createHmac } from "node:crypto";
import nodemailer, { type Transporter } from "nodemailer";
import pRetry, { AbortError } from "p-retry";
import { getEnv } from "~/env/env.server";
import { emailContent, webhookPayload } from "./notice";
import type { AlertNotice } from "./types";

export type Channel = "webhook" | "email";

export interface RetryPolicy {
  attempts: number;
  minDelayMs: number;
  maxDelayMs: number;
}

export const DEFAULT_DELIVERY_RETRY: RetryPolicy = { attempts: 4, minDelayMs: 2_000, maxDelayMs: 30_000 };
const SEND_TIMEOUT_MS = 10_000;

export const SIGNATURE_HEADER = "x-portal-signature";
export const TIMESTAMP_HEADER = "x-portal-timestamp";

/** `v1=` + hex HMAC-SHA256 over `v1:<timestamp>:<body>`; receivers recompute it and reject old timestamps. */
export function signWebhook(secret: string, timestamp: string, body: string): string {
  return `v1=${createHmac("sha256", secret).update(`v1:${timestamp}:${body}`).digest("hex")}`;
}

export function configuredChannels(): Channel[] {
  const { alerts } = getEnv();
  return [...(alerts.webhook ? (["webhook"] as const) : []), ...(alerts.email ? (["email"] as const) : [])];
}

async function sendWebhook(notice: AlertNotice) {
  const webhook = getEnv().alerts.webhook;
  if (!webhook) throw new AbortError("ALERT_WEBHOOK_URL is no longer set.");
  const body = JSON.stringify(webhookPayload(notice));
  const timestamp = String(Math.floor(Date.now() / 1000));
  const response = await fetch(webhook.url, {
    method: "POST",
    body,
    headers: {
      "content-type": "application/json",
      [TIMESTAMP_HEADER]: timestamp,
      [SIGNATURE_HEADER]: signWebhook(webhook.secret, timestamp, body),
    },
    signal: AbortSignal.timeout(SEND_TIMEOUT_MS),
  });
  await response.body?.cancel();
  if (response.ok) return;
  const error = new Error(`The webhook answered HTTP ${response.status}.`);
  // 4xx other than timeouts and rate limits will not change on a retry (wrong URL, payload refused).
  throw response.status >= 400 && response.status < 500 && ![408, 429].includes(response.status)
    ? new AbortError(error)
    : error;
}

let transport: { url: string; transporter: Transporter } | undefined;

async function sendEmail(notice: AlertNotice) {
  const email = getEnv().alerts.email;
  if (!email) throw new AbortError("SMTP_URL is no longer set.");
  if (transport?.url !== email.smtpUrl)
    transport = {
      url: email.smtpUrl,
      transporter: nodemailer.createTransport(email.smtpUrl, {
        connectionTimeout: SEND_TIMEOUT_MS,
        greetingTimeout: SEND_TIMEOUT_MS,
        socketTimeout: SEND_TIMEOUT_MS,
      }),
    };
  await transport.transporter.sendMail({ from: email.from, to: email.to, ...emailContent(notice) });
}

function describe(error: unknown): string {
  const cause = error instanceof Error && error.cause instanceof Error ? ` (${error.cause.message})` : "";
  return `${error instanceof Error ? error.message : String(error)}${cause}`.split("\n")[0].slice(0, 300);
}

/** Sends one notice, retrying with exponential backoff; resolves with the outcome, never rejects. */
export async function deliver(
  channel: Channel,
  notice: AlertNotice,
  retry: RetryPolicy = DEFAULT_DELIVERY_RETRY,
): Promise<{ ok: true; attempts: number } | { ok: false; attempts: number; error: string }> {
  let attempts = 0;
  try {
    await pRetry(
      () => {
        attempts += 1;
        return channel === "webhook" ? sendWebhook(notice) : sendEmail(notice);
      },
      {
        retries: retry.attempts - 1,
        minTimeout: retry.minDelayMs,
        maxTimeout: retry.maxDelayMs,
        factor: 2,
      },
    );
    return { ok: true, attempts };
  } catch (error) {
    return { ok: false, attempts, error: describe(error) };
  }
}

import { createHmac, timingSafeEqual } from "node:crypto";
import http from "node:http";
import type { AddressInfo } from "node:net";
import { SMTPServer } from "smtp-server";

export interface ReceivedWebhook {
  body: { text: string; portal: { kind: string; checkId: string | null; state: string; incidentId: number | null } };
  timestamp: string;
  /** Whether the signature matched, recomputed the way a receiver would. */
  verified: boolean;
}

/** A real HTTP receiver that checks the HMAC signature; `failWith` makes it answer that status instead. */
export async function startWebhookReceiver(secret: string) {
  const received: ReceivedWebhook[] = [];
  const state = { failWith: null as number | null, requests: 0 };
  const server = http.createServer((req, res) => {
    // GET lists what arrived, for browser tests whose receiver lives in another process.
    if (req.method === "GET") {
      res.writeHead(200, { "content-type": "application/json" }).end(JSON.stringify(received));
      return;
    }
    const chunks: Buffer[] = [];
    req.on("data", (chunk: Buffer) => chunks.push(chunk));
    req.on("end", () => {
      state.requests += 1;
      if (state.failWith) {
        res.writeHead(state.failWith).end();
        return;
      }
      const raw = Buffer.concat(chunks).toString("utf8");
      const timestamp = String(req.headers["x-portal-timestamp"] ?? "");
      const expected = Buffer.from(`v1=${createHmac("sha256", secret).update(`v1:${timestamp}:${raw}`).digest("hex")}`);
      const given = Buffer.from(String(req.headers["x-portal-signature"] ?? ""));
      const fresh = Math.abs(Date.now() / 1000 - Number(timestamp)) < 300;
      const verified = fresh && given.length === expected.length && timingSafeEqual(given, expected);
      received.push({ body: JSON.parse(raw), timestamp, verified });
      res.writeHead(verified ? 200 : 401).end(verified ? "ok" : "bad signature");
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/hooks/portal`,
    received,
    state,
    stop: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

export interface ReceivedEmail {
  from: string;
  to: string[];
  raw: string;
}

/** A real SMTP server (smtp-server) on loopback that keeps every message. */
export async function startSmtpReceiver() {
  const received: ReceivedEmail[] = [];
  const server = new SMTPServer({
    authOptional: true,
    disabledCommands: ["STARTTLS"],
    logger: false,
    onData(stream, session, callback) {
      const chunks: Buffer[] = [];
      stream.on("data", (chunk: Buffer) => chunks.push(chunk));
      stream.on("end", () => {
        received.push({
          from: session.envelope.mailFrom ? session.envelope.mailFrom.address : "",
          to: session.envelope.rcptTo.map((recipient) => recipient.address),
          raw: Buffer.concat(chunks).toString("utf8"),
        });
        callback();
      });
    },
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", () => resolve()));
  const port = (server.server.address() as AddressInfo).port;
  return {
    url: `smtp://127.0.0.1:${port}`,
    received,
    stop: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

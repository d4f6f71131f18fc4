import { createCookie } from "@remix-run/node";
import { createHash, createHmac, randomBytes } from "node:crypto";
import { db } from "~/db/prisma.server";
import { getEnv } from "~/env/env.server";
import { requestIsHttps } from "./client.server";

export const SESSION_COOKIE = "__portal_session";

let sessionCookie: ReturnType<typeof createCookie> | undefined;

/** The signed session cookie (tests build expired sessions with it). */
export function cookie() {
  if (sessionCookie) return sessionCookie;
  const { adminToken, sessionMaxAgeSeconds } = getEnv();
  if (!adminToken) throw new Error("ADMIN_TOKEN is not set: the portal cannot sign anyone in.");
  // Signed with a key derived from ADMIN_TOKEN, so rotating the token signs every operator out.
  const secret = createHmac("sha256", adminToken).update("portal-session-v2").digest("base64url");
  sessionCookie = createCookie(SESSION_COOKIE, {
    httpOnly: true,
    sameSite: "lax",
    path: "/",
    secrets: [secret],
    maxAge: sessionMaxAgeSeconds,
  });
  return sessionCookie;
}

/** The table keeps only a hash: a leaked row cannot be replayed as a cookie. */
const rowId = (value: string) => createHash("sha256").update(value).digest("hex");

export interface OperatorSession {
  signedInAt: Date;
  expiresAt: Date;
}

interface CookieValue {
  /** Random, 256 bits; the table stores its hash. */
  sid: string;
  /** Sign-in time (ms): the max age is enforced from it even when the table cannot be read. */
  at: number;
}

const firstLine = (error: unknown) => (error instanceof Error ? error.message.split("\n")[0] : String(error));

/** Starts a server-side session and returns its Set-Cookie header (`Secure` whenever the browser used HTTPS). */
export async function startSession(request: Request): Promise<string> {
  const { sessionMaxAgeSeconds } = getEnv();
  const value: CookieValue = { sid: randomBytes(32).toString("base64url"), at: Date.now() };
  const now = new Date(value.at);
  const expiresAt = new Date(value.at + sessionMaxAgeSeconds * 1000);
  try {
    await db().$transaction([
      db().operatorSession.deleteMany({ where: { expiresAt: { lte: now } } }),
      db().operatorSession.create({ data: { id: rowId(value.sid), createdAt: now, expiresAt } }),
    ]);
  } catch (error) {
    // The operator must still get in to see a database outage; without a row this session dies once it is back.
    console.error(`Session row not stored (${firstLine(error)}): the session lasts only while the database is down.`);
  }
  return cookie().serialize(value, { secure: requestIsHttps(request) });
}

async function cookieValue(request: Request): Promise<CookieValue | null> {
  const value: unknown = await cookie().parse(request.headers.get("cookie"));
  if (typeof value !== "object" || value === null) return null;
  const { sid, at } = value as Partial<CookieValue>;
  return typeof sid === "string" && sid.length > 0 && typeof at === "number" ? { sid, at } : null;
}

/**
 * The live session behind the cookie: inside SESSION_MAX_AGE_HOURS and, whenever the database answers, backed by
 * its row (sign-out deletes it). Only while the database is unreachable does the signed cookie alone suffice.
 */
export async function currentSession(request: Request): Promise<OperatorSession | null> {
  const value = await cookieValue(request);
  if (!value) return null;
  const maxAgeMs = getEnv().sessionMaxAgeSeconds * 1000;
  if (value.at + maxAgeMs <= Date.now() || value.at > Date.now() + 60_000) return null;
  try {
    const row = await db().operatorSession.findUnique({ where: { id: rowId(value.sid) } });
    if (!row || row.expiresAt.getTime() <= Date.now()) return null;
    return { signedInAt: row.createdAt, expiresAt: row.expiresAt };
  } catch (error) {
    console.error(`Session table unreadable (${firstLine(error)}): accepting the signed cookie within its max age.`);
    return { signedInAt: new Date(value.at), expiresAt: new Date(value.at + maxAgeMs) };
  }
}

/** Ends the session for good (its row is deleted) and returns the Set-Cookie header that clears the cookie. */
export async function endSession(request: Request): Promise<string> {
  const value = await cookieValue(request);
  if (value)
    await db()
      .operatorSession.deleteMany({ where: { id: rowId(value.sid) } })
      .catch((error: unknown) => {
        console.error(`Session row not deleted (${firstLine(error)}): sign out again once the database is back.`);
      });
  return cookie().serialize("", { maxAge: 0, expires: new Date(0), secure: requestIsHttps(request) });
}

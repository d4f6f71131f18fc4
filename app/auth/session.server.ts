import { createCookieSessionStorage } from "@remix-run/node";
import { createHmac } from "node:crypto";
import { getEnv } from "~/env/env.server";

export interface OperatorSession {
  operator: true;
  signedInAt: string;
}

let storage: ReturnType<typeof createStorage> | undefined;

function createStorage() {
  const env = getEnv();
  if (!env.adminToken) throw new Error("ADMIN_TOKEN is not set: the portal cannot sign anyone in.");
  // Derived from ADMIN_TOKEN so rotating the token signs every operator out.
  const cookieSecret = createHmac("sha256", env.adminToken).update("portal-session-v1").digest("base64url");
  return createCookieSessionStorage<OperatorSession>({
    cookie: {
      name: "__portal_session",
      httpOnly: true,
      sameSite: "lax",
      path: "/",
      secure: env.nodeEnv === "production" && env.databaseMode !== "embedded",
      secrets: [cookieSecret],
      maxAge: env.sessionMaxAgeSeconds,
    },
  });
}

export function sessionStorage() {
  storage ??= createStorage();
  return storage;
}

export async function readSession(request: Request) {
  return sessionStorage().getSession(request.headers.get("cookie"));
}

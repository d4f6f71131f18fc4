import { createCookie } from "@remix-run/node";
import { createHmac, randomBytes } from "node:crypto";
import { getEnv } from "~/env/env.server";
import { requestIsHttps } from "./client.server";

/**
 * A browser that once signed in carries a signed device id (OWASP's "device cookie"). Sign-in throttling keys
 * on it, so attackers spending the overall budget never lock out the operator's own browser.
 */
const DEVICE_MAX_AGE_SECONDS = 180 * 24 * 3600;

let deviceCookie: ReturnType<typeof createCookie> | undefined;

function cookie() {
  if (deviceCookie) return deviceCookie;
  const secret = createHmac("sha256", getEnv().adminToken ?? "")
    .update("portal-device-v1")
    .digest("base64url");
  deviceCookie = createCookie("__portal_device", {
    httpOnly: true,
    sameSite: "strict",
    path: "/login",
    secrets: [secret],
    maxAge: DEVICE_MAX_AGE_SECONDS,
  });
  return deviceCookie;
}

/** The device id, when this browser signed in before (the signature proves it); null otherwise. */
export async function readDevice(request: Request): Promise<string | null> {
  const value: unknown = await cookie().parse(request.headers.get("cookie"));
  return typeof value === "string" && value.length > 0 ? value : null;
}

/** Set-Cookie for the device id after a successful sign-in (the existing id is kept). */
export async function rememberDevice(request: Request, existing: string | null): Promise<string> {
  return cookie().serialize(existing ?? randomBytes(18).toString("base64url"), { secure: requestIsHttps(request) });
}

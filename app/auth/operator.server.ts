import { json, redirect } from "@remix-run/node";
import { CROSS_SITE_REFUSAL } from "~/http/cross-site";
import { requestHost } from "./client.server";
import { currentSession, endSession, startSession } from "./session.server";

const SAFE_METHODS = new Set(["GET", "HEAD", "OPTIONS"]);

function isApiRequest(request: Request) {
  return new URL(request.url).pathname.startsWith("/api/");
}

/**
 * Rejects cross-site state changes: browsers send Origin (and Sec-Fetch-Site) on POSTs,
 * and the SameSite=Lax cookie is the second line.
 */
export function assertSameOrigin(request: Request) {
  if (SAFE_METHODS.has(request.method)) return;
  const fetchSite = request.headers.get("sec-fetch-site");
  const origin = request.headers.get("origin");
  let crossSite = fetchSite === "cross-site" || fetchSite === "same-site";
  if (origin) {
    try {
      crossSite ||= new URL(origin).host !== requestHost(request);
    } catch {
      crossSite = true;
    }
  }
  if (crossSite) {
    throw json({ ok: false, error: CROSS_SITE_REFUSAL }, { status: 403 });
  }
}

export async function getOperator(request: Request) {
  const session = await currentSession(request);
  return session ? { actor: "operator", signedInAt: session.signedInAt.toISOString() } : null;
}

/**
 * Every admin loader and action calls this. Pages redirect to /login; APIs answer 401 JSON.
 * Non-GET requests must also come from the portal's own origin.
 */
export async function requireOperator(request: Request) {
  const operator = await getOperator(request);
  if (!operator) {
    if (isApiRequest(request)) throw json({ ok: false, error: "Sign in required." }, { status: 401 });
    const url = new URL(request.url);
    const redirectTo = url.pathname + url.search;
    throw redirect(`/login?redirectTo=${encodeURIComponent(redirectTo)}`);
  }
  assertSameOrigin(request);
  return operator;
}

/** Starts the session; `extraCookies` ride along (the device cookie). */
export async function signIn(request: Request, redirectTo: string, extraCookies: string[] = []) {
  const headers = new Headers();
  for (const value of [await startSession(request), ...extraCookies]) headers.append("Set-Cookie", value);
  return redirect(redirectTo, { headers });
}

export async function signOut(request: Request) {
  return redirect("/login", { headers: { "Set-Cookie": await endSession(request) } });
}

const OWN_ORIGIN = "http://portal.invalid";

/**
 * Where /login may send the operator afterwards: only a path that, parsed against the portal's own origin, stays
 * on it. The URL parser is the judge, so `/\t/evil.example`, `/\\evil`, `//evil` and encoded variants all fail.
 */
export function safeRedirectPath(target: FormDataEntryValue | string | null, fallback = "/admin") {
  if (typeof target !== "string" || !target.startsWith("/")) return fallback;
  let parsed: URL;
  try {
    parsed = new URL(target, OWN_ORIGIN);
  } catch {
    return fallback;
  }
  if (parsed.origin !== OWN_ORIGIN) return fallback;
  return `${parsed.pathname}${parsed.search}${parsed.hash}`;
}

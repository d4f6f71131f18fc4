import { json, redirect } from "@remix-run/node";
import { readSession, sessionStorage } from "./session.server";

const SAFE_METHODS = new Set(["GET", "HEAD", "OPTIONS"]);

function isApiRequest(request: Request) {
  return new URL(request.url).pathname.startsWith("/api/");
}

/** The host the browser used, honouring one proxy hop. */
function requestHost(request: Request) {
  return (
    request.headers.get("x-forwarded-host")?.split(",")[0].trim() ||
    request.headers.get("host") ||
    new URL(request.url).host
  );
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
    throw json(
      { ok: false, error: "Cross-site request refused: submit the form from the portal itself." },
      { status: 403 },
    );
  }
}

export async function getOperator(request: Request) {
  const session = await readSession(request);
  return session.get("operator") === true ? { actor: "operator", signedInAt: session.get("signedInAt") } : null;
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

export async function signIn(request: Request, redirectTo: string) {
  const session = await readSession(request);
  session.set("operator", true);
  session.set("signedInAt", new Date().toISOString());
  return redirect(redirectTo, { headers: { "Set-Cookie": await sessionStorage().commitSession(session) } });
}

export async function signOut(request: Request) {
  const session = await readSession(request);
  return redirect("/login", { headers: { "Set-Cookie": await sessionStorage().destroySession(session) } });
}

/** Only same-site relative paths, so /login?redirectTo= can't send operators elsewhere. */
export function safeRedirectPath(target: FormDataEntryValue | string | null, fallback = "/admin") {
  if (typeof target !== "string" || !target.startsWith("/") || target.startsWith("//") || target.startsWith("/\\"))
    return fallback;
  return target;
}

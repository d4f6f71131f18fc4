import type { LoaderFunctionArgs } from "@remix-run/node";
import { json } from "@remix-run/node";
import { guardSecret } from "~/auth/throttle.server";
import { cronAuthorized, cronReadiness, cronUnauthorized, missingCronVariables } from "~/ercot/cron.server";

/** Downloads nothing: says whether the cron route has what it needs (ops checklist). */
export async function loader({ request }: LoaderFunctionArgs) {
  if (!(await guardSecret(request, "cron", () => cronAuthorized(request)))) return cronUnauthorized();
  const missing = missingCronVariables();
  return json({ ok: missing.length === 0, missing, ...cronReadiness() }, { headers: { "Cache-Control": "no-store" } });
}

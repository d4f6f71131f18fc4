import type { LoaderFunctionArgs } from "@remix-run/node";
import { json } from "@remix-run/node";
import { esiidApiAccess } from "~/esiid/api-access.server";
import { parsePremiseSearch, searchPremises } from "~/esiid/search.server";

/** GET /api/admin/esiid?q=&zip=&city=&page=&pageSize= — the premise search as JSON (session or bearer). */
export async function loader({ request }: LoaderFunctionArgs) {
  const access = await esiidApiAccess(request);
  if (!access.ok) {
    return json(
      { ok: false, error: access.error },
      {
        status: access.status,
        headers: {
          "Cache-Control": "no-store",
          ...(access.retryAfterSeconds ? { "Retry-After": String(access.retryAfterSeconds) } : {}),
        },
      },
    );
  }
  const result = await searchPremises(parsePremiseSearch(new URL(request.url).searchParams));
  return json({ ok: result.message === null, ...result }, { headers: { "Cache-Control": "no-store" } });
}

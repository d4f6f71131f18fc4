import type { LoaderFunctionArgs } from "@remix-run/node";
import { getOperator } from "~/auth/operator.server";
import { bearerToken, secretsMatch } from "~/auth/secrets.server";
import { getEnv } from "~/env/env.server";
import { renderMetrics } from "~/metrics/portal.server";

/** Prometheus scrape endpoint: `Authorization: Bearer <METRICS_TOKEN>`, or an operator's browser session. */
export async function loader({ request }: LoaderFunctionArgs) {
  const byToken = secretsMatch(bearerToken(request), getEnv().metricsToken);
  if (!byToken && !(await getOperator(request))) {
    return new Response("Unauthorized: send Authorization: Bearer <METRICS_TOKEN>, or sign in.\n", {
      status: 401,
      headers: {
        "WWW-Authenticate": 'Bearer realm="metrics"',
        "Content-Type": "text/plain",
        "Cache-Control": "no-store",
      },
    });
  }
  const { body, contentType } = await renderMetrics();
  return new Response(body, { headers: { "Content-Type": contentType, "Cache-Control": "no-store" } });
}

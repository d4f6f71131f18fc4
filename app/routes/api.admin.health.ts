import type { LoaderFunctionArgs } from "@remix-run/node";
import { json } from "@remix-run/node";
import { getOperator } from "~/auth/operator.server";
import { bearerToken, secretsMatch } from "~/auth/secrets.server";
import { guardSecret } from "~/auth/throttle.server";
import { getEnv } from "~/env/env.server";
import { collectHealth } from "~/health/health.server";

/** Health panels as JSON, for an operator session or a machine with Authorization: Bearer <CRON_SECRET>. */
export async function loader({ request }: LoaderFunctionArgs) {
  const operator = await getOperator(request);
  const machine =
    !operator && (await guardSecret(request, "health", () => secretsMatch(bearerToken(request), getEnv().cronSecret)));
  if (!machine && !operator) {
    return json({ ok: false, error: "Sign in, or send Authorization: Bearer <CRON_SECRET>." }, { status: 401 });
  }
  const health = await collectHealth();
  return json(health, { status: health.ok ? 200 : 503, headers: { "Cache-Control": "no-store" } });
}

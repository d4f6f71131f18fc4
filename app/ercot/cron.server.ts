import { json } from "@remix-run/node";
import { bearerToken, secretsMatch } from "~/auth/secrets.server";
import { getEnv, inspectEnv } from "~/env/env.server";

/**
 * Machine access to the cron routes: `Authorization: Bearer <CRON_SECRET>` (what Vercel Cron sends) or
 * `?token=<CRON_SECRET>`, compared in constant time. `x-vercel-cron` proves nothing (anyone can send it),
 * so it is ignored.
 */
export function cronAuthorized(request: Request): boolean {
  const expected = getEnv().cronSecret;
  const token = new URL(request.url).searchParams.get("token");
  // Both checks always run, so timing does not reveal which form was tried.
  const byHeader = secretsMatch(bearerToken(request), expected);
  const byQuery = secretsMatch(token, expected);
  return byHeader || byQuery;
}

export function cronUnauthorized() {
  return json(
    { ok: false, error: "Unauthorized: send Authorization: Bearer <CRON_SECRET> or ?token=<CRON_SECRET>." },
    { status: 401, headers: { "WWW-Authenticate": 'Bearer realm="ercot-cron"', "Cache-Control": "no-store" } },
  );
}

/**
 * Variables the daily ingest cannot do without where it runs. ERCOT credentials are not among them:
 * scraping needs none, and the source panels on the dashboard say which channels are configured.
 * - DATABASE_URL: runs, files and the lock live in PostgreSQL (npm start provides it with embedded PostgreSQL).
 * - CRON_SECRET: without it no scheduler can call the cron route.
 * - S3_BUCKET, S3_ACCESS_KEY_ID, S3_SECRET_ACCESS_KEY on Vercel (VERCEL is set): local files there vanish
 *   with the function instance, so objects must go to S3-compatible storage.
 */
export function missingCronVariables(source: NodeJS.ProcessEnv = process.env): string[] {
  const { values } = inspectEnv(source);
  const required = ["DATABASE_URL", "CRON_SECRET"];
  if (source.VERCEL) required.push("S3_BUCKET", "S3_ACCESS_KEY_ID", "S3_SECRET_ACCESS_KEY");
  return required.filter((name) => !values[name]?.trim());
}

/** What the health route reports next to `missing`: facts, never values. */
export function cronReadiness() {
  const env = getEnv();
  return {
    sources: [
      ...(env.ercot.ews.baseUrl && (env.ercot.ews.pfxBase64 || (env.ercot.ews.certPem && env.ercot.ews.keyPem))
        ? ["ews"]
        : []),
      ...(env.ercot.api.subscriptionKey && env.ercot.api.username && env.ercot.api.password ? ["api"] : []),
      "scrape",
    ],
    storage: env.storage.driver,
    schedule: env.ercot.scheduleEnabled ? "embedded" : "external",
  };
}

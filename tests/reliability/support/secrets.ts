import { db } from "~/db/prisma.server";

/** The configured secret values of this test process's environment (what a leak would print). */
export function SECRET_VALUES(): { name: string; value: string }[] {
  const names = ["ADMIN_TOKEN", "CRON_SECRET", "INTELLIWATT_WEBHOOK_SECRET", "S3_SECRET_ACCESS_KEY", "ERCOT_PASSWORD"];
  const fromUrl = process.env.DATABASE_URL ? new URL(process.env.DATABASE_URL).password : "";
  return [
    ...names.map((name) => ({ name, value: process.env[name] ?? "" })),
    { name: "DATABASE_URL password", value: decodeURIComponent(fromUrl) },
  ].filter((secret) => secret.value.length >= 8);
}

/** Every row of every table in the public schema, as text. */
export async function allStoredText(): Promise<string> {
  const tables = await db().$queryRaw<
    { tablename: string }[]
  >`SELECT tablename FROM pg_tables WHERE schemaname = 'public'`;
  const dumps: string[] = [];
  for (const { tablename } of tables) {
    const rows = await db().$queryRawUnsafe<{ row: string }[]>(`SELECT t::text AS row FROM "${tablename}" t`);
    dumps.push(...rows.map((entry) => entry.row));
  }
  return dumps.join("\n");
}

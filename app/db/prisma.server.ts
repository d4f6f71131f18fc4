import { PrismaPg } from "@prisma/adapter-pg";
import { PrismaClient } from "@prisma/client";
import { getEnv } from "~/env/env.server";
import { CatalogTypesClient, poolConfigFromUrl } from "./pg-catalog-client";

declare global {
  var __prisma: PrismaClient | undefined;
}

function createClient() {
  const { databaseUrl } = getEnv();
  if (!databaseUrl)
    throw new Error("DATABASE_URL is not set. Start the portal with `npm start`, which provides embedded PostgreSQL.");
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  const adapter = new PrismaPg({ ...poolConfigFromUrl(databaseUrl), Client: CatalogTypesClient, max: 10 } as any);
  return new PrismaClient({ adapter });
}

/** One client per process (kept on globalThis so dev rebuilds don't open new pools). */
export function db(): PrismaClient {
  globalThis.__prisma ??= createClient();
  return globalThis.__prisma;
}

export async function disconnectDb() {
  await globalThis.__prisma?.$disconnect();
  globalThis.__prisma = undefined;
}

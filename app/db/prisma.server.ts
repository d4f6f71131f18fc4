import { PrismaClient } from "@prisma/client";
import { prismaAdapter } from "./connection.server";
import { appDatabase } from "./target.server";

declare global {
  var __prisma: PrismaClient | undefined;
}

/** One client per process (kept on globalThis so dev rebuilds don't open new pools). */
export function db(): PrismaClient {
  globalThis.__prisma ??= new PrismaClient({ adapter: prismaAdapter(appDatabase(), 10) });
  return globalThis.__prisma;
}

export async function disconnectDb() {
  await globalThis.__prisma?.$disconnect();
  globalThis.__prisma = undefined;
}

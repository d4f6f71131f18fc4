import type { Prisma } from "@prisma/client";
import { db } from "~/db/prisma.server";

export interface AuditEntry {
  actor: string;
  action: string;
  target?: string;
  details?: Prisma.InputJsonValue;
}

/** Writes one AuditEvent row. Callers pass no secrets in details. */
export async function recordAudit(entry: AuditEntry) {
  await db().auditEvent.create({ data: entry });
}

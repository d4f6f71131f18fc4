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

/** For sign-in and sign-out: the operator must still get in to see a database outage on the dashboard. */
export async function recordAuditBestEffort(entry: AuditEntry) {
  await recordAudit(entry).catch((error: unknown) => {
    console.error(
      `Audit event ${entry.action} not recorded: ${error instanceof Error ? error.message.split("\n")[0] : error}`,
    );
  });
}

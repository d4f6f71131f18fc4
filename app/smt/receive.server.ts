import { recordAudit } from "~/audit/audit.server";
import type { IngestResult } from "./ingest-result";
import { ingestSmtFile, type IngestRequest } from "./ingest.server";

export interface ReceiveRequest extends IngestRequest {
  /** Who sent it, for the audit log: the operator's actor name, or the webhook. */
  actor: string;
  action: "smt.upload" | "smt.webhook";
  capturedAt?: string;
}

/** Ingests one file and records it in the audit log, unless it was a duplicate (nothing new happened). */
export async function receiveSmtFile(request: ReceiveRequest): Promise<IngestResult> {
  const { actor, action, capturedAt, ...ingest } = request;
  const result = await ingestSmtFile(ingest);
  if (!result.duplicate) {
    await recordAudit({
      actor,
      action,
      target: result.filename,
      details: {
        rawFileId: result.rawFileId,
        sha256: result.sha256,
        status: result.status,
        rows: result.rowsParsed,
        capturedAt: capturedAt ?? null,
      },
    });
  }
  return result;
}

import { secretsMatch } from "~/auth/secrets.server";
import { getEnv } from "~/env/env.server";
import { decodeWebhookJson, readJsonBody, spoolInline } from "./inline.server";
import type { SpooledFile } from "./spooled-file";
import { UploadRejectedError, spoolMultipart } from "./upload.server";

/** Droplets in the field send one of these; all carry the same shared secret. */
const SECRET_HEADERS = ["x-intelliwatt-secret", "x-smt-secret", "x-webhook-secret"] as const;

/** The one sentence every refused credential gets: it says nothing about how the portal is configured. */
export const WEBHOOK_UNAUTHORISED =
  "Not authorised: send the webhook secret in x-intelliwatt-secret (or x-smt-secret, x-webhook-secret).";

/**
 * The shared webhook secret, or, only on a portal without one, the operator token in x-admin-token (older
 * droplets, docs/smt.md). With a secret configured the operator credential is never accepted here.
 */
export function webhookAuthorised(request: Request): boolean {
  const { smt, adminToken } = getEnv();
  if (!smt.webhookSecret) return secretsMatch(request.headers.get("x-admin-token")?.trim(), adminToken);
  const presented = SECRET_HEADERS.map((name) => request.headers.get(name)?.trim()).filter(Boolean);
  // Every header is compared (no early exit), so timing says nothing about which one was sent.
  return presented.map((value) => secretsMatch(value, smt.webhookSecret)).includes(true);
}

export interface WebhookFields {
  esiid?: string;
  meter?: string;
  capturedAt?: string;
  source?: string;
}

export type WebhookPost =
  | { kind: "ping" }
  | { kind: "file"; file: SpooledFile; fields: WebhookFields; cleanup: () => Promise<void> };

/**
 * Reads a webhook body by its content type: multipart (field “file”), an inline JSON file, or a ping. Throws
 * UploadRejectedError with the status and sentence for the sender. Call `cleanup` of a file in `finally`.
 */
export async function readWebhookPost(request: Request): Promise<WebhookPost> {
  const maxFileBytes = getEnv().smt.uploadMaxBytes;
  const contentType = (request.headers.get("content-type") ?? "").toLowerCase();
  if (contentType.startsWith("multipart/form-data")) {
    const upload = await spoolMultipart(request, { maxFileBytes, maxFiles: 1 });
    if (upload.files.length === 0) {
      await upload.cleanup();
      throw new UploadRejectedError(400, "The multipart body has no file in the field “file”.");
    }
    const { fields } = upload;
    return {
      kind: "file",
      file: upload.files[0],
      fields: {
        esiid: fields.esiid || undefined,
        meter: fields.meter || undefined,
        capturedAt: fields.capturedAt || fields.captured_at || undefined,
      },
      cleanup: upload.cleanup,
    };
  }
  if (contentType.startsWith("application/json") || contentType === "") {
    const body = await decodeWebhookJson(await readJsonBody(request), maxFileBytes);
    if (body.kind === "ping") return { kind: "ping" };
    const spooled = await spoolInline(body, maxFileBytes);
    return {
      kind: "file",
      file: spooled.file,
      fields: { esiid: body.esiid, meter: body.meter, capturedAt: body.capturedAt, source: body.source },
      cleanup: spooled.cleanup,
    };
  }
  throw new UploadRejectedError(415, "Send multipart/form-data (field “file”) or application/json.");
}

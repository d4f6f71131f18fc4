import type { ActionFunctionArgs } from "@remix-run/node";
import { json } from "@remix-run/node";
import { recordAudit } from "~/audit/audit.server";
import { secretsMatch } from "~/auth/secrets.server";
import { guardSecret } from "~/auth/throttle.server";
import { getEnv } from "~/env/env.server";
import { ingestSmtFile, type IngestResult } from "~/smt/ingest.server";
import { decodeWebhookJson, readJsonBody, spoolInline } from "~/smt/inline.server";
import { UploadRejectedError, spoolMultipart, type SpooledFile } from "~/smt/upload.server";

/** Droplets in the field send one of these; all carry the same shared secret. */
const SECRET_HEADERS = ["x-intelliwatt-secret", "x-smt-secret", "x-webhook-secret"] as const;

function authorised(request: Request): boolean {
  const { smt, adminToken } = getEnv();
  const presented = SECRET_HEADERS.map((name) => request.headers.get(name)?.trim()).filter(Boolean);
  // Every header is compared (no early exit), so timing says nothing about which one was sent.
  let matched = presented.map((value) => secretsMatch(value, smt.webhookSecret)).includes(true);
  // Older droplets authenticate with the operator token instead (docs/smt.md, "Decisions").
  matched = secretsMatch(request.headers.get("x-admin-token")?.trim(), adminToken) || matched;
  return matched;
}

export async function loader() {
  return json(
    { ok: false, error: 'POST a file (multipart, field “file”), an inline JSON file or {"mode":"ping"}.' },
    { status: 405 },
  );
}

export async function action({ request }: ActionFunctionArgs) {
  if (request.method !== "POST") return json({ ok: false, error: "Use POST." }, { status: 405 });
  if (!(await guardSecret(request, "webhook", () => authorised(request)))) {
    const error = getEnv().smt.webhookSecret
      ? "The secret is missing or wrong: send it in x-intelliwatt-secret (or x-smt-secret, x-webhook-secret)."
      : "The portal has no webhook secret: set INTELLIWATT_WEBHOOK_SECRET on the portal and on the droplet.";
    return json({ ok: false, error }, { status: 401 });
  }

  const maxFileBytes = getEnv().smt.uploadMaxBytes;
  const contentType = (request.headers.get("content-type") ?? "").toLowerCase();
  let cleanup = async () => {};
  try {
    let file: SpooledFile;
    let fields: { esiid?: string; meter?: string; capturedAt?: string; source?: string };
    if (contentType.startsWith("multipart/form-data")) {
      const upload = await spoolMultipart(request, { maxFileBytes, maxFiles: 1 });
      cleanup = upload.cleanup;
      if (upload.files.length === 0) {
        return json({ ok: false, error: "The multipart body has no file in the field “file”." }, { status: 400 });
      }
      file = upload.files[0];
      fields = {
        esiid: upload.fields.esiid || undefined,
        meter: upload.fields.meter || undefined,
        capturedAt: upload.fields.capturedAt || upload.fields.captured_at || undefined,
      };
    } else if (contentType.startsWith("application/json") || contentType === "") {
      const body = await decodeWebhookJson(await readJsonBody(request), maxFileBytes);
      if (body.kind === "ping") return json({ ok: true, pong: true, at: new Date().toISOString() });
      const spooled = await spoolInline(body, maxFileBytes);
      cleanup = spooled.cleanup;
      file = spooled.file;
      fields = { esiid: body.esiid, meter: body.meter, capturedAt: body.capturedAt, source: body.source };
    } else {
      return json(
        { ok: false, error: "Send multipart/form-data (field “file”) or application/json." },
        { status: 415 },
      );
    }

    const result = await ingestSmtFile({ file, source: "webhook", esiid: fields.esiid, meter: fields.meter });
    if (!result.duplicate) {
      await recordAudit({
        actor: "smt-webhook",
        action: "smt.webhook",
        target: result.filename,
        details: {
          rawFileId: result.rawFileId,
          sha256: result.sha256,
          status: result.status,
          capturedAt: fields.capturedAt ?? null,
        },
      });
    }
    return json(summary(result, fields), { status: result.httpStatus });
  } catch (error) {
    if (error instanceof UploadRejectedError)
      return json({ ok: false, error: error.message }, { status: error.status });
    console.error(`SMT webhook: ${error instanceof Error ? error.message.split("\n")[0] : error}`);
    return json(
      {
        ok: false,
        error: "The file could not be ingested because of a server problem; it was not recorded. Post it again later.",
      },
      { status: 500 },
    );
  } finally {
    await cleanup();
  }
}

function summary(
  result: IngestResult,
  fields: { esiid?: string; meter?: string; capturedAt?: string; source?: string },
) {
  const { httpStatus: _status, ...answer } = result;
  return {
    ...answer,
    esiidDeclared: fields.esiid ?? null,
    meter: fields.meter ?? null,
    capturedAt: fields.capturedAt ?? null,
  };
}

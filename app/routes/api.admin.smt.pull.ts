import type { ActionFunctionArgs } from "@remix-run/node";
import { json } from "@remix-run/node";
import { guardSecret } from "~/auth/throttle.server";
import type { IngestResult } from "~/smt/ingest-result";
import { receiveSmtFile } from "~/smt/receive.server";
import { UploadRejectedError } from "~/smt/upload.server";
import { WEBHOOK_UNAUTHORISED, readWebhookPost, webhookAuthorised, type WebhookFields } from "~/smt/webhook.server";

export async function loader() {
  return json(
    { ok: false, error: 'POST a file (multipart, field “file”), an inline JSON file or {"mode":"ping"}.' },
    { status: 405 },
  );
}

export async function action({ request }: ActionFunctionArgs) {
  if (request.method !== "POST") return json({ ok: false, error: "Use POST." }, { status: 405 });
  if (!(await guardSecret(request, "webhook", () => webhookAuthorised(request))))
    return json({ ok: false, error: WEBHOOK_UNAUTHORISED }, { status: 401 });

  let cleanup = async () => {};
  try {
    const post = await readWebhookPost(request);
    if (post.kind === "ping") return json({ ok: true, pong: true, at: new Date().toISOString() });
    cleanup = post.cleanup;
    const { file, fields } = post;
    const result = await receiveSmtFile({
      file,
      source: "webhook",
      esiid: fields.esiid,
      meter: fields.meter,
      actor: "smt-webhook",
      action: "smt.webhook",
      capturedAt: fields.capturedAt,
    });
    return json(answer(result, fields), { status: result.httpStatus });
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

function answer(result: IngestResult, fields: WebhookFields) {
  const { httpStatus: _status, ...rest } = result;
  return {
    ...rest,
    esiidDeclared: fields.esiid ?? null,
    meter: fields.meter ?? null,
    capturedAt: fields.capturedAt ?? null,
  };
}

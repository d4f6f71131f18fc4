import type { LoaderFunctionArgs } from "@remix-run/node";
import { createReadableStreamFromReadable, json } from "@remix-run/node";
import { requireOperator } from "~/auth/operator.server";
import { getStoredFile } from "~/ercot/runs.server";
import { attachmentDisposition } from "~/http/content-disposition";
import { storage } from "~/storage/index.server";

/** A stored ERCOT zip, streamed from storage through the portal (storage is never exposed directly). */
export async function loader({ request, params }: LoaderFunctionArgs) {
  await requireOperator(request);
  const fileId = Number(params.fileId);
  const file = Number.isInteger(fileId) && fileId > 0 ? await getStoredFile(fileId) : null;
  if (!file) throw json({ error: "There is no stored ERCOT file with that id." }, { status: 404 });
  const object = await storage().get(file.storageKey);
  if (!object) {
    throw json(
      {
        error: `The file is recorded but missing from storage (${file.storageKey}); run the ingest again to fetch it.`,
      },
      { status: 404 },
    );
  }
  return new Response(createReadableStreamFromReadable(object.body), {
    headers: {
      "Content-Type": "application/zip",
      "Content-Length": String(object.sizeBytes),
      "Content-Disposition": attachmentDisposition(file.filename),
      "Cache-Control": "private, no-store",
      "X-Content-Type-Options": "nosniff",
    },
  });
}

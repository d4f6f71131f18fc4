import type { LoaderFunctionArgs } from "@remix-run/node";
import { createReadableStreamFromReadable, json } from "@remix-run/node";
import { requireOperator } from "~/auth/operator.server";
import { attachmentDisposition } from "~/http/content-disposition";
import { openRawFile } from "~/smt/raw-file.server";

/** A received SMT file exactly as it arrived, streamed from storage through the portal. */
export async function loader({ request, params }: LoaderFunctionArgs) {
  await requireOperator(request);
  const file = await openRawFile(Number(params.fileId));
  if (file.kind === "notFound") throw json({ error: file.message }, { status: 404 });
  return new Response(createReadableStreamFromReadable(file.body), {
    headers: {
      "Content-Type": file.contentType,
      "Content-Length": String(file.sizeBytes),
      "Content-Disposition": attachmentDisposition(file.filename),
      "Cache-Control": "private, no-store",
      "X-Content-Type-Options": "nosniff",
    },
  });
}

import { json } from "@remix-run/node";

/** Sign-in and sign-out forms are a few fields: anything larger is not a browser filling them in. */
export const FORM_BODY_MAX_BYTES = 8 * 1024;

/**
 * After refusing, read on (dropping every byte) for a few seconds, then hang up: a server that closes with unread
 * bytes resets the connection, and a sender still writing would lose the 413. Nothing is kept, so memory stays flat.
 */
const DISCARD_AFTER_REFUSAL_MS = 5_000;

function discardRest(reader: ReadableStreamDefaultReader<Uint8Array>) {
  const timer = setTimeout(() => void reader.cancel().catch(() => {}), DISCARD_AFTER_REFUSAL_MS);
  void (async () => {
    for (;;) {
      const { done } = await reader.read();
      if (done) break;
    }
  })()
    .catch(() => {})
    .finally(() => clearTimeout(timer));
}

function tooLarge(maxBytes: number) {
  return json(
    { ok: false, error: `The request body is larger than ${maxBytes} bytes, the limit for this form.` },
    { status: 413 },
  );
}

/**
 * Reads an urlencoded form, refusing (413) as soon as more than `maxBytes` arrive: a declared Content-Length
 * over the cap is refused before a byte is read, and a chunked body is cut off at the cap, never buffered whole.
 */
export async function readSmallForm(request: Request, maxBytes = FORM_BODY_MAX_BYTES): Promise<URLSearchParams> {
  const declared = Number(request.headers.get("content-length") ?? "0");
  if (declared > maxBytes) {
    if (request.body) discardRest(request.body.getReader());
    throw tooLarge(maxBytes);
  }
  const type = (request.headers.get("content-type") ?? "").toLowerCase();
  if (request.body && type && !type.startsWith("application/x-www-form-urlencoded")) {
    throw json({ ok: false, error: "Send the form as application/x-www-form-urlencoded." }, { status: 415 });
  }
  const chunks: Uint8Array[] = [];
  let size = 0;
  if (request.body) {
    const reader = request.body.getReader();
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      size += value.byteLength;
      if (size > maxBytes) {
        discardRest(reader);
        throw tooLarge(maxBytes);
      }
      chunks.push(value);
    }
  }
  return new URLSearchParams(Buffer.concat(chunks).toString("utf8"));
}

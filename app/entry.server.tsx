import { PassThrough } from "node:stream";
import type { AppLoadContext, EntryContext } from "@remix-run/node";
import { createReadableStreamFromReadable } from "@remix-run/node";
import { RemixServer } from "@remix-run/react";
import { isbot } from "isbot";
import { renderToPipeableStream } from "react-dom/server";
import { NonceProvider } from "~/auth/nonce";
import { createNonce, securityHeaders } from "~/auth/security-headers.server";
import { getEnv } from "~/env/env.server";
import { installBackpressureAwareWriter } from "~/http/response-writer.server";
import { logger } from "~/log/logger.server";
import { startBackgroundJobs } from "~/server-startup.server";

const ABORT_DELAY = 5_000;

// Fail fast at boot with one message listing every bad variable.
getEnv();
installBackpressureAwareWriter();
startBackgroundJobs();

export function handleError(error: unknown, { request, context }: { request: Request; context: AppLoadContext }) {
  if (request.signal.aborted) return;
  // Logged with its stack for operators; the browser only ever sees the error boundary.
  logger().error(
    { err: error, requestId: context.requestId, method: request.method, url: request.url },
    "Unhandled error while answering a request",
  );
}

export default function handleRequest(
  request: Request,
  responseStatusCode: number,
  responseHeaders: Headers,
  remixContext: EntryContext,
  _loadContext: AppLoadContext,
) {
  const readyEvent = isbot(request.headers.get("user-agent") ?? "") ? "onAllReady" : "onShellReady";
  const nonce = createNonce();
  return new Promise((resolve, reject) => {
    let shellRendered = false;
    const { pipe, abort } = renderToPipeableStream(
      <NonceProvider value={nonce}>
        <RemixServer context={remixContext} url={request.url} abortDelay={ABORT_DELAY} nonce={nonce} />
      </NonceProvider>,
      {
        nonce,
        [readyEvent]() {
          shellRendered = true;
          const body = new PassThrough();
          responseHeaders.set("Content-Type", "text/html");
          for (const [name, value] of Object.entries(securityHeaders(request, nonce))) responseHeaders.set(name, value);
          resolve(
            new Response(createReadableStreamFromReadable(body), {
              headers: responseHeaders,
              status: responseStatusCode,
            }),
          );
          pipe(body);
        },
        onShellError(error: unknown) {
          reject(error);
        },
        onError(error: unknown) {
          responseStatusCode = 500;
          if (shellRendered) logger().error({ err: error, url: request.url }, "Error while streaming a page");
        },
      },
    );
    setTimeout(abort, ABORT_DELAY);
  });
}

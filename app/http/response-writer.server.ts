// Remix's Node adapters write a response body with `writeReadableStreamToWritable` from @remix-run/node,
// which ignores `write()` returning false and keeps reading after the client has gone: a slow or vanished
// client makes the server buffer the whole body. This writer waits for 'drain', and cancels the body
// (which runs the source's cancel(): cursors closed, connections returned) as soon as the socket closes.
import { once } from "node:events";
import { createRequire } from "node:module";
import type { Writable } from "node:stream";

const CLOSED = Symbol("closed");

export async function writeReadableStreamToWritable(
  stream: ReadableStream<Uint8Array>,
  writable: Writable,
): Promise<void> {
  const reader = stream.getReader();
  const closed = new Promise<typeof CLOSED>((resolve) => {
    if (writable.destroyed) resolve(CLOSED);
    writable.once("close", () => resolve(CLOSED));
  });
  try {
    for (;;) {
      const next = await Promise.race([reader.read(), closed]);
      if (next === CLOSED) return await reader.cancel();
      if (next.done) return void writable.end();
      if (!writable.write(next.value)) {
        if ((await Promise.race([once(writable, "drain"), closed])) === CLOSED) return await reader.cancel();
      }
      (writable as Writable & { flush?: () => void }).flush?.();
    }
  } catch (error) {
    writable.destroy(error as Error);
    await reader.cancel(error).catch(() => {});
    throw error;
  }
}

/** Makes every Remix response in this process use the writer above (the adapters look it up at call time). */
export function installBackpressureAwareWriter(): void {
  const remixNode = createRequire(import.meta.url)("@remix-run/node") as {
    writeReadableStreamToWritable: typeof writeReadableStreamToWritable;
  };
  remixNode.writeReadableStreamToWritable = writeReadableStreamToWritable;
}

import net from "node:net";

export type Fault =
  | { kind: "pass" }
  /** Resets the client's connection once `afterBytes` of its request have gone upstream. */
  | { kind: "reset"; afterBytes: number }
  /** Stops forwarding (both ways) once `afterBytes` of the request have gone upstream; the socket stays open. */
  | { kind: "stall"; afterBytes: number }
  /** Closes every new connection at once: the dependency is down (a restart, as the client sees it). */
  | { kind: "refuse" };

/** One HTTP request line seen going upstream (`POST /bucket/key?uploads`). */
export interface SeenRequest {
  method: string;
  path: string;
}

const REQUEST_LINE = /(GET|HEAD|PUT|POST|DELETE) (\/\S*) HTTP\/1\.1\r\n/g;

/**
 * A TCP proxy on loopback that injects faults between the portal and a dependency (s3rver, PostgreSQL).
 * No npm or apt proxy offered byte-count triggers without a daemon, so it is these few lines. For HTTP
 * upstreams it also records each request line, so a test can pair every CreateMultipartUpload with its
 * Complete or Abort (s3rver cannot list open uploads).
 */
export async function startFaultProxy(target: { host: string; port: number }) {
  let fault: Fault = { kind: "pass" };
  const sockets = new Set<net.Socket>();
  const requests: SeenRequest[] = [];
  const server = net.createServer((client) => {
    const current = fault;
    if (current.kind === "refuse") {
      client.destroy();
      return;
    }
    const upstream = net.connect(target.port, target.host);
    sockets.add(client).add(upstream);
    let sent = 0;
    // The end of the previous chunk, so a request line split across two chunks is still seen (once).
    let tail = "";
    client.on("data", (chunk: Buffer) => {
      const text = tail + chunk.toString("latin1");
      for (const match of text.matchAll(REQUEST_LINE)) {
        if (match.index + match[0].length > tail.length) requests.push({ method: match[1], path: match[2] });
      }
      tail = text.slice(-512);
      sent += chunk.length;
      if (current.kind !== "pass" && sent >= current.afterBytes) {
        if (current.kind === "reset") {
          client.resetAndDestroy();
          upstream.destroy();
        }
        return; // stall: swallow everything from here on
      }
      upstream.write(chunk);
    });
    upstream.on("data", (chunk: Buffer) => {
      if (current.kind === "stall" && sent >= current.afterBytes) return;
      client.write(chunk);
    });
    const close = () => {
      client.destroy();
      upstream.destroy();
      sockets.delete(client);
      sockets.delete(upstream);
    };
    client.on("error", close).on("close", close);
    upstream.on("error", close).on("close", close);
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const port = (server.address() as net.AddressInfo).port;
  return {
    port,
    url: `http://127.0.0.1:${port}`,
    /** Applies to connections opened from now on. */
    set(next: Fault) {
      fault = next;
    },
    /** Drops every open connection (a restart of the dependency, as the client sees it). */
    dropAll() {
      for (const socket of sockets) socket.destroy();
    },
    /** Every request line seen so far, in order. */
    requests: () => [...requests],
    stop: () =>
      new Promise<void>((resolve) => {
        for (const socket of sockets) socket.destroy();
        server.close(() => resolve());
      }),
  };
}

export type FaultProxy = Awaited<ReturnType<typeof startFaultProxy>>;

/**
 * Multipart uploads opened through the proxy and never completed or aborted, as `key` strings: each
 * `POST key?uploads` must be followed by `POST key?uploadId=…` or `DELETE key?uploadId=…` (s3rver answers the
 * abort with 405, but a real store closes the upload; what is checked is that the portal asked).
 */
export function openMultipartUploads(requests: SeenRequest[]): string[] {
  const open = new Map<string, number>();
  for (const { method, path } of requests) {
    const [key, query = ""] = path.split("?");
    const params = new URLSearchParams(query);
    if (method === "POST" && params.has("uploads")) open.set(key, (open.get(key) ?? 0) + 1);
    else if ((method === "POST" || method === "DELETE") && params.has("uploadId") && !params.has("partNumber")) {
      // lib-storage and the portal may both abort the same upload: never below zero.
      open.set(key, Math.max(0, (open.get(key) ?? 0) - 1));
    }
  }
  return [...open].filter(([, count]) => count > 0).map(([key]) => decodeURIComponent(key));
}

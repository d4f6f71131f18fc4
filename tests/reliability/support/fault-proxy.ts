import net from "node:net";

export type Fault =
  | { kind: "pass" }
  /** Resets the client's connection once `afterBytes` of its request have gone upstream. */
  | { kind: "reset"; afterBytes: number }
  /** Stops forwarding (both ways) once `afterBytes` of the request have gone upstream; the socket stays open. */
  | { kind: "stall"; afterBytes: number }
  /** Closes every new connection at once: the dependency is down (a restart, as the client sees it). */
  | { kind: "refuse" };

/**
 * A TCP proxy on loopback that injects faults between the portal and a dependency (s3rver, PostgreSQL).
 * No npm or apt proxy offered byte-count triggers without a daemon, so it is these few lines.
 */
export async function startFaultProxy(target: { host: string; port: number }) {
  let fault: Fault = { kind: "pass" };
  const sockets = new Set<net.Socket>();
  const server = net.createServer((client) => {
    const current = fault;
    if (current.kind === "refuse") {
      client.destroy();
      return;
    }
    const upstream = net.connect(target.port, target.host);
    sockets.add(client).add(upstream);
    let sent = 0;
    client.on("data", (chunk: Buffer) => {
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
    stop: () =>
      new Promise<void>((resolve) => {
        for (const socket of sockets) socket.destroy();
        server.close(() => resolve());
      }),
  };
}

export type FaultProxy = Awaited<ReturnType<typeof startFaultProxy>>;

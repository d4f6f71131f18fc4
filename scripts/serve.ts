// Serves the built app: what remix-serve does (static assets with the same caching, compression, graceful
// shutdown) plus pino-http request logs with request ids and HTTP metrics. Usage: serve.ts build/index.js
import { randomUUID } from "node:crypto";
import path from "node:path";
import { pathToFileURL } from "node:url";
import { createRequestHandler } from "@remix-run/express";
import { installGlobals, type ServerBuild } from "@remix-run/node";
import { matchRoutes, type AgnosticRouteObject } from "@remix-run/router";
import compression from "compression";
import express from "express";
import { pinoHttp } from "pino-http";
import { CROSS_SITE_REFUSAL, originDiffersFromHost } from "../app/http/cross-site";
import { logger } from "../app/log/logger.server";
import { httpRequestDuration } from "../app/metrics/http.server";

const SHUTDOWN_GRACE_MS = 10_000;
/**
 * Cron pings answered at once with a 429 beyond this many in flight: a ping during a run only learns "running",
 * and a flood of them must not take the process from the operator's pages (tests/reliability/load.test.ts).
 */
const CRON_PINGS_IN_FLIGHT = 32;
const REQUEST_ID = /^[\w.:-]{1,128}$/;

/** Remix's route tree, to label each request with the route id that answers it (bounded metric labels). */
function routeMatcher(build: ServerBuild) {
  const routes = Object.values(build.routes);
  const tree = (parentId: string | undefined): AgnosticRouteObject[] =>
    routes
      .filter((route) => route.parentId === parentId)
      .map((route) =>
        route.index
          ? { id: route.id, path: route.path, index: true }
          : { id: route.id, path: route.path, children: tree(route.id) },
      );
  const routeTree = tree(undefined);
  return (pathname: string) => {
    // Single-fetch data requests: /admin/ercot.data, /_root.data
    const page = pathname === "/_root.data" ? "/" : pathname.replace(/\.data$/, "");
    return matchRoutes(routeTree, page)?.at(-1)?.route.id ?? "unmatched";
  };
}

async function main() {
  const buildPath = path.resolve(process.argv[2] ?? "build/index.js");
  const build = (await import(pathToFileURL(buildPath).href)) as ServerBuild;
  installGlobals({ nativeFetch: build.future.v3_singleFetch });
  const log = logger();
  const routeOf = routeMatcher(build);
  const duration = httpRequestDuration();

  const app = express();
  app.disable("x-powered-by");
  app.use((req, res, next) => {
    const started = process.hrtime.bigint();
    res.on("finish", () => {
      const seconds = Number(process.hrtime.bigint() - started) / 1e9;
      duration.observe({ method: req.method, route: res.locals.route ?? "static", status: res.statusCode }, seconds);
    });
    next();
  });
  let cronPingsInFlight = 0;
  app.use("/api/admin/ercot/cron", (req, res, next) => {
    if (req.path !== "/") return next();
    if (cronPingsInFlight >= CRON_PINGS_IN_FLIGHT) {
      res.status(429).set({ "Retry-After": "60", "Cache-Control": "no-store" });
      res.json({ ok: false, error: "Too many cron pings at once; a run is already being started or answered." });
      return;
    }
    cronPingsInFlight++;
    res.once("close", () => cronPingsInFlight--);
    next();
  });
  app.use(
    pinoHttp({
      logger: log,
      genReqId: (req, res) => {
        const given = req.headers["x-request-id"];
        const id = typeof given === "string" && REQUEST_ID.test(given) ? given : randomUUID();
        res.setHeader("X-Request-Id", id);
        return id;
      },
      customAttributeKeys: { reqId: "requestId", responseTime: "durationMs" },
      quietReqLogger: true,
      customSuccessObject: (_req, res, fields) => ({ ...fields, route: res.locals?.route ?? "static" }),
      customErrorObject: (_req, res, _error, fields) => ({ ...fields, route: res.locals?.route ?? "static" }),
      serializers: {
        req: (req) => ({ method: req.method, url: req.url }),
        res: (res) => ({ status: res.statusCode }),
      },
      customLogLevel: (_req, res, error) => (error || res.statusCode >= 500 ? "error" : "info"),
    }),
  );
  app.use(compression());
  app.use(build.publicPath, express.static(build.assetsBuildDirectory, { immutable: true, maxAge: "1y" }));
  app.use(express.static("public", { maxAge: "1h" }));
  const handleRemix = createRequestHandler({
    build,
    mode: process.env.NODE_ENV,
    getLoadContext: (req) => ({ requestId: req.id }),
  });
  app.all("*", (req, res, next) => {
    res.locals.route = routeOf(req.path);
    const forwardedHost = req.headers["x-forwarded-host"];
    if (
      originDiffersFromHost(
        req.method,
        req.headers.origin,
        typeof forwardedHost === "string" ? forwardedHost : undefined,
        req.headers.host,
      )
    ) {
      res.status(403).json({ ok: false, error: CROSS_SITE_REFUSAL });
      return;
    }
    return handleRemix(req, res, next);
  });

  const port = Number(process.env.PORT ?? 3000);
  const host = process.env.HOST;
  const onListen = () =>
    log.info({ port, host: host ?? "all interfaces" }, `Portal listening on http://localhost:${port}`);
  const server = host ? app.listen(port, host, onListen) : app.listen(port, onListen);

  let stopping = false;
  const stop = (signal: NodeJS.Signals) => {
    if (stopping) return;
    stopping = true;
    log.info({ signal }, "Stopping: finishing open requests");
    // Idle keep-alive sockets would hold close() open; requests in flight get SHUTDOWN_GRACE_MS.
    server.close(() => process.exit(0));
    server.closeIdleConnections();
    setTimeout(() => process.exit(0), SHUTDOWN_GRACE_MS).unref();
  };
  process.once("SIGTERM", () => stop("SIGTERM"));
  process.once("SIGINT", () => stop("SIGINT"));
}

main().catch((error: unknown) => {
  logger().fatal({ err: error }, "The portal could not start");
  process.exit(1);
});

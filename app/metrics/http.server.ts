import { Histogram, register } from "prom-client";

const NAME = "portal_http_request_duration_seconds";

/**
 * HTTP request duration by method, Remix route id and status. The HTTP server and the app build are two
 * module instances in one process; prom-client's default registry is shared, so both find the same metric.
 */
export function httpRequestDuration(): Histogram<"method" | "route" | "status"> {
  return (
    (register.getSingleMetric(NAME) as Histogram<"method" | "route" | "status"> | undefined) ??
    new Histogram({
      name: NAME,
      help: "HTTP request duration by method, Remix route id (or static) and status code.",
      labelNames: ["method", "route", "status"] as const,
      buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30],
    })
  );
}

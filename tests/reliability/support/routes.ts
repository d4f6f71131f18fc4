import path from "node:path";

export interface CrawlTarget {
  routeId: string;
  /** The URL path with every dynamic segment filled in. */
  url: string;
  hasLoader: boolean;
  hasAction: boolean;
}

/** A value for each dynamic segment; a new `:param` fails the crawl loudly rather than being skipped. */
const PARAM_VALUES: Record<string, string> = {
  model: "SmtRawFile",
  runId: "1",
  fileId: "1",
  esiid: "10443720000000001",
  "*": "anything",
};

interface BuiltRoute {
  id: string;
  path?: string;
  parentId?: string;
  index?: boolean;
  module: Record<string, unknown>;
}

/** Every route of the built app, read from Remix's server build manifest (build/index.js), not from a hand list. */
export async function crawlTargets(): Promise<CrawlTarget[]> {
  const build = (await import(path.resolve("build/index.js"))) as { routes: Record<string, BuiltRoute> };
  const routes = build.routes;
  const fullPath = (route: BuiltRoute): string => {
    const parent = route.parentId ? fullPath(routes[route.parentId]) : "";
    return route.path ? `${parent.replace(/\/$/, "")}/${route.path}` : parent;
  };
  return Object.values(routes)
    .filter((route) => route.id !== "root")
    .map((route) => {
      const url = (fullPath(route) || "/").replace(/:(\w+)|\*/g, (segment, name?: string) => {
        const value = PARAM_VALUES[name ?? "*"];
        if (!value) throw new Error(`No crawl value for ${segment} in route ${route.id}: add one to PARAM_VALUES.`);
        return value;
      });
      return {
        routeId: route.id,
        url,
        hasLoader: typeof route.module.loader === "function" || typeof route.module.default === "function",
        hasAction: typeof route.module.action === "function",
      };
    });
}

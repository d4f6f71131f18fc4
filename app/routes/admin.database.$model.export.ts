import type { LoaderFunctionArgs } from "@remix-run/node";
import { z } from "zod";
import { requireOperator } from "~/auth/operator.server";
import { requireModelParam } from "~/explorer/route-params.server";
import { exportView } from "~/explorer/explorer.server";
import { ExplorerTimeoutError } from "~/explorer/pool.server";

const ExportQuery = z.object({ format: z.enum(["csv", "json"]).default("csv") });

/** Streams the current filtered view (all pages) as CSV or JSON. */
export async function loader({ request, params }: LoaderFunctionArgs) {
  await requireOperator(request);
  const modelName = requireModelParam(params);
  const url = new URL(request.url);
  const query = ExportQuery.safeParse({ format: url.searchParams.get("format") ?? undefined });
  if (!query.success) return new Response("Choose format=csv or format=json.", { status: 400 });
  try {
    const result = await exportView(modelName, url.searchParams, query.data.format);
    if (!result) return new Response(`There is no model called ${modelName}.`, { status: 404 });
    return new Response(result.stream, {
      headers: {
        "Content-Type": query.data.format === "csv" ? "text/csv; charset=utf-8" : "application/json; charset=utf-8",
        "Content-Disposition": `attachment; filename="${result.filename}"`,
        "Cache-Control": "no-store",
      },
    });
  } catch (error) {
    if (error instanceof ExplorerTimeoutError)
      return new Response(error.message, { status: 503, headers: { "Content-Type": "text/plain; charset=utf-8" } });
    throw error;
  }
}

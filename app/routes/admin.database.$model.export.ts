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
  if (!query.success) return text("Choose format=csv or format=json.", 400);
  try {
    const result = await exportView(modelName, url.searchParams, query.data.format, request.signal);
    if (result.kind === "notFound") return text(`There is no model called ${modelName}.`, 404);
    if (result.kind === "badRequest") return text(`This export was refused: ${result.problems.join(" ")}`, 400);
    return new Response(result.stream, {
      headers: {
        "Content-Type": query.data.format === "csv" ? "text/csv; charset=utf-8" : "application/json; charset=utf-8",
        "Content-Disposition": `attachment; filename="${result.filename}"`,
        "Cache-Control": "no-store",
      },
    });
  } catch (error) {
    if (error instanceof ExplorerTimeoutError) return text(error.message, 503);
    throw error;
  }
}

function text(message: string, status: number) {
  return new Response(message, { status, headers: { "Content-Type": "text/plain; charset=utf-8" } });
}

import type { LoaderFunctionArgs } from "@remix-run/node";
import { json } from "@remix-run/node";
import { requireOperator } from "~/auth/operator.server";
import { activeRun } from "~/ercot/runs.server";

/** The active run and its progress, polled by the Run now button. */
export async function loader({ request }: LoaderFunctionArgs) {
  await requireOperator(request);
  return json({ active: await activeRun() }, { headers: { "Cache-Control": "no-store" } });
}

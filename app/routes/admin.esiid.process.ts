import type { ActionFunctionArgs, LoaderFunctionArgs } from "@remix-run/node";
import { json, redirect } from "@remix-run/node";
import { recordAudit } from "~/audit/audit.server";
import { readSmallForm } from "~/auth/body-limit.server";
import { requireOperator, safeRedirectPath } from "~/auth/operator.server";
import { beginProcessing } from "~/esiid/process.server";
import { errorMessage, logger } from "~/log/logger.server";

/** The run page's "Apply stored extracts" button: starts a processing pass in the background. */
export async function action({ request }: ActionFunctionArgs) {
  const operator = await requireOperator(request);
  const form = await readSmallForm(request);
  const reprocess = form.get("reprocess") === "all";
  const start = await beginProcessing({ reprocess });
  if (start.busy)
    return json(
      { ok: false, error: "Stored extracts are being applied already; reload in a minute." },
      { status: 409 },
    );
  void start.done.then(
    (files) => {
      const failed = files.filter((file) => file.status === "failed").length;
      if (failed) logger().error({ failed, files: files.length }, "ESIID processing: files failed; see the run page");
    },
    (error: unknown) => logger().error({ error: errorMessage(error) }, "ESIID processing stopped"),
  );
  await recordAudit({ actor: operator.actor, action: "esiid.process", details: { reprocess } });
  return redirect(safeRedirectPath(form.get("redirectTo"), "/admin/ercot"));
}

export async function loader({ request }: LoaderFunctionArgs) {
  await requireOperator(request);
  return redirect("/admin/esiid");
}

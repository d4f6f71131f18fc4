import type { ActionFunctionArgs } from "@remix-run/node";
import { json, redirect } from "@remix-run/node";
import { recordAudit } from "~/audit/audit.server";
import { requireOperator, safeRedirectPath } from "~/auth/operator.server";
import { beginProcessing } from "~/esiid/process.server";

/** The run page's "Apply stored extracts" button: starts a processing pass in the background. */
export async function action({ request }: ActionFunctionArgs) {
  const operator = await requireOperator(request);
  const form = await request.formData();
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
      if (failed) console.error(`ESIID processing: ${failed} of ${files.length} files failed; see the run page.`);
    },
    (error: unknown) => console.error(`ESIID processing stopped: ${error instanceof Error ? error.message : error}`),
  );
  await recordAudit({ actor: operator.actor, action: "esiid.process", details: { reprocess } });
  return redirect(safeRedirectPath(form.get("redirectTo"), "/admin/ercot"));
}

export const loader = () => redirect("/admin/esiid");

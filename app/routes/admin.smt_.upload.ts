import type { ActionFunctionArgs } from "@remix-run/node";
import { json } from "@remix-run/node";
import { requireOperator } from "~/auth/operator.server";
import { receiveOperatorUpload } from "~/smt/operator-upload.server";

/**
 * The SMT page's upload as JSON, for the browser's XMLHttpRequest (which reports the bytes sent); without
 * JavaScript the page's own form posts to /admin/smt and gets the same answer rendered.
 */
export async function action({ request }: ActionFunctionArgs) {
  const operator = await requireOperator(request);
  const { status, answer } = await receiveOperatorUpload(request, operator.actor);
  return json(answer, { status });
}

export function loader() {
  return json({ error: "Post the files here from the SMT page." }, { status: 405, headers: { Allow: "POST" } });
}

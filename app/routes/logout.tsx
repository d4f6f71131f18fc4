import type { ActionFunctionArgs, LoaderFunctionArgs } from "@remix-run/node";
import { redirect } from "@remix-run/node";
import { Form } from "@remix-run/react";
import { recordAuditBestEffort } from "~/audit/audit.server";
import { assertSameOrigin, getOperator, signOut } from "~/auth/operator.server";

export async function loader({ request }: LoaderFunctionArgs) {
  if (!(await getOperator(request))) return redirect("/login");
  return null;
}

export async function action({ request }: ActionFunctionArgs) {
  assertSameOrigin(request);
  if (await getOperator(request)) await recordAuditBestEffort({ actor: "operator", action: "logout" });
  return signOut(request);
}

export default function Logout() {
  return (
    <main id="main" tabIndex={-1}>
      <div className="card login">
        <h1>Sign out?</h1>
        <Form method="post">
          <button type="submit">Sign out</button>
        </Form>
      </div>
    </main>
  );
}

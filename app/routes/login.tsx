import type { ActionFunctionArgs, HeadersFunction, LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { json, redirect } from "@remix-run/node";
import { Form, useActionData, useNavigation, useSearchParams } from "@remix-run/react";
import { useEffect, useRef } from "react";
import { recordAuditBestEffort } from "~/audit/audit.server";
import { readSmallForm } from "~/auth/body-limit.server";
import { clientLabel } from "~/auth/client.server";
import { readDevice, rememberDevice } from "~/auth/device.server";
import { assertSameOrigin, getOperator, safeRedirectPath, signIn } from "~/auth/operator.server";
import { secretsMatch } from "~/auth/secrets.server";
import { guardSecret } from "~/auth/throttle.server";
import { getEnv } from "~/env/env.server";

export const meta: MetaFunction = () => [{ title: "Sign in · Operator portal" }];

export const headers: HeadersFunction = ({ actionHeaders }) => actionHeaders;

export async function loader({ request }: LoaderFunctionArgs) {
  if (await getOperator(request))
    return redirect(safeRedirectPath(new URL(request.url).searchParams.get("redirectTo")));
  return null;
}

export async function action({ request }: ActionFunctionArgs) {
  assertSameOrigin(request);
  const form = await readSmallForm(request);
  const device = await readDevice(request);
  const token = form.get("token");
  let ok: boolean;
  try {
    ok = await guardSecret(request, "login", () => secretsMatch(token, getEnv().adminToken), { device });
  } catch (refusal) {
    // 429 with Retry-After: shown on the form like any other refusal.
    if (refusal instanceof Response) return refusal;
    throw refusal;
  }
  if (!ok) {
    await recordAuditBestEffort({ actor: `client ${clientLabel(request)}`, action: "login.failed" });
    return json({ error: "Sign-in failed." }, { status: 401 });
  }
  await recordAuditBestEffort({ actor: "operator", action: "login", details: { client: clientLabel(request) } });
  return signIn(request, safeRedirectPath(form.get("redirectTo")), [await rememberDevice(request, device)]);
}

export default function Login() {
  const actionData = useActionData<typeof action>();
  const [searchParams] = useSearchParams();
  const navigation = useNavigation();
  const tokenInput = useRef<HTMLInputElement>(null);
  const refused = actionData?.error;
  // Focus the only field on arrival, and again once a refused attempt has settled (the submit button, which had
  // focus, was disabled meanwhile), with the old text selected so the operator can retype at once.
  useEffect(() => {
    if (navigation.state !== "idle") return;
    tokenInput.current?.focus();
    if (refused) tokenInput.current?.select();
  }, [navigation.state, refused, actionData]);
  return (
    <main id="main" tabIndex={-1}>
      <div className="card login">
        <h1>Operator sign-in</h1>
        <Form method="post">
          <input type="hidden" name="redirectTo" value={searchParams.get("redirectTo") ?? "/admin"} />
          <label htmlFor="token">Admin token</label>
          <input
            id="token"
            name="token"
            type="password"
            autoComplete="current-password"
            required
            ref={tokenInput}
            aria-invalid={refused ? true : undefined}
            aria-describedby={refused ? "token-error" : undefined}
          />
          {refused ? (
            <p id="token-error" className="error-text" role="alert">
              {refused}
            </p>
          ) : null}
          <p>
            <button type="submit" disabled={navigation.state !== "idle"}>
              Sign in
            </button>
          </p>
          <p className="muted">
            The token is ADMIN_TOKEN. On a fresh machine `npm start` generates one and prints it once.
          </p>
        </Form>
      </div>
    </main>
  );
}

import type { LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { json } from "@remix-run/node";
import { Link, useLoaderData } from "@remix-run/react";
import { requireOperator } from "~/auth/operator.server";
import { GeneralErrorBoundary } from "~/components/GeneralErrorBoundary";
import { SUPPORT_REFERENCE } from "~/smt/support-reference.generated";

export const meta: MetaFunction = () => [{ title: "SMT support · Operator portal" }];

// Bundled with the app (scripts/smt/support-reference.ts), so the page never depends on the working directory.
export async function loader({ request }: LoaderFunctionArgs) {
  await requireOperator(request);
  return json(SUPPORT_REFERENCE);
}

/** A link to a collapsed section opens it, so the reader lands on its text rather than a closed summary. */
function openSection(id: string) {
  const section = document.getElementById(id);
  if (section instanceof HTMLDetailsElement) section.open = true;
}

export default function SmtSupport() {
  const { supportHtml, snippet, smokeTests } = useLoaderData<typeof loader>();
  return (
    <div className="smt-page smt-support">
      <p className="muted">
        <Link to="/admin/smt">← SMT uploads</Link>
      </p>
      {/* Our own docs/smt-support.md, rendered by marked: trusted repository content, not user input. */}
      <section
        className="card markdown"
        aria-label="SMT support contacts"
        dangerouslySetInnerHTML={{ __html: supportHtml }}
      />

      <section className="card">
        <h2>Inline post from bash</h2>
        <p className="muted">
          From <span className="mono">docs/DEPLOY_SMT_INGEST.md</span>. Files over about 4 MB must go as multipart
          instead.
        </p>
        {/* Focusable so the keyboard can scroll a long line, as the mouse does. */}
        {/* eslint-disable-next-line jsx-a11y/no-noninteractive-tabindex */}
        <pre aria-label="Bash inline-post snippet" tabIndex={0}>
          <code>{snippet}</code>
        </pre>
      </section>

      <section className="card">
        <h2>Smoke tests</h2>
        <ul>
          {smokeTests.map((test) => (
            <li key={test.id}>
              <a href={`#${test.id}`} className="mono" onClick={() => openSection(test.id)}>
                {test.file}
              </a>{" "}
              — {test.purpose}
            </li>
          ))}
        </ul>
        {smokeTests.map((test) => (
          <details key={test.id} id={test.id}>
            <summary className="mono">{test.file}</summary>
            {/* eslint-disable-next-line jsx-a11y/no-noninteractive-tabindex */}
            <pre tabIndex={0} aria-label={`${test.file} source`}>
              <code>{test.text}</code>
            </pre>
          </details>
        ))}
      </section>
    </div>
  );
}

export function ErrorBoundary() {
  return <GeneralErrorBoundary />;
}

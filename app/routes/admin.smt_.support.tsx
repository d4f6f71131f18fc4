import { readFile } from "node:fs/promises";
import path from "node:path";
import type { LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { json } from "@remix-run/node";
import { Link, useLoaderData } from "@remix-run/react";
import { marked } from "marked";
import { requireOperator } from "~/auth/operator.server";
import { GeneralErrorBoundary } from "~/components/GeneralErrorBoundary";

export const meta: MetaFunction = () => [{ title: "SMT support · Operator portal" }];

/** Smoke tests an operator runs from a shell; shown in full so they can be copied from here. */
const SMOKE_TESTS = [
  { id: "test-webhook", file: "scripts/admin/test_webhook.sh", purpose: "Pings the webhook with the shared secret." },
  {
    id: "inline-ps1",
    file: "scripts/admin/smt_inline_post_test.ps1",
    purpose: "Posts one CSV inline from PowerShell.",
  },
  {
    id: "fetch-and-post",
    file: "scripts/smt/fetch_and_post.sh",
    purpose: "The droplet's SFTP pull and post (systemd timer).",
  },
];

const BASH_SNIPPET_HEADING = "## Manual inline post (bash)";

// Read at request time from docs/ and scripts/, so the page can never drift from the files ops edit.
async function repoText(relative: string): Promise<string | null> {
  return readFile(path.resolve(relative), "utf8").catch(() => null);
}

/** The fenced bash block under "Manual inline post (bash)" in docs/DEPLOY_SMT_INGEST.md. */
function bashSnippet(deployDoc: string | null): string | null {
  const section = deployDoc?.split(BASH_SNIPPET_HEADING)[1]?.split(/\n## /)[0];
  return section?.match(/```bash\n([\s\S]*?)```/)?.[1] ?? null;
}

export async function loader({ request }: LoaderFunctionArgs) {
  await requireOperator(request);
  const [support, deployDoc, ...scripts] = await Promise.all([
    repoText("docs/smt-support.md"),
    repoText("docs/DEPLOY_SMT_INGEST.md"),
    ...SMOKE_TESTS.map((test) => repoText(test.file)),
  ]);
  if (support === null) {
    throw json(
      { error: "docs/smt-support.md is missing from this deployment; the support reference cannot be shown." },
      { status: 503 },
    );
  }
  return json({
    supportHtml: await marked.parse(support),
    snippet: bashSnippet(deployDoc),
    smokeTests: SMOKE_TESTS.map((test, index) => ({ ...test, text: scripts[index] })),
  });
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
        {snippet ? (
          <pre aria-label="Bash inline-post snippet">
            <code>{snippet}</code>
          </pre>
        ) : (
          <p className="error-text">docs/DEPLOY_SMT_INGEST.md has no bash snippet.</p>
        )}
      </section>

      <section className="card">
        <h2>Smoke tests</h2>
        <ul>
          {smokeTests.map((test) => (
            <li key={test.id}>
              <a href={`#${test.id}`} className="mono">
                {test.file}
              </a>{" "}
              — {test.purpose}
            </li>
          ))}
        </ul>
        {smokeTests.map((test) => (
          <details key={test.id} id={test.id}>
            <summary className="mono">{test.file}</summary>
            {test.text ? (
              <pre>
                <code>{test.text}</code>
              </pre>
            ) : (
              <p className="muted">Not present in this deployment.</p>
            )}
          </details>
        ))}
      </section>
    </div>
  );
}

export function ErrorBoundary() {
  return <GeneralErrorBoundary />;
}

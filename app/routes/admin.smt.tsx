import type { ActionFunctionArgs, LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { json } from "@remix-run/node";
import { Form, Link, useActionData, useLoaderData, useNavigation, useRevalidator } from "@remix-run/react";
import { useState } from "react";
import { requireOperator } from "~/auth/operator.server";
import { GeneralErrorBoundary } from "~/components/GeneralErrorBoundary";
import { ResultCard } from "~/components/SmtResultCard";
import { SmtRecentFiles } from "~/components/SmtRecentFiles";
import { UploadDropzone } from "~/components/UploadDropzone";
import { UploadProgressBar } from "~/components/UploadProgressBar";
import { useUploadWithProgress } from "~/components/upload-progress";
import { UsageChart } from "~/components/UsageChart";
import { UsagePicker } from "~/components/UsagePicker";
import { getEnv } from "~/env/env.server";
import { premiseAddresses } from "~/esiid/premise.server";
import { formatBytes } from "~/format/bytes";
import { MAX_FILES_PER_UPLOAD, receiveOperatorUpload } from "~/smt/operator-upload.server";
import type { UploadAnswer } from "~/smt/ingest-result";
import { recentSmtFiles } from "~/smt/stored-result.server";
import { usageView } from "~/smt/usage-view.server";

export const meta: MetaFunction = () => [{ title: "SMT · Operator portal" }];

export async function loader({ request }: LoaderFunctionArgs) {
  await requireOperator(request);
  const [recent, usage] = await Promise.all([recentSmtFiles(20), usageView(new URL(request.url).searchParams)]);
  const addresses = await premiseAddresses(usage.esiid ? [usage.esiid, ...usage.esiids] : []);
  return json({
    recent,
    usage,
    addresses,
    uploadMaxBytes: getEnv().smt.uploadMaxBytes,
    maxFilesPerUpload: MAX_FILES_PER_UPLOAD,
  });
}

/** The upload without JavaScript; with it, the page posts to /admin/smt/upload to report byte progress. */
export async function action({ request }: ActionFunctionArgs) {
  const operator = await requireOperator(request);
  const { status, answer } = await receiveOperatorUpload(request, operator.actor);
  return json<UploadAnswer>(answer, { status });
}

export default function SmtPage() {
  const { recent, usage, addresses, uploadMaxBytes, maxFilesPerUpload } = useLoaderData<typeof loader>();
  const posted = useActionData<typeof action>() as UploadAnswer | undefined;
  const [sent, setSent] = useState<UploadAnswer | null>(null);
  const revalidator = useRevalidator();
  const upload = useUploadWithProgress("/admin/smt/upload", (answer) => {
    setSent(answer);
    revalidator.revalidate();
  });
  const answer = sent ?? posted;
  const uploading = useNavigation().state === "submitting" || upload.uploading;

  return (
    <div className="smt-page">
      <h1>Smart Meter Texas</h1>
      <p className="muted">
        Files sent by the droplet arrive through <span className="mono">POST /api/admin/smt/pull</span>. Contacts and
        smoke tests: <Link to="/admin/smt/support">SMT support reference</Link>.
      </p>

      <section className="card smt-upload">
        <h2>Upload files</h2>
        <Form method="post" action="/admin/smt" encType="multipart/form-data" onSubmit={upload.onSubmit}>
          {/* A new key after each answer clears the chosen files, so pressing Upload again cannot post them twice. */}
          <UploadDropzone
            key={answer?.results.map((result) => result.rawFileId).join(",") ?? "none"}
            name="file"
            maxBytes={uploadMaxBytes}
            accept=".csv,.CSV,.json,.zip"
          />
          <div className="row">
            <button type="submit" disabled={uploading}>
              {uploading ? "Uploading…" : "Upload"}
            </button>
            <span className="muted">
              Up to {maxFilesPerUpload} files at once, {formatBytes(uploadMaxBytes)} each. A file already received (same
              SHA-256) is not read again.
            </span>
          </div>
          {upload.progress ? <UploadProgressBar progress={upload.progress} /> : null}
        </Form>
        {answer?.error ? (
          <p role="alert" className="error-text">
            {answer.error}
          </p>
        ) : null}
      </section>

      {answer?.results.length ? (
        <section aria-label="Upload results" className="smt-results">
          {answer.results.map((result) => (
            <ResultCard key={`${result.rawFileId}-${result.filename}`} result={result} />
          ))}
        </section>
      ) : null}

      <section className="card" aria-labelledby="usage-title">
        <h2 id="usage-title">Daily usage</h2>
        {usage.problem ? (
          <p role="alert" className="error-text">
            {usage.problem}
          </p>
        ) : null}
        {usage.esiid ? (
          <>
            <UsagePicker esiids={usage.esiids} esiid={usage.esiid} addresses={addresses} range={usage.range} />
            <h3 className="smt-usage-title">
              ESIID <span className="mono">{usage.esiid}</span>
              {addresses[usage.esiid] ? (
                <>
                  {" · "}
                  <Link to={`/admin/esiid/${usage.esiid}`}>{addresses[usage.esiid]}</Link>
                </>
              ) : null}
            </h3>
            {usage.usage && usage.range ? (
              <UsageChart esiid={usage.esiid} days={usage.usage.days} range={usage.range} />
            ) : (
              <p className="muted">No intervals stored for ESIID {usage.esiid}.</p>
            )}
          </>
        ) : (
          <p className="muted">No intervals stored yet.</p>
        )}
      </section>

      <section className="card" aria-labelledby="recent-title">
        <h2 id="recent-title">Recent files</h2>
        <SmtRecentFiles recent={recent} />
      </section>
    </div>
  );
}

export function ErrorBoundary() {
  return <GeneralErrorBoundary />;
}

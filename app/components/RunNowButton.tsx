import { useFetcher, useRevalidator } from "@remix-run/react";
import { Link } from "@remix-run/react";
import { useEffect, useRef, useState } from "react";
import type { RunView } from "~/ercot/run-record";
import { formatBytes } from "~/format/bytes";

const POLL_MS = 750;

interface StartAnswer {
  ok: boolean;
  runId?: number | null;
  error?: string;
}

/**
 * Starts a run (the route's action, audited) and follows it: while a run is active the button is disabled
 * and progress is polled from /api/admin/ercot/progress; when the run ends the page data is revalidated.
 */
export function RunNowButton({
  active,
  runs,
  onFinished,
}: {
  active: RunView | null;
  runs: RunView[];
  onFinished: (runId: number) => void;
}) {
  const start = useFetcher<StartAnswer>();
  const poll = useFetcher<{ active: RunView | null }>();
  const revalidator = useRevalidator();
  const polled = poll.data ? poll.data.active : undefined;
  const current = polled === undefined ? active : polled;
  const starting = start.state !== "idle";
  const justStarted = start.data?.ok === true && polled === undefined;
  const following = Boolean(current) || justStarted;
  const followedRunId = useRef<number | null>(null);
  const [finishedRunId, setFinishedRunId] = useState<number | null>(null);
  const followedId = current?.id ?? (justStarted ? (start.data?.runId ?? null) : null);
  useEffect(() => {
    if (followedId) followedRunId.current = followedId;
  }, [followedId]);

  useEffect(() => {
    if (!following) return;
    const timer = setInterval(() => {
      if (poll.state === "idle") poll.load("/api/admin/ercot/progress");
    }, POLL_MS);
    return () => clearInterval(timer);
  }, [following, poll]);

  useEffect(() => {
    if (following || followedRunId.current === null) return;
    const runId = followedRunId.current;
    followedRunId.current = null;
    setFinishedRunId(runId);
    onFinished(runId);
    revalidator.revalidate();
  }, [following, revalidator, onFinished]);

  const finished = finishedRunId === null ? undefined : runs.find((run) => run.id === finishedRunId);

  const progress = current?.progress;
  const filePercent =
    progress?.currentSize && progress.currentFile
      ? Math.min(100, Math.round((progress.currentBytes / progress.currentSize) * 100))
      : null;

  return (
    <div className="ercot-run-now">
      <start.Form method="post" className="row">
        <input type="hidden" name="intent" value="run" />
        <button type="submit" disabled={starting || following}>
          {starting ? "Starting…" : following ? "Run in progress" : "Run now"}
        </button>
        {start.data && !start.data.ok ? (
          <span role="alert" className="error-text">
            {start.data.error}
          </span>
        ) : null}
      </start.Form>
      {current ? (
        <div className="ercot-progress" role="status" aria-live="polite" data-run-id={current.id}>
          <strong>Run #{current.id}</strong> ({current.trigger}):{" "}
          {progress ? (
            <>
              <span data-testid="ercot-files">
                {progress.filesDone} of {progress.filesTotal} files
              </span>{" "}
              · <span data-testid="ercot-bytes">{formatBytes(progress.bytes)}</span>
              {progress.currentFile ? (
                <>
                  {" "}
                  · now <span className="mono">{progress.currentFile}</span>
                  {filePercent !== null ? ` (${filePercent}%)` : null}
                </>
              ) : null}
              <progress max={Math.max(progress.filesTotal, 1)} value={progress.filesDone} aria-label="Files done" />
            </>
          ) : (
            "listing ERCOT's files…"
          )}
        </div>
      ) : justStarted ? (
        <div className="ercot-progress" role="status">
          Run #{start.data?.runId} started…
        </div>
      ) : finished && finished.status !== "running" ? (
        <p className="ercot-outcome" role="status" data-run-id={finished.id}>
          <Link to={`/admin/ercot/${finished.id}`}>Run #{finished.id}</Link> {finished.status}
          {finished.summary ? `: ${finished.summary.stored} stored, ${finished.summary.skipped} skipped` : null}
          {finished.summary?.failed ? `, ${finished.summary.failed} failed` : null}
          {finished.error ? ` — ${finished.error}` : null}
        </p>
      ) : null}
    </div>
  );
}

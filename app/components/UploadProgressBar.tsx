import { formatBytes } from "~/format/bytes";
import type { UploadProgress } from "./upload-progress";

/** The browser's count of bytes sent, as a native progress bar with its percentage in words. */
export function UploadProgressBar({ progress }: { progress: UploadProgress }) {
  const percent = progress.total > 0 ? Math.floor((progress.loaded / progress.total) * 100) : 0;
  const words =
    progress.total > 0
      ? `${percent}% · ${formatBytes(progress.loaded)} of ${formatBytes(progress.total)} sent`
      : "Starting the upload…";
  return (
    <div className="upload-progress" data-percent={percent}>
      <progress
        value={progress.total > 0 ? progress.loaded : undefined}
        max={progress.total > 0 ? progress.total : undefined}
        aria-label="Upload progress"
        aria-valuetext={words}
      />
      <span className="muted">{words}</span>
    </div>
  );
}

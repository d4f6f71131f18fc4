import { useRef, useState, type DragEvent } from "react";
import { formatBytes } from "~/format/bytes";

/**
 * A file input that also takes files dropped on it. Dropped files are handed to the input itself, so the
 * surrounding form posts them like chosen ones (and the form still works without JavaScript).
 */
export function UploadDropzone({ name, maxBytes, accept }: { name: string; maxBytes: number; accept?: string }) {
  const input = useRef<HTMLInputElement>(null);
  const [files, setFiles] = useState<File[]>([]);
  const [dragging, setDragging] = useState(false);

  const onDrop = (event: DragEvent<HTMLLabelElement>) => {
    event.preventDefault();
    setDragging(false);
    if (!input.current || event.dataTransfer.files.length === 0) return;
    input.current.files = event.dataTransfer.files;
    setFiles([...event.dataTransfer.files]);
  };

  return (
    <div className="dropzone-wrap">
      <label
        className="dropzone"
        data-dragging={dragging || undefined}
        onDragOver={(event) => {
          event.preventDefault();
          setDragging(true);
        }}
        onDragLeave={() => setDragging(false)}
        onDrop={onDrop}
      >
        <strong>Drop SMT files here</strong>
        <span className="muted">or choose them: interval CSV, JSON payload, billing CSV or a ZIP of those</span>
        <input
          ref={input}
          type="file"
          name={name}
          multiple
          required
          accept={accept}
          aria-label="SMT files"
          onChange={(event) => setFiles([...(event.currentTarget.files ?? [])])}
        />
      </label>
      {files.length > 0 ? (
        <ul className="dropzone-files" aria-label="Files to upload">
          {files.map((file) => (
            <li key={`${file.name}-${file.size}`}>
              <span className="mono">{file.name}</span> <span className="muted">{formatBytes(file.size)}</span>
              {file.size > maxBytes ? (
                <span className="error-text"> — over the {formatBytes(maxBytes)} limit</span>
              ) : null}
            </li>
          ))}
        </ul>
      ) : null}
    </div>
  );
}

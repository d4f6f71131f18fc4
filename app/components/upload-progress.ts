import { useRef, useState, type FormEvent } from "react";
import type { UploadAnswer } from "~/smt/ingest-result";

export interface UploadProgress {
  loaded: number;
  total: number;
}

const SESSION_ENDED = "Your session has ended: sign in again in another tab, then upload the files again.";
const NETWORK_FAILED = "The upload was interrupted before the portal answered. Check the connection and upload again.";

function answerOf(request: XMLHttpRequest): UploadAnswer {
  if (!(request.getResponseHeader("Content-Type") ?? "").includes("application/json")) {
    return { error: request.responseURL.includes("/login") ? SESSION_ENDED : NETWORK_FAILED, results: [] };
  }
  try {
    const body = JSON.parse(request.responseText) as Partial<UploadAnswer>;
    return { error: body.error ?? null, results: body.results ?? [] };
  } catch {
    return { error: NETWORK_FAILED, results: [] };
  }
}

/**
 * Sends the upload form with XMLHttpRequest, whose `upload.onprogress` is the browser's own count of bytes sent,
 * and hands back its JSON answer. The form keeps its method and action, so without JavaScript it posts as usual.
 */
export function useUploadWithProgress(endpoint: string, onAnswer: (answer: UploadAnswer) => void) {
  const [progress, setProgress] = useState<UploadProgress | null>(null);
  const active = useRef<XMLHttpRequest | null>(null);

  const onSubmit = (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    if (active.current) return;
    const request = new XMLHttpRequest();
    active.current = request;
    const body = new FormData(event.currentTarget);
    setProgress({ loaded: 0, total: 0 });
    request.upload.onprogress = (progressEvent) => {
      if (progressEvent.lengthComputable) setProgress({ loaded: progressEvent.loaded, total: progressEvent.total });
    };
    const finish = (answer: UploadAnswer) => {
      active.current = null;
      setProgress(null);
      onAnswer(answer);
    };
    request.onload = () => finish(answerOf(request));
    request.onerror = () => finish({ error: NETWORK_FAILED, results: [] });
    request.open("POST", endpoint);
    request.setRequestHeader("Accept", "application/json");
    request.send(body);
  };

  return { progress, uploading: progress !== null, onSubmit };
}

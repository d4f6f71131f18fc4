// Worker-thread body (started through file-worker.cjs by file-worker.server.ts): parses one spooled file and
// hands its rows, a bounded batch at a time, to the main thread, which writes them in the file's transaction.
import { parentPort, workerData } from "node:worker_threads";
import type { FileWorkerJob, FromWorker, ToWorker, WriteRequest } from "./file-worker-messages";
import { loadFile } from "./load-file.server";
import { FileOutcome, type Written } from "./outcome";
import type { RowSink } from "./row-sink";

const port = parentPort!;
const job = workerData as FileWorkerJob;

/** Each batch waits for the main thread's answer, so at most one batch is on its way (backpressure). */
const answers = new Map<number, (written: Written) => void>();
let lastId = 0;
const onAnswer = ({ id, written }: ToWorker) => {
  answers.get(id)?.(written);
  answers.delete(id);
};
port.on("message", onAnswer);
function ask(request: WriteRequest): Promise<Written> {
  const id = ++lastId;
  return new Promise((resolve) => {
    answers.set(id, resolve);
    port.postMessage({ ...request, id } satisfies FromWorker);
  });
}
const sink: RowSink = {
  writeDays: (days) => ask({ kind: "days", days }),
  billingReads: (batch) => ask({ kind: "billing", batch }),
};

async function parseFile(): Promise<void> {
  const outcome = new FileOutcome(job.kind);
  await loadFile(job, sink, outcome);
  port.postMessage({ kind: "done", settled: outcome.settle(job.declaredEsiid) } satisfies FromWorker);
  // Nothing else keeps the thread alive: it ends, and its heap is freed.
  port.off("message", onAnswer);
}

// A rejection here is the thread's uncaught error: the main thread rolls the file back.
void parseFile();

import { existsSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { Worker } from "node:worker_threads";
import type { FileWorkerJob, FromWorker, ToWorker } from "./file-worker-messages";
import { loadFile } from "./load-file.server";
import { FileOutcome, type SettledOutcome } from "./outcome";
import type { RowSink } from "./row-sink";

/**
 * The parser's heap. A file keeps a few MiB alive at once; capping the heap makes V8 collect the rest as it goes
 * instead of letting a large file's garbage grow the portal (docs/decisions/027-smt-parse-worker.md). A file that needs
 * more fails alone with a 500, and its transaction leaves nothing written. A young generation under 12 MiB promotes
 * a day's rows before they die and parses 1M rows about 2× slower (docs/decisions/028-smt-ingest-speed-and-memory.md).
 */
const WORKER_HEAP = { maxOldGenerationSizeMb: 24, maxYoungGenerationSizeMb: 12 };
/**
 * Smaller files are parsed on the request's thread: their garbage is small, and a worker costs about 1 s to start.
 * SMT CSVs compress about 15×, so a ZIP counts 16 times its size.
 */
const WORKER_MIN_BYTES = 8 * 1024 * 1024;
/** Files parsed at once; more wait their turn, so memory stays bounded whatever the droplets send together. */
const WORKERS = 2;

let running = 0;
const waiting: (() => void)[] = [];

/**
 * Parses one spooled file and hands its rows to `writer` (the file's transaction, on this thread). A large file is
 * parsed in a worker thread with a capped heap; its rows come back a bounded batch at a time, and the worker waits
 * for each batch to be written.
 */
export async function parseFile(job: FileWorkerJob, writer: RowSink): Promise<SettledOutcome> {
  const weight = job.kind === "zip" ? job.file.sizeBytes * 16 : job.file.sizeBytes;
  if (weight < WORKER_MIN_BYTES) {
    const outcome = new FileOutcome(job.kind);
    await loadFile(job, writer, outcome);
    return outcome.settle(job.declaredEsiid);
  }
  await takeTurn();
  try {
    return await runWorker(job, writer);
  } finally {
    endTurn();
  }
}

async function takeTurn(): Promise<void> {
  if (running < WORKERS) {
    running++;
    return;
  }
  // endTurn hands its place straight to the first waiter, so `running` stays as it is.
  await new Promise<void>((resolve) => waiting.push(resolve));
}

function endTurn(): void {
  const next = waiting.shift();
  if (next) next();
  else running--;
}

function runWorker(job: FileWorkerJob, writer: RowSink): Promise<SettledOutcome> {
  return new Promise((resolve, reject) => {
    // No inherited execArgv: under `node --import tsx` (npm start) the worker would wait forever on tsx's ESM hooks.
    const worker = new Worker(workerEntry(), { workerData: job, resourceLimits: WORKER_HEAP, execArgv: [] });
    let settled: SettledOutcome | null = null;
    let failure: { error: unknown } | null = null;
    const fail = (error: unknown) => {
      failure ??= { error };
      void worker.terminate();
    };
    worker.on("message", (message: FromWorker) => {
      if (message.kind === "done") {
        settled = message.settled;
        return;
      }
      const written = message.kind === "days" ? writer.writeDays(message.days) : writer.billingReads(message.batch);
      written.then((counts) => worker.postMessage({ id: message.id, written: counts } satisfies ToWorker), fail);
    });
    // A thrown error or a full heap: the caller rolls the file's transaction back.
    worker.once("error", (error: Error & { code?: string }) =>
      fail(
        error.code === "ERR_WORKER_OUT_OF_MEMORY"
          ? new Error(
              `The SMT parser ran out of memory on this file (its heap is capped at ${WORKER_HEAP.maxOldGenerationSizeMb} MiB); nothing was written.`,
            )
          : error,
      ),
    );
    worker.once("exit", (code) => {
      if (failure) reject(failure.error);
      else if (settled) resolve(settled);
      else reject(new Error(`The SMT parser's worker thread stopped (exit code ${code}) before it finished.`));
    });
  });
}

/**
 * From source (tsx, Vitest) the worker's entry sits beside this module; in the Remix server build (build/index.js)
 * this module is bundled, and the entry is read from the app/ folder that ships beside build/.
 */
function workerEntry(): URL {
  const candidates = [
    new URL("./file-worker.cjs", import.meta.url),
    new URL("../app/smt/file-worker.cjs", import.meta.url),
  ];
  const found = candidates.find((candidate) => existsSync(fileURLToPath(candidate)));
  if (!found) throw new Error(`The SMT worker entry is missing (looked for ${candidates.map(String).join(", ")}).`);
  return found;
}

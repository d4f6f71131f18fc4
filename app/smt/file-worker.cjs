// Worker-thread entry (started by file-worker.server.ts). Plain JavaScript so that it runs without a build: tsx (a
// runtime dependency) compiles the TypeScript that does the work, in this thread. Its ESM loader would start a
// hooks thread and esbuild a service thread (about 28 MiB more); tsx's require hook, with esbuild called as a
// child process on a cache miss, costs neither (docs/decisions/027-smt-parse-worker.md).
process.env.ESBUILD_WORKER_THREADS = "0";
require("tsx/cjs/api").require("./file-worker.ts", __filename);

// Worker-thread entry (started by file-worker.server.ts). Plain JavaScript so that it runs without a build: tsx
// (a runtime dependency) then compiles the TypeScript that does the work. Node 20 ignores `--import tsx` in a
// worker's execArgv, so tsx is registered here.
import { tsImport } from "tsx/esm/api";

await tsImport("./file-worker.ts", import.meta.url);

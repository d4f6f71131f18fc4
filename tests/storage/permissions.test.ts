import { mkdirSync, mkdtempSync, rmSync, statSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { Readable } from "node:stream";
import { afterAll, describe, expect, it } from "vitest";
import { makeSpoolDir, spoolStream } from "~/smt/upload.server";
import { LocalStorage } from "~/storage/local.server";

// Stored objects and spooled uploads hold customer data: only the portal's own user may read them.
const scratch = mkdtempSync(path.join(os.tmpdir(), "storage-permissions-"));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

const mode = (file: string) => statSync(file).mode & 0o777;

describe("local storage permissions", () => {
  it("keeps directories 0700 and objects 0600, closing a root an older version left open", async () => {
    const root = path.join(scratch, "objects");
    mkdirSync(root, { mode: 0o755 });
    const store = new LocalStorage(root);
    await store.put("ercot/2026/06/03/file.zip", Readable.from([Buffer.from("customer data")]));
    expect(mode(root).toString(8)).toBe("700");
    for (const dir of ["ercot", "ercot/2026", "ercot/2026/06", "ercot/2026/06/03", ".tmp"]) {
      expect(mode(path.join(root, dir)).toString(8), dir).toBe("700");
    }
    expect(mode(path.join(root, "ercot/2026/06/03/file.zip")).toString(8)).toBe("600");
  });
});

describe("spooled upload permissions", () => {
  it("spools into a 0700 directory as a 0600 file", async () => {
    const spool = await makeSpoolDir();
    try {
      const file = await spoolStream([Buffer.from("ESIID,usage\n")], path.join(spool.dir, "upload.csv"), {
        filename: "upload.csv",
        contentType: "text/csv",
        maxBytes: 1024,
      });
      expect(mode(spool.dir).toString(8)).toBe("700");
      expect(mode(file.path).toString(8)).toBe("600");
    } finally {
      await spool.cleanup();
    }
  });
});

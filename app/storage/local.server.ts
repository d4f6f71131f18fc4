import { randomUUID } from "node:crypto";
import { createReadStream, createWriteStream } from "node:fs";
import { chmod, mkdir, opendir, rename, rm, stat } from "node:fs/promises";
import path from "node:path";
import { pipeline } from "node:stream/promises";
import type { Readable } from "node:stream";
import {
  assertSafeKey,
  assertSafePrefix,
  createDigestStream,
  type ObjectInfo,
  type PutOptions,
  type Storage,
} from "./storage.server";

const TEMP_DIR = ".tmp";
/** Stored objects are customer data: only the portal's own user may list or read them. */
export const PRIVATE_DIR_MODE = 0o700;
export const PRIVATE_FILE_MODE = 0o600;

/** Files under a root directory; writes go to a temp file and are renamed into place on success. */
export class LocalStorage implements Storage {
  readonly driver = "local" as const;
  readonly description: string;

  private rootLocked = false;

  constructor(private readonly root: string) {
    this.description = `local storage (${path.relative(process.cwd(), root) || root})`;
  }

  private pathOf(key: string) {
    const resolved = path.resolve(this.root, assertSafeKey(key));
    if (!resolved.startsWith(path.resolve(this.root) + path.sep))
      throw new Error("Storage key escapes the storage root.");
    return resolved;
  }

  async put(key: string, body: Readable, options: PutOptions = {}) {
    const target = this.pathOf(key);
    const tempDir = path.join(this.root, TEMP_DIR);
    await mkdir(tempDir, { recursive: true, mode: PRIVATE_DIR_MODE });
    if (!this.rootLocked) {
      // A root made by an older version (0755) is closed too; everything below it is then unreachable to others.
      await chmod(this.root, PRIVATE_DIR_MODE);
      this.rootLocked = true;
    }
    const tempFile = path.join(tempDir, randomUUID());
    const digest = createDigestStream();
    try {
      await pipeline(body, digest.stream, createWriteStream(tempFile, { flags: "wx", mode: PRIVATE_FILE_MODE }), {
        signal: options.signal,
      });
      await mkdir(path.dirname(target), { recursive: true, mode: PRIVATE_DIR_MODE });
      await rename(tempFile, target);
    } catch (error) {
      await rm(tempFile, { force: true });
      throw error;
    }
    return { key, ...digest.result() };
  }

  async head(key: string): Promise<ObjectInfo | null> {
    try {
      const info = await stat(this.pathOf(key));
      return info.isFile() ? { key, sizeBytes: info.size, lastModified: info.mtime } : null;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === "ENOENT") return null;
      throw error;
    }
  }

  async get(key: string) {
    const info = await this.head(key);
    if (!info) return null;
    return { ...info, body: createReadStream(this.pathOf(key)) };
  }

  async *list(prefix: string): AsyncIterable<ObjectInfo> {
    assertSafePrefix(prefix);
    const root = path.resolve(this.root);
    const startDir = prefix.includes("/") ? path.join(root, prefix.slice(0, prefix.lastIndexOf("/"))) : root;
    const keys: string[] = [];
    const walk = async (dir: string): Promise<void> => {
      let handle;
      try {
        handle = await opendir(dir);
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code === "ENOENT") return;
        throw error;
      }
      for await (const entry of handle) {
        const full = path.join(dir, entry.name);
        const key = path.relative(root, full).split(path.sep).join("/");
        if (key === TEMP_DIR) continue;
        if (entry.isDirectory()) {
          if (key.startsWith(prefix) || prefix.startsWith(key + "/")) await walk(full);
        } else if (entry.isFile() && key.startsWith(prefix)) {
          keys.push(key);
        }
      }
    };
    await walk(startDir);
    keys.sort();
    for (const key of keys) {
      const info = await this.head(key);
      if (info) yield info;
    }
  }

  async delete(key: string) {
    await rm(this.pathOf(key), { force: true });
  }

  /** A put writes one temp file; a crash leaves nothing open in a store (stale temp files are not objects). */
  async closeAbandonedUploads() {
    return { aborted: 0, failed: 0 };
  }
}

// raw_smt_files → SmtRawFile. The bytes the old portal kept in `content` are streamed into our storage in chunks
// (never the whole file in memory), checked against the old SHA-256, and only then recorded; a rerun skips files
// whose row exists, and redoes a file whose upload was interrupted (the object key is the SHA-256).
import { Readable } from "node:stream";
import type pg from "pg";
import type { Storage } from "../../../app/storage/index.server";
import type { StepCounts, Unmapped } from "./tables";

const CHUNK_BYTES = 1024 * 1024;

interface OldFile {
  id: string;
  filename: string;
  sha256: string;
  size: number;
  received_at: Date;
  has_content: boolean;
}

function contentStream(client: pg.Client, id: string, size: number): Readable {
  let offset = 0;
  return new Readable({
    async read() {
      try {
        if (offset >= size) return void this.push(null);
        const { rows } = await client.query<{ chunk: Buffer }>(
          `SELECT substring(content FROM $2 FOR $3) AS chunk FROM public.raw_smt_files WHERE id = $1`,
          [id, offset + 1, CHUNK_BYTES],
        );
        offset += CHUNK_BYTES;
        this.push(rows[0].chunk);
      } catch (error) {
        this.destroy(error as Error);
      }
    },
  });
}

export async function importRawFiles(
  reader: pg.Client,
  writer: pg.Client,
  storage: Storage,
  progress: (line: string) => void,
): Promise<{ counts: StepCounts; unmapped: Unmapped[] }> {
  const counts: StepCounts = { table: "SmtRawFile", read: 0, inserted: 0, alreadyThere: 0, unmapped: 0 };
  const unmapped: Unmapped[] = [];
  let after = "-1";
  for (;;) {
    const { rows } = await reader.query<OldFile>(
      `SELECT id::text, filename, sha256, octet_length(content)::bigint AS size, received_at, content IS NOT NULL AS has_content
         FROM public.raw_smt_files WHERE id > $1::bigint ORDER BY id LIMIT 100`,
      [after],
    );
    if (!rows.length) break;
    for (const file of rows) {
      counts.read++;
      after = file.id;
      const known = await writer.query(`SELECT 1 FROM "SmtRawFile" WHERE sha256 = $1`, [file.sha256]);
      if (known.rowCount) {
        counts.alreadyThere++;
        continue;
      }
      if (!file.has_content) {
        unmapped.push({
          table: "SmtRawFile",
          id: file.id,
          reason: `${file.filename}: no stored bytes (content is empty)`,
        });
        continue;
      }
      const key = `smt/legacy/${file.sha256}`;
      const stored = await storage.put(key, contentStream(reader, file.id, Number(file.size)));
      if (stored.sha256 !== file.sha256) {
        await storage.delete(key);
        unmapped.push({
          table: "SmtRawFile",
          id: file.id,
          reason: `${file.filename}: its bytes hash to ${stored.sha256}, not the recorded ${file.sha256}`,
        });
        continue;
      }
      const inserted = await writer.query(
        `INSERT INTO "SmtRawFile" (sha256, filename, "sizeBytes", "storageKey", source, "receivedAt", status)
         VALUES ($1, $2, $3, $4, 'legacy', $5, 'parsed') ON CONFLICT (sha256) DO NOTHING`,
        [file.sha256, file.filename, stored.sizeBytes, key, file.received_at],
      );
      if (inserted.rowCount) counts.inserted++;
      else counts.alreadyThere++;
    }
    progress(`SmtRawFile: ${counts.read} read, ${counts.inserted} moved to storage`);
  }
  counts.unmapped = unmapped.length;
  return { counts, unmapped };
}

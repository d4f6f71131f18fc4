import { Readable } from "node:stream";
import { text } from "node:stream/consumers";
import { describe, expect, it } from "vitest";
import { contentSizeWarning, createZipVerifier, ZipVerificationError } from "./verify.server";

const zipBytes = (size: number) => Buffer.concat([Buffer.from("PK\x03\x04", "latin1"), Buffer.alloc(size - 4, 7)]);
const document = (contentSize: number | null) => ({
  friendlyName: "ONCOR_ELEC___DAILY",
  docId: "1234254360",
  contentSize,
});

/** Feeds `bytes` in chunks of `chunkSize` through the verifier. */
function verify(bytes: Buffer, contentSize: number | null, chunkSize = 3, onBytes?: (total: number) => void) {
  const chunks: Buffer[] = [];
  for (let offset = 0; offset < bytes.length; offset += chunkSize)
    chunks.push(bytes.subarray(offset, offset + chunkSize));
  return text(Readable.from(chunks).pipe(createZipVerifier(document(contentSize), onBytes)));
}

describe("zip verification in the stream", () => {
  it("passes a zip of the listed size through unchanged, even when the signature is split across chunks", async () => {
    const seen: number[] = [];
    const bytes = zipBytes(10);
    expect(await verify(bytes, 10, 1, (total) => seen.push(total))).toBe(bytes.toString());
    expect(seen.at(-1)).toBe(10);
  });

  it("accepts any size when the source listed none", async () => {
    await expect(verify(zipBytes(50), null)).resolves.toHaveLength(50);
  });

  it("refuses a body that is not a zip, such as ERCOT's NO Results page", async () => {
    await expect(verify(Buffer.from("NO Results"), null)).rejects.toThrow(/not a zip file/);
    await expect(verify(Buffer.from("NO Results"), null)).rejects.toBeInstanceOf(ZipVerificationError);
  });

  it("leaves ContentSize to a warning: the transport and the zip's own structure judge truncation", async () => {
    await expect(verify(zipBytes(10), 12)).resolves.toHaveLength(10);
    expect(contentSizeWarning(document(12), 10)).toContain("ERCOT listed 12 bytes");
    expect(contentSizeWarning(document(12), 12)).toBeNull();
    expect(contentSizeWarning(document(null), 12)).toBeNull();
  });

  it("refuses an empty body", async () => {
    await expect(verify(Buffer.alloc(0), null)).rejects.toThrow(/arrived empty or cut short/);
  });
});

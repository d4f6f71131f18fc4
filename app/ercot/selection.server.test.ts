import { describe, expect, it } from "vitest";
import type { ErcotDocument } from "./types";
import { selectNewest, storageKeyFor } from "./selection.server";

function doc(tdsp: string, kind: "DAILY" | "FUL", docId: string, publishedAt: string): ErcotDocument {
  return {
    docId,
    tdsp,
    kind,
    friendlyName: `${tdsp.padEnd(12, "_")}_${kind}`,
    constructedName: `ext.00000203.0000000000000000.20260603.055219302.${tdsp.padEnd(12, "_")}_${kind}.zip`,
    publishedAt: new Date(publishedAt),
    contentSize: 100,
    downloadUrl: `https://example.test/mirDownload?doclookupId=${docId}`,
    source: "scrape",
  };
}

describe("which files a run takes", () => {
  it("takes the newest DAILY per TDSP and the newest FUL when one is listed", () => {
    const picked = selectNewest([
      doc("ONCOR_ELEC", "DAILY", "3", "2026-06-03T10:52:19Z"),
      doc("ONCOR_ELEC", "DAILY", "2", "2026-06-02T10:52:19Z"),
      doc("ONCOR_ELEC", "FUL", "1", "2026-06-01T23:11:39Z"),
      doc("LUBBOCK", "DAILY", "4", "2026-06-02T10:52:19Z"),
    ]);
    expect(picked.map((document) => document.docId)).toEqual(["4", "3", "1"]);
  });

  it("prefers a repost (newer publish time) over the original", () => {
    const picked = selectNewest([
      doc("TNMP", "DAILY", "10", "2026-06-03T10:52:19Z"),
      doc("TNMP", "DAILY", "20", "2026-06-03T13:52:19Z"),
    ]);
    expect(picked.map((document) => document.docId)).toEqual(["20"]);
  });

  it("breaks a shared PublishDate second by DocID", () => {
    const picked = selectNewest([
      doc("TNMP", "DAILY", "10", "2026-06-03T10:52:19Z"),
      doc("TNMP", "DAILY", "11", "2026-06-03T10:52:19Z"),
    ]);
    expect(picked.map((document) => document.docId)).toEqual(["11"]);
  });
});

describe("storage keys", () => {
  it("uses the publish date in America/Chicago, across midnight UTC and both offsets", () => {
    const name = "ext.00000203.0000000000000000.20260114.233000000.TNMP_________DAILY.zip";
    expect(storageKeyFor({ publishedAt: new Date("2026-01-15T05:30:00Z"), constructedName: name })).toBe(
      `ercot/2026-01-14/${name}`,
    );
    expect(storageKeyFor({ publishedAt: new Date("2026-07-15T04:30:00Z"), constructedName: name })).toBe(
      `ercot/2026-07-14/${name}`,
    );
    expect(storageKeyFor({ publishedAt: new Date("2026-07-15T05:30:00Z"), constructedName: name })).toBe(
      `ercot/2026-07-15/${name}`,
    );
  });

  it("never lets a listed name escape its folder", () => {
    expect(storageKeyFor({ publishedAt: new Date("2026-06-03T10:52:19Z"), constructedName: "../../etc/passwd" })).toBe(
      "ercot/2026-06-03/.._.._etc_passwd",
    );
  });
});

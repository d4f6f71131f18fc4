import { describe, expect, it } from "vitest";
import type { ErcotDocument } from "./types";
import { overdueDailyWarning, planFetch, storageKeyFor } from "./selection.server";

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
  const listing = [
    doc("ONCOR_ELEC", "DAILY", "3", "2026-06-03T10:52:19Z"),
    doc("ONCOR_ELEC", "DAILY", "2", "2026-06-02T10:52:19Z"),
    doc("ONCOR_ELEC", "FUL", "1", "2026-06-01T23:11:39Z"),
    doc("LUBBOCK", "DAILY", "4", "2026-06-02T10:52:19Z"),
    doc("LUBBOCK", "DAILY", "5", "2026-05-31T10:52:19Z"),
  ];
  const ids = (documents: ErcotDocument[]) => documents.map((document) => document.docId);

  it("takes every DAILY and FUL not stored yet, oldest first, so a missed day is never skipped", () => {
    const plan = planFetch(listing, new Set(["4"]), 100);
    expect(ids(plan.toFetch)).toEqual(["5", "1", "2", "3"]);
    expect(ids(plan.stored)).toEqual(["4"]);
    expect(plan.deferred).toEqual([]);
    expect([...plan.newest].sort()).toEqual(["1", "3", "4"]);
  });

  it("stops at the cap and leaves the newer rest for the next run", () => {
    const plan = planFetch(listing, new Set(), 2);
    expect(ids(plan.toFetch)).toEqual(["5", "1"]);
    expect(ids(plan.deferred)).toEqual(["2", "4", "3"]);
  });

  it("applies a repost after its original, and breaks a shared PublishDate second by DocID", () => {
    const plan = planFetch(
      [
        doc("TNMP", "DAILY", "20", "2026-06-03T13:52:19Z"),
        doc("TNMP", "DAILY", "11", "2026-06-03T10:52:19Z"),
        doc("TNMP", "DAILY", "10", "2026-06-03T10:52:19Z"),
      ],
      new Set(),
      10,
    );
    expect(ids(plan.toFetch)).toEqual(["10", "11", "20"]);
    expect([...plan.newest]).toEqual(["20"]);
  });
});

describe("an overdue DAILY", () => {
  const daily = [doc("TNMP", "DAILY", "1", "2026-06-02T10:52:19Z")];

  it("is reported after 07:00 Central when nothing from today is listed", () => {
    expect(overdueDailyWarning(daily, new Date("2026-06-03T12:30:00Z"))).toMatch(
      /^No DAILY file for 2026-06-03 \(Central\) is listed yet.*newest listed is from 2026-06-02/,
    );
  });

  it("is not reported before 07:00 Central, or once today's DAILY is listed", () => {
    expect(overdueDailyWarning(daily, new Date("2026-06-03T11:30:00Z"))).toBeNull();
    const withToday = [...daily, doc("TNMP", "DAILY", "2", "2026-06-03T10:52:19Z")];
    expect(overdueDailyWarning(withToday, new Date("2026-06-03T12:30:00Z"))).toBeNull();
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

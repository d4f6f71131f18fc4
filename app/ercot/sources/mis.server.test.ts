import { describe, expect, it } from "vitest";
import {
  constructedNameFor,
  friendlyNameFor,
  parseConstructedName,
  parseFriendlyName,
  parseMisDocumentList,
  parsePublishDate,
} from "./mis.server";

const options = {
  source: "scrape" as const,
  downloadUrl: (docId: string) => `https://www.ercot.com/misdownload/servlets/mirDownload?doclookupId=${docId}`,
};

const listed = (overrides: Record<string, unknown> = {}) => ({
  Document: {
    ContentSize: "15014",
    FriendlyName: "LUBBOCK______DAILY",
    ConstructedName: "ext.00000203.0000000000000000.20260603.055219393.LUBBOCK______DAILY.zip",
    DocID: "1234254362",
    PublishDate: "2026-06-03T05:52:19-05:00",
    ...overrides,
  },
});

describe("MIS helpers", () => {
  it("pads TDSP codes to 12 characters and never truncates longer ones", () => {
    expect(friendlyNameFor("TNMP", "DAILY")).toBe("TNMP_________DAILY");
    expect(friendlyNameFor("SHARYLAND_MCALLEN", "FUL")).toBe("SHARYLAND_MCALLEN_FUL");
    expect(parseFriendlyName("AEP_CENTRAL__DAILY")).toEqual({ tdsp: "AEP_CENTRAL", kind: "DAILY" });
    expect(parseFriendlyName("SHARYLAND_MCALLEN_FUL")).toEqual({ tdsp: "SHARYLAND_MCALLEN", kind: "FUL" });
    expect(parseFriendlyName("SHARYLAND_UTILITIES_FUL")).toEqual({ tdsp: "SHARYLAND_UTILITIES", kind: "FUL" });
    expect(parseFriendlyName("ONCOR_ELEC___WEEKLY")).toBeNull();
  });

  it("reads a ConstructedName's Central timestamp to the millisecond", () => {
    const parts = parseConstructedName("ext.00000203.0000000000000000.20260603.055219302.CENTERPOINT__DAILY.zip");
    expect(parts?.friendlyName).toBe("CENTERPOINT__DAILY");
    expect(parts?.reportTypeId).toBe("203");
    expect(parts?.publishedAt.toISOString()).toBe("2026-06-03T10:52:19.302Z");
  });

  it("derives a ConstructedName from a posting time when the source gives none", () => {
    expect(constructedNameFor("CENTERPOINT__DAILY", new Date("2026-09-25T10:58:32Z"))).toBe(
      "ext.00000203.0000000000000000.20260925.055832000.CENTERPOINT__DAILY.zip",
    );
    expect(constructedNameFor("ONCOR_ELEC___FUL", new Date("2026-12-07T00:11:39Z"))).toContain(".20261206.181139000.");
  });

  it("takes PublishDate offsets as written, and re-localizes an offset that cannot occur in Central", () => {
    expect(parsePublishDate("2026-06-03T05:52:19-05:00")?.toISOString()).toBe("2026-06-03T10:52:19.000Z");
    expect(parsePublishDate("2026-12-03T05:52:19-06:00")?.toISOString()).toBe("2026-12-03T11:52:19.000Z");
    // Both offsets exist in the repeated hour of 2026-11-01, so both are trusted.
    expect(parsePublishDate("2026-11-01T01:30:00-05:00")?.toISOString()).toBe("2026-11-01T06:30:00.000Z");
    expect(parsePublishDate("2026-11-01T01:30:00-06:00")?.toISOString()).toBe("2026-11-01T07:30:00.000Z");
    // A CDT offset on a December date is ERCOT's mistake: the wall time is Central.
    expect(parsePublishDate("2026-12-03T05:52:19-05:00")?.toISOString()).toBe("2026-12-03T11:52:19.000Z");
    expect(parsePublishDate("2026-08-20T12:26:42")?.toISOString()).toBe("2026-08-20T17:26:42.000Z");
  });

  it("parses the documented list shape into documents", () => {
    const [document] = parseMisDocumentList({ ListDocsByRptTypeRes: { DocumentList: [listed()] } }, options).documents;
    expect(document).toMatchObject({
      docId: "1234254362",
      tdsp: "LUBBOCK",
      kind: "DAILY",
      contentSize: 15014,
      source: "scrape",
    });
    expect(document.downloadUrl).toContain("doclookupId=1234254362");
  });

  it("accepts numeric fields, a single object instead of an array, and a missing DocumentList", () => {
    const numeric = parseMisDocumentList(
      { ListDocsByRptTypeRes: { DocumentList: [listed({ DocID: 1234254362, ContentSize: 15014 })] } },
      options,
    ).documents;
    expect(numeric[0]).toMatchObject({ docId: "1234254362", contentSize: 15014 });
    expect(parseMisDocumentList({ ListDocsByRptTypeRes: { DocumentList: listed() } }, options).documents).toHaveLength(
      1,
    );
    const empty = { documents: [], dropped: [] };
    expect(parseMisDocumentList({ ListDocsByRptTypeRes: {} }, options)).toEqual(empty);
    expect(parseMisDocumentList({ ListDocsByRptTypeRes: { DocumentList: [] } }, options)).toEqual(empty);
  });

  it('reads the real empty shapes, DocumentList null and "", as an empty list', () => {
    const empty = { documents: [], dropped: [] };
    expect(parseMisDocumentList({ ListDocsByRptTypeRes: { DocumentList: null } }, options)).toEqual(empty);
    expect(parseMisDocumentList({ ListDocsByRptTypeRes: { DocumentList: "" } }, options)).toEqual(empty);
  });

  it("counts the entries it cannot read instead of dropping them silently", () => {
    const listing = parseMisDocumentList(
      {
        ListDocsByRptTypeRes: { DocumentList: [listed(), listed({ DocID: "9", FriendlyName: "TDSP-ESIID-EXTRACT" })] },
      },
      options,
    );
    expect(listing.documents).toHaveLength(1);
    expect(listing.dropped).toEqual([expect.stringContaining("DocID 9 (TDSP-ESIID-EXTRACT")]);
  });

  it("orders a run sharing one PublishDate second by DocID, newest first", () => {
    const documents = parseMisDocumentList(
      {
        ListDocsByRptTypeRes: {
          DocumentList: [
            listed({ DocID: "1234254360" }),
            listed({ DocID: "1234254362" }),
            listed({ DocID: "1234254361", PublishDate: "2026-06-02T05:47:40-05:00" }),
          ],
        },
      },
      options,
    ).documents;
    expect(documents.map((document) => document.docId)).toEqual(["1234254362", "1234254360", "1234254361"]);
  });
});

import { describe, expect, it } from "vitest";
import { normalizeEsiid, tdspForEsiid } from "./esiid";

describe("normalizeEsiid", () => {
  it("strips Excel's apostrophe and formula guard", () => {
    expect(normalizeEsiid("'10443720000000001")).toEqual({
      ok: true,
      esiid: "10443720000000001",
      tdsp: "ONCOR_ELEC",
      knownFormat: true,
    });
    expect(normalizeEsiid(' ="1008901000000000000001" ')).toMatchObject({
      ok: true,
      esiid: "1008901000000000000001",
      tdsp: "CENTERPOINT",
    });
  });

  it("rejects scientific notation with a sentence saying Excel lost the digits", () => {
    const result = normalizeEsiid("1.0089010238159e+21");
    expect(result.ok).toBe(false);
    expect(!result.ok && result.message).toContain("turned into a number by a spreadsheet");
  });

  it("accepts digits in no known layout but flags them", () => {
    expect(normalizeEsiid("10443720000000001001")).toEqual({
      ok: true,
      esiid: "10443720000000001001",
      tdsp: null,
      knownFormat: false,
    });
  });

  it("rejects blanks and non-digits", () => {
    expect(normalizeEsiid(" ' ").ok).toBe(false);
    expect(normalizeEsiid("ESI-123").ok).toBe(false);
  });
});

describe("tdspForEsiid", () => {
  it.each([
    ["10443720000000001", "ONCOR_ELEC"],
    ["10176990000000001", "ONCOR_ELEC"],
    ["1008901000000000000001", "CENTERPOINT"],
    ["10032789400250865", "AEP_CENTRAL"],
    ["10204049739986221", "AEP_NORTH"],
    ["10400511114390001", "TNMP"],
    ["100890100000000001", null],
    ["10443720000000001001", null],
  ])("maps %s to %s", (esiid, tdsp) => {
    expect(tdspForEsiid(esiid)).toBe(tdsp);
  });
});

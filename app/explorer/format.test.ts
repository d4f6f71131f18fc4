import { describe, expect, it } from "vitest";
import { bytesLabel, cellText, prettyJson, utcLabel } from "./format";

describe("cell display", () => {
  it("writes DateTime as the stored UTC instant", () => {
    expect(utcLabel("2026-03-08T07:15:00.5Z")).toBe("2026-03-08 07:15:00.5 UTC");
    expect(cellText("datetime", "2026-03-08T07:15:00Z")).toBe("2026-03-08 07:15:00 UTC");
  });

  it("keeps BigInt and Decimal exact", () => {
    expect(cellText("bigint", "9223372036854775807")).toBe("9223372036854775807");
    expect(cellText("decimal", "12345678.1234")).toBe("12345678.1234");
  });

  it("shows Bytes as size plus a hex preview", () => {
    expect(bytesLabel({ size: 3, hexPreview: "455349" })).toBe("3 B · 0x455349");
    expect(bytesLabel({ size: 4096, hexPreview: "00ff" })).toBe("4.0 KiB · 0x00ff…");
  });

  it("indents JSON without parsing it, so big numbers survive", () => {
    expect(prettyJson('{"a":[1,2],"big":12345678901234567890,"s":"x, {y}","e":{}}')).toBe(
      '{\n  "a": [\n    1,\n    2\n  ],\n  "big": 12345678901234567890,\n  "s": "x, {y}",\n  "e": {}\n}',
    );
  });

  it("says masked and truncated plainly", () => {
    expect(cellText("text", { masked: true })).toContain("masked");
    expect(cellText("text", { text: "abc", truncatedFrom: 900 })).toBe("abc… (900 characters)");
    expect(cellText("int", null)).toBe("null");
  });
});

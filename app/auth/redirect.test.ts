import { describe, expect, it } from "vitest";
import { safeRedirectPath } from "./operator.server";

describe("safeRedirectPath", () => {
  it("keeps on-portal paths with their query and hash", () => {
    expect(safeRedirectPath("/admin/ercot?run=3#files")).toBe("/admin/ercot?run=3#files");
    expect(safeRedirectPath("/admin/database/SmtIntervalDay")).toBe("/admin/database/SmtIntervalDay");
  });

  it("falls back for anything the URL parser sends elsewhere", () => {
    for (const target of [
      "//evil.example",
      "/\t/evil.example",
      "/\\evil.example",
      "/\\\\evil.example",
      "/\n/evil.example",
      "https://evil.example/",
      "javascript:alert(1)",
      "evil.example",
      "",
      null,
    ]) {
      expect(safeRedirectPath(target), JSON.stringify(target)).toBe("/admin");
    }
  });
});

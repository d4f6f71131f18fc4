import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { GENERATED_MODULE, renderSupportReference } from "../../scripts/smt/support-reference";

describe("app/smt/support-reference.generated.ts", () => {
  it("matches docs/ and scripts/ as they are now (regenerate with npx tsx scripts/smt/support-reference.ts)", async () => {
    expect(readFileSync(GENERATED_MODULE, "utf8")).toBe(await renderSupportReference());
  });
});

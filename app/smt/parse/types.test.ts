import { describe, expect, it } from "vitest";
import { ISSUE_LIST_LIMIT, IssueLog, inBatches, parseRun } from "./types";

/** `count` numbers in arrays of 7, as a parser hands them over. */
async function* numbers(count: number) {
  for (let i = 0; i < count; i += 7) yield Array.from({ length: Math.min(7, count - i) }, (_, j) => i + j);
}

describe("inBatches", () => {
  it("regroups arrays of rows into batches of the given size, the last one shorter", async () => {
    const batches: number[][] = [];
    for await (const batch of inBatches(numbers(12_001), 5000)) batches.push(batch);
    expect(batches.map((batch) => batch.length)).toEqual([5000, 5000, 2001]);
    expect(batches.flat()).toEqual(Array.from({ length: 12_001 }, (_, i) => i));
  });
});

describe("IssueLog", () => {
  it("keeps counting past the list limit so a garbage file cannot fill memory", () => {
    const issues = new IssueLog();
    for (let line = 1; line <= ISSUE_LIST_LIMIT + 5; line++) issues.error(line, "bad");
    expect(issues.counts()).toMatchObject({ errorCount: ISSUE_LIST_LIMIT + 5 });
    expect(issues.errors).toHaveLength(ISSUE_LIST_LIMIT);
  });

  it("warns once per key", () => {
    const issues = new IssueLog();
    issues.warnOnce("k", "first", 2);
    issues.warnOnce("k", "again", 3);
    expect(issues.warnings).toEqual([{ line: 2, message: "first" }]);
  });
});

describe("parseRun", () => {
  it("lets rows be read once and the summary only afterwards", async () => {
    const run = parseRun(
      () => numbers(3),
      () => "done",
    );
    expect(() => run.summary()).toThrow();
    for await (const _ of run.batches);
    expect(run.summary()).toBe("done");
    await expect(async () => {
      for await (const _ of run.batches);
    }).rejects.toThrow(/already been read/);
  });
});

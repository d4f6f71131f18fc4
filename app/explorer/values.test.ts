import { describe, expect, it } from "vitest";
import type { ExplorerColumn } from "./types";
import { valueProblem } from "./values";

function column(kind: ExplorerColumn["kind"], sqlType: string): ExplorerColumn {
  const base = {
    dbName: "c",
    nullable: true,
    masked: false,
    isPrimaryKey: false,
    leadsIndex: false,
    trigramIndexed: false,
  };
  return { ...base, name: "c", kind, sqlType, enumValues: kind === "enum" ? ["a", "b"] : null };
}

describe("values a column accepts", () => {
  it("keeps whole numbers inside the column's integer type", () => {
    expect(valueProblem(column("int", "integer"), "2147483647")).toBeNull();
    expect(valueProblem(column("int", "integer"), "2147483648")).toMatch(/out of range/);
    expect(valueProblem(column("int", "smallint"), "-32769")).toMatch(/out of range/);
    expect(valueProblem(column("bigint", "bigint"), "-9223372036854775808")).toBeNull();
    expect(valueProblem(column("bigint", "bigint"), "9223372036854775808")).toMatch(/out of range/);
    expect(valueProblem(column("int", "integer"), "1e10")).toMatch(/not a whole number/);
  });

  it("accepts only calendar dates and real times of day", () => {
    expect(valueProblem(column("date", "date"), "2024-02-29")).toBeNull();
    expect(valueProblem(column("date", "date"), "2026-02-29")).toMatch(/not a valid date/);
    expect(valueProblem(column("date", "date"), "2000-02-29")).toBeNull();
    expect(valueProblem(column("date", "date"), "1900-02-29")).toMatch(/not a valid date/);
    expect(valueProblem(column("date", "date"), "0000-01-01")).toMatch(/not a valid date/);
    expect(valueProblem(column("datetime", "timestamp(3) without time zone"), "2026-03-08T23:59:59.5Z")).toBeNull();
    expect(valueProblem(column("datetime", "timestamp(3) without time zone"), "2026-03-08T24:00")).toMatch(
      /not a valid date and time/,
    );
  });

  it("accepts PostgreSQL's float spellings and refuses overflow", () => {
    expect(valueProblem(column("float", "double precision"), "-Infinity")).toBeNull();
    expect(valueProblem(column("float", "double precision"), "1.5e300")).toBeNull();
    expect(valueProblem(column("float", "double precision"), "1e999")).toMatch(/out of range/);
    expect(valueProblem(column("float", "real"), "1e39")).toMatch(/out of range/);
  });

  it("refuses NUL characters, overlong values, unknown enum labels and malformed UUIDs", () => {
    expect(valueProblem(column("text", "text"), "a\0b")).toMatch(/NUL/);
    expect(valueProblem(column("text", "text"), "x".repeat(1001))).toMatch(/longer than 1000/);
    expect(valueProblem(column("enum", '"E"'), "c")).toMatch(/not one of a, b/);
    expect(valueProblem(column("text", "uuid"), "123")).toMatch(/not a UUID/);
    expect(valueProblem(column("text", "uuid"), "0e8a9d3c-5b1f-4c1e-9f0a-1234567890ab")).toBeNull();
  });
});

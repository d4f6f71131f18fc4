import { describe, expect, it } from "vitest";
import { parseClock, parseDecimal, parseLocalDate, parseLocalDateTime } from "./fields";

const limits = { integerDigits: 8, fractionDigits: 4 };

describe("fields", () => {
  it("reads portal, Excel and ISO dates and refuses impossible ones", () => {
    expect(parseLocalDate("03/09/2025")).toEqual({ year: 2025, month: 3, day: 9 });
    expect(parseLocalDate("3/9/2025")).toEqual({ year: 2025, month: 3, day: 9 });
    expect(parseLocalDate("2025-03-09")).toEqual({ year: 2025, month: 3, day: 9 });
    expect(parseLocalDate("02/29/2025")).toBeNull();
    expect(parseLocalDate("2025/03/09")).toBeNull();
    expect(parseLocalDate("10/01/0000")).toBeNull();
    expect(parseLocalDate("0099-10-01")).toBeNull();
  });

  it("reads HH:MM, H:MM, seconds, AM/PM and 24:00", () => {
    expect(parseClock("00:15")).toBe(900);
    expect(parseClock("7:43")).toBe(7 * 3600 + 43 * 60);
    expect(parseClock("06:21:01")).toBe(6 * 3600 + 21 * 60 + 1);
    expect(parseClock("12:05 AM")).toBe(300);
    expect(parseClock("1:00 PM")).toBe(13 * 3600);
    expect(parseClock("24:00")).toBe(86_400);
    expect(parseClock("24:15")).toBeNull();
    expect(parseClock("25:00")).toBeNull();
    expect(parseClock("09:60")).toBeNull();
    expect(parseClock("0a:15")).toBeNull();
    expect(parseClock("7.43")).toBeNull();
  });

  it("reads revision stamps with or without seconds", () => {
    expect(parseLocalDateTime("10/02/2025 06:21:01")).toEqual({
      date: { year: 2025, month: 10, day: 2 },
      secondOfDay: 22_861,
    });
    expect(parseLocalDateTime("5/14/2025 6:22")).toEqual({
      date: { year: 2025, month: 5, day: 14 },
      secondOfDay: 22_920,
    });
    expect(parseLocalDateTime("5/14/2025")).toBeNull();
  });

  it("keeps decimals exact as text without going through a float", () => {
    expect(parseDecimal(".198", limits)).toEqual({ value: "0.198" });
    expect(parseDecimal("0.430", limits)).toEqual({ value: "0.430" });
    expect(parseDecimal("1", limits)).toEqual({ value: "1" });
    expect(parseDecimal("+007.5", limits)).toEqual({ value: "7.5" });
    expect(parseDecimal("-0.000", limits)).toEqual({ value: "0.000" });
    expect(parseDecimal("12345678.1234", limits)).toEqual({ value: "12345678.1234" });
  });

  it("refuses text that is not a decimal or does not fit DECIMAL(12,4)", () => {
    expect(parseDecimal("1e-3", limits)).toHaveProperty("error");
    expect(parseDecimal(".", limits)).toHaveProperty("error");
    expect(parseDecimal("0.12345", limits)).toEqual({
      error: "0.12345 has more than 4 decimals and cannot be stored exactly",
    });
    expect(parseDecimal("123456789", limits)).toHaveProperty("error");
  });
});

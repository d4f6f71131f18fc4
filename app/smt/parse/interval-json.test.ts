import { describe, expect, it } from "vitest";
import { CENTERPOINT_ESIID, intervalJson } from "../../../tests/fixtures/smt/generate";
import type { IntervalRow } from "./interval";
import { parseIntervalJson } from "./interval-json";
import { HeaderError } from "./types";

async function parsePayload(payload: string) {
  const run = parseIntervalJson(payload);
  const rows: IntervalRow[] = [];
  for await (const batch of run.batches) rows.push(...batch);
  return { rows, summary: run.summary() };
}

const entry = (DT: string, RT: string, RD: string[], RevTS = "07/02/2019 00:20:05") => ({
  DT,
  RevTS,
  RT,
  RD: RD.join(","),
});
const payload = (...energyData: object[]) =>
  JSON.stringify({ data: { trans_id: "1", esiid: CENTERPOINT_ESIID, energyData } });
const normalSlots = (): string[] => Array.from({ length: 100 }, (_, slot) => (slot >= 8 && slot < 12 ? "" : ".198-A"));

describe("parseIntervalJson", () => {
  it("maps the 100 slots of an ordinary day to 96 intervals, slots 8–11 unused", async () => {
    const { rows, summary } = await parsePayload(payload(entry("07/01/2019", "C", normalSlots())));
    expect(rows).toHaveLength(96);
    expect(rows[0]).toMatchObject({
      esiid: CENTERPOINT_ESIID,
      channel: "consumption",
      kwh: "0.198",
      estimated: false,
      line: 1,
    });
    expect(rows[0].intervalStart.toISOString()).toBe("2019-07-01T05:00:00.000Z");
    expect(rows[8].intervalStart.toISOString()).toBe("2019-07-01T07:00:00.000Z"); // slot 12: 02:00 CDT
    expect(rows[0].revisionAt.toISOString()).toBe("2019-07-02T05:20:05.000Z");
    expect(summary).toMatchObject({ rowsRead: 96, rowsParsed: 96, rowsSkipped: 0, firstDay: "2019-07-01", errors: [] });
  });

  it("reads the generated payload: both DST days, a generation series, -E tokens", async () => {
    const { rows, summary } = await parsePayload(intervalJson());
    const fall = rows.filter(
      (row) =>
        row.intervalStart >= new Date("2025-11-02T05:00:00Z") && row.intervalStart < new Date("2025-11-03T06:00:00Z"),
    );
    expect(fall).toHaveLength(100);
    expect(new Set(fall.map((row) => row.intervalStart.getTime())).size).toBe(100);
    expect(fall[4].intervalStart.toISOString()).toBe("2025-11-02T06:00:00.000Z"); // slot 4: 01:00 CDT
    expect(fall[8].intervalStart.toISOString()).toBe("2025-11-02T07:00:00.000Z"); // slot 8: 01:00 CST
    const spring = rows.filter(
      (row) =>
        row.intervalStart >= new Date("2026-03-08T06:00:00Z") && row.intervalStart < new Date("2026-03-09T05:00:00Z"),
    );
    expect(spring).toHaveLength(92);
    expect(spring[8].intervalStart.toISOString()).toBe("2026-03-08T08:00:00.000Z"); // slot 16: 03:00 CDT
    expect(rows.filter((row) => row.channel === "generation")).toHaveLength(96);
    expect(rows.some((row) => row.estimated)).toBe(true);
    expect(summary.rowsSkipped).toBe(4);
    expect(summary.warnings.some((warning) => warning.message.includes("DST spring-forward day 2026-03-08"))).toBe(
      true,
    );
    expect(summary.errors).toEqual([]);
  });

  it("reads a blank slot as missing and keeps token decimals exact", async () => {
    const slots = normalSlots();
    slots[0] = "";
    slots[1] = "1.23-E";
    slots[2] = "0-A";
    const { rows } = await parsePayload(payload(entry("07/01/2019", "G", slots)));
    expect(rows.slice(0, 3).map((row) => [row.kwh, row.estimated, row.channel])).toEqual([
      [null, false, "generation"],
      ["1.23", true, "generation"],
      ["0", false, "generation"],
    ]);
  });

  it("keeps the latest RevTS when a day comes twice", async () => {
    const older = entry("07/01/2019", "C", normalSlots(), "07/02/2019 00:20:05");
    const newer = entry(
      "07/01/2019",
      "C",
      normalSlots().map((token) => token && ".3-A"),
      "07/03/2019 06:00:00",
    );
    const { rows, summary } = await parsePayload(payload(newer, older));
    expect(rows).toHaveLength(96);
    expect(rows.every((row) => row.kwh === "0.3")).toBe(true);
    expect(summary.rowsSkipped).toBe(96);
  });

  it("reports bad entries by their position in energyData", async () => {
    const slots = normalSlots();
    slots[9] = ".5-A";
    slots[20] = "abc-A";
    const { summary } = await parsePayload(
      payload(
        entry("07/01/2019", "C", slots),
        entry("13/01/2019", "C", normalSlots()),
        entry("07/02/2019", "X", normalSlots()),
        entry("07/03/2019", "C", ["1"]),
      ),
    );
    expect(summary.errors.map((error) => error.line)).toEqual([1, 1, 2, 3, 4]);
    expect(summary.errors[0].message).toContain("only used on the DST fall-back day");
    expect(summary.errors[4].message).toContain("has 1 slots");
  });

  it("refuses a negative slot", async () => {
    const slots = normalSlots();
    slots[0] = "-5.000-A";
    const { rows, summary } = await parsePayload(payload(entry("07/01/2019", "C", slots)));
    expect(summary.errors).toEqual([{ line: 1, message: expect.stringContaining("-5.000 is negative") }]);
    expect(rows).toHaveLength(95);
  });

  it("throws HeaderError for JSON of another shape or no JSON at all", async () => {
    await expect(parsePayload('{"dailyData":[]}')).rejects.toThrow(HeaderError);
    await expect(parsePayload("ESIID,USAGE_DATE")).rejects.toThrow(/not valid JSON/);
  });
});

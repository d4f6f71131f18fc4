import { describe, expect, it } from "vitest";
import type { ExplorerColumn, ExplorerModel } from "./types";
import { filterValueProblem, parseView, viewSearchParams } from "./view";

function column(name: string, kind: ExplorerColumn["kind"], extra: Partial<ExplorerColumn> = {}): ExplorerColumn {
  return {
    name,
    dbName: name,
    sqlType: "text",
    kind,
    nullable: true,
    masked: false,
    isPrimaryKey: false,
    leadsIndex: false,
    trigramIndexed: false,
    enumValues: null,
    ...extra,
  };
}

const rawFile: ExplorerModel = {
  name: "SmtRawFile",
  table: "SmtRawFile",
  primaryKey: ["id"],
  btreeIndexes: [["id"]],
  columns: [column("id", "int", { isPrimaryKey: true }), column("filename", "text"), column("head", "bytes")],
  relations: [],
};
// A hand-built per-interval table (not one of ours): datetime, boolean and masked columns and a composite key.
const interval: ExplorerModel = {
  name: "MeterReading",
  table: "MeterReading",
  primaryKey: ["esiid", "channel", "intervalStart"],
  btreeIndexes: [["esiid", "channel", "intervalStart"]],
  columns: [
    column("esiid", "text"),
    column("channel", "enum", { enumValues: ["consumption", "generation"] }),
    column("intervalStart", "datetime"),
    column("kwh", "decimal"),
    column("estimated", "boolean"),
    column("rawFileId", "int"),
    column("apiToken", "text", { masked: true }),
  ],
  relations: [
    { name: "rawFile", targetModel: "SmtRawFile", kind: "toOne", localFields: ["rawFileId"], remoteFields: ["id"] },
  ],
};
const lookup = (name: string) => [rawFile, interval].find((m) => m.name === name);

describe("view state in the URL", () => {
  it("reads sort, search, columns, paging and filters of every type", () => {
    const params = new URLSearchParams(
      "sort=kwh&dir=desc&q=1044&col=esiid&col=kwh&size=20&after=abc" +
        "&esiid.starts=1044&channel.eq=generation&intervalStart.gte=2026-01-01&intervalStart.lt=2026-01-02T06:00" +
        "&kwh.gte=0.5&kwh.lte=2&estimated.eq=true&rawFile.filename.contains=Interval&kwh.is=notnull",
    );
    const { view, problems } = parseView(params, interval, lookup);
    expect(problems).toEqual([]);
    expect(view).toMatchObject({
      sort: "kwh",
      dir: "desc",
      search: "1044",
      visible: ["esiid", "kwh"],
      pageSize: 20,
      after: "abc",
    });
    expect(view.filters).toHaveLength(9);
    expect(view.filters).toContainEqual({ relation: "rawFile", field: "filename", op: "contains", value: "Interval" });
    expect(new URLSearchParams(viewSearchParams(view)).getAll("col")).toEqual(["esiid", "kwh"]);
  });

  it("rejects values that do not fit the column type, and says why", () => {
    expect(filterValueProblem(column("kwh", "decimal"), "gte", "1e3")).toMatch(/not a decimal number/);
    expect(filterValueProblem(column("n", "bigint"), "eq", "12345678901234567890123")).toMatch(/out of range/);
    expect(filterValueProblem(column("n", "bigint"), "eq", "9223372036854775807")).toBeNull();
    expect(filterValueProblem(column("at", "datetime"), "gte", "yesterday")).toMatch(/not a valid date and time/);
    expect(filterValueProblem(column("flag", "boolean"), "eq", "yes")).toMatch(/choose true or false/);
    expect(filterValueProblem(interval.columns[1], "eq", "solar")).toMatch(
      /"solar" is not one of consumption, generation/,
    );
    expect(filterValueProblem(column("doc", "json"), "contains", "x")).toMatch(/does not apply/);
  });

  it("allows only null / not null on a masked column, and never sorts by it", () => {
    const { view, problems } = parseView(
      new URLSearchParams("apiToken.eq=abc&apiToken.is=null&sort=apiToken"),
      interval,
      lookup,
    );
    expect(view.filters).toEqual([{ relation: null, field: "apiToken", op: "is", value: "null" }]);
    expect(view.sort).toBeNull();
    expect(problems).toHaveLength(2);
  });

  it("ignores unknown columns and relations instead of failing", () => {
    const { view, problems } = parseView(
      new URLSearchParams("nope.eq=1&rawFile.nope.eq=1&missing.id.eq=1"),
      interval,
      lookup,
    );
    expect(view.filters).toEqual([]);
    expect(problems).toHaveLength(3);
  });

  it("turns an add-filter form submission into the canonical URL on the first page", () => {
    const { canonicalSearch } = parseView(
      new URLSearchParams("sort=kwh&after=xyz&addField=rawFile.id&addOp=eq&addValue=7"),
      interval,
      lookup,
    );
    expect(canonicalSearch).toBe("sort=kwh&rawFile.id.eq=7");
  });
});

import pg from "pg";
import { connectionConfig, databaseTargetFromEnv } from "~/db/connection.server";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { EXPORT_BATCH_ROWS, csvField, openExportStream } from "./export.server";
import { listModels } from "./models.server";
import { closeExplorerPool, explorerPool } from "./pool.server";
import type { ExplorerModel } from "./types";
import { parseView } from "./view";

let models: ExplorerModel[];
const lookup = (name: string) => models.find((m) => m.name === name);

async function exportText(modelName: string, search: string, format: "csv" | "json") {
  const model = lookup(modelName)!;
  const { view } = parseView(new URLSearchParams(search), model, lookup);
  const columns = view.visible ? model.columns.filter((c) => view.visible!.includes(c.name)) : model.columns;
  const stream = await openExportStream({ model, view, lookup, format, columns });
  return new Response(stream).text();
}

beforeAll(async () => {
  const client = new pg.Client(connectionConfig(databaseTargetFromEnv()));
  await client.connect();
  await client.query(`INSERT INTO "SmtRawFile" (id, sha256, filename, "sizeBytes", "storageKey", source, head, warnings)
                      VALUES (1, 'a', 'say "hi", then
leave.csv', 9223372036854775807, 'smt/one.csv', 'upload', '\\x00ff', '{"big": 12345678901234567890}')`);
  await client.query(
    `INSERT INTO "SmtIntervalDay" (esiid, channel, day, "dayStart", kwh, estimated, "revisionAt", "rawFileIds",
                                   "totalKwh", intervals, "rawFileId")
     SELECT '10443720000000001', 'consumption', '2000-01-01'::date + i, '2000-01-01 06:00'::timestamp + i * interval '1 day',
            ARRAY[round(i / 1000.0, 4)], ARRAY[false], ARRAY[NULL::timestamp], ARRAY[1], round(i / 1000.0, 4), 1, 1
       FROM generate_series(0, $1::int - 1) i`,
    [EXPORT_BATCH_ROWS * 3 + 17],
  );
  await client.end();
  models = await listModels();
});

afterAll(closeExplorerPool);

describe("export", () => {
  it("writes CSV with quoting, exact BigInt and hex Bytes", async () => {
    const csv = await exportText("SmtRawFile", "col=id&col=filename&col=sizeBytes&col=head&col=warnings", "csv");
    expect(csv).toBe(
      "id,filename,sizeBytes,head,warnings\r\n" +
        '1,"say ""hi"", then\nleave.csv",9223372036854775807,\\x00ff,"{""big"": 12345678901234567890}"\r\n',
    );
  });

  it("writes JSON with BigInt and Decimal as strings and stored JSON embedded as-is", async () => {
    const json = await exportText("SmtRawFile", "col=id&col=sizeBytes&col=warnings&col=receivedAt", "json");
    const parts = [
      String.raw`^\[\n\{"id":1,"sizeBytes":"9223372036854775807",`,
      String.raw`"receivedAt":"\d{4}-\d\d-\d\dT[\d:.]+Z","warnings":\{"big": 12345678901234567890\}\}\n\]\n$`,
    ];
    expect(json).toMatch(new RegExp(parts.join("")));
    expect(JSON.parse(json)[0].sizeBytes).toBe("9223372036854775807");
  });

  it("exports the current filtered, sorted view across many cursor batches", async () => {
    const csv = await exportText(
      "SmtIntervalDay",
      "sort=totalKwh&dir=desc&totalKwh.gte=1&col=day&col=totalKwh&after=ignored&page=3",
      "csv",
    );
    const lines = csv.trimEnd().split("\r\n");
    const expected = EXPORT_BATCH_ROWS * 3 + 17 - 1000;
    expect(lines[0]).toBe("day,totalKwh");
    expect(lines).toHaveLength(expected + 1);
    const day = (i: number) => new Date(Date.UTC(2000, 0, 1 + i)).toISOString().slice(0, 10);
    expect(lines[1]).toBe(`${day(EXPORT_BATCH_ROWS * 3 + 16)},${((EXPORT_BATCH_ROWS * 3 + 16) / 1000).toFixed(5)}`);
    expect(lines.at(-1)).toBe(`${day(1000)},1.00000`);
  });

  it("returns its connection when the download is cancelled", async () => {
    const model = lookup("SmtIntervalDay")!;
    const { view } = parseView(new URLSearchParams(), model, lookup);
    const stream = await openExportStream({ model, view, lookup, format: "json", columns: model.columns });
    const reader = stream.getReader();
    await reader.read();
    await reader.cancel();
    expect(explorerPool().totalCount - explorerPool().idleCount).toBe(0);
  });

  it("quotes only CSV fields that need it", () => {
    expect(csvField("plain")).toBe("plain");
    expect(csvField(" padded")).toBe('" padded"');
    expect(csvField({ masked: true })).toBe("[masked]");
    expect(csvField(null)).toBe("");
    expect(csvField("=1+1")).toBe("'=1+1");
    expect(csvField("-1.5", "decimal")).toBe("-1.5");
  });
});

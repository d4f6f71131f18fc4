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
    `INSERT INTO "SmtInterval" (esiid, channel, "intervalStart", kwh, "rawFileId")
     SELECT '10443720000000001', 'consumption', '2026-01-01'::timestamp + i * interval '15 minutes', round(i / 1000.0, 4), 1
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
      'id,filename,sizeBytes,head,warnings\r\n1,"say ""hi"", then\nleave.csv",9223372036854775807,\\x00ff,"{""big"": 12345678901234567890}"\r\n',
    );
  });

  it("writes JSON with BigInt and Decimal as strings and stored JSON embedded as-is", async () => {
    const json = await exportText("SmtRawFile", "col=id&col=sizeBytes&col=warnings&col=receivedAt", "json");
    expect(json).toMatch(
      /^\[\n\{"id":1,"sizeBytes":"9223372036854775807","receivedAt":"\d{4}-\d\d-\d\dT[\d:.]+Z","warnings":\{"big": 12345678901234567890\}\}\n\]\n$/,
    );
    expect(JSON.parse(json)[0].sizeBytes).toBe("9223372036854775807");
  });

  it("exports the current filtered, sorted view across many cursor batches", async () => {
    const csv = await exportText(
      "SmtInterval",
      "sort=kwh&dir=desc&kwh.gte=1&col=intervalStart&col=kwh&after=ignored&page=3",
      "csv",
    );
    const lines = csv.trimEnd().split("\r\n");
    const expected = EXPORT_BATCH_ROWS * 3 + 17 - 1000;
    expect(lines[0]).toBe("intervalStart,kwh");
    expect(lines).toHaveLength(expected + 1);
    expect(lines[1]).toBe(`2026-03-04T16:00:00Z,${((EXPORT_BATCH_ROWS * 3 + 16) / 1000).toFixed(4)}`);
    expect(lines.at(-1)).toBe("2026-01-11T10:00:00Z,1.0000");
  });

  it("returns its connection when the download is cancelled", async () => {
    const model = lookup("SmtInterval")!;
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
  });
});

import { describe, expect, it } from "vitest";
import {
  SUBSCRIPTION_FILE_NAME,
  intervalJson,
  monthlyBillingCsv,
  portalNormalCsv,
  zipBundle,
} from "../../../tests/fixtures/smt/generate";
import { detectSmtFile, kindFromName } from "./detect";

const head = (text: string | Buffer) => (typeof text === "string" ? Buffer.from(text) : text).subarray(0, 4096);

describe("kindFromName", () => {
  it.each([
    ["IntervalData.csv", "interval-csv"],
    ["IntervalData (1).csv", "interval-csv"],
    [SUBSCRIPTION_FILE_NAME, "interval-csv"],
    ["DailyMeterUsage20260115093012.CSV", "billing-csv"],
    ["DailyMeterUsage20260115093012.CSV.123456789", "zip"],
    ["Acme_MonthlyBilling_2026.csv", "billing-csv"],
    ["bundle.ZIP", "zip"],
    ["C:\\Users\\op\\intervalsynch.json", "interval-json"],
    ["notes.txt", "unknown"],
  ])("names %s as %s", (name, kind) => {
    expect(kindFromName(name)).toBe(kind);
  });
});

describe("detectSmtFile", () => {
  it("recognises each kind by content", async () => {
    expect(detectSmtFile("IntervalData.csv", head(portalNormalCsv())).kind).toBe("interval-csv");
    expect(detectSmtFile("x.json", head(intervalJson())).kind).toBe("interval-json");
    expect(detectSmtFile("x.csv", head(monthlyBillingCsv())).kind).toBe("billing-csv");
    expect(detectSmtFile("x.bin", head(await zipBundle())).kind).toBe("zip");
  });

  it("reads interval CSVs with a BOM, CRLF and an e-mail file name", () => {
    const text = `\uFEFF${portalNormalCsv().replace(/\n/g, "\r\n")}`;
    expect(detectSmtFile(SUBSCRIPTION_FILE_NAME, head(text))).toMatchObject({
      kind: "interval-csv",
      kindByName: "interval-csv",
    });
  });

  it("refuses bare CR line endings, which would read as one line", () => {
    const detection = detectSmtFile("IntervalData.csv", head(portalNormalCsv().replace(/\n/g, "\r")));
    expect(detection.kind).toBe("unknown");
    expect(detection.reason).toContain("bare CR (classic Mac line endings)");
    expect(detectSmtFile("IntervalData.csv", head("ESIID,USAGE_DATE\r")).reason).not.toContain("bare CR");
  });

  it("lets content win over the name and says so", () => {
    const detection = detectSmtFile("IntervalData.csv", head(monthlyBillingCsv()));
    expect(detection).toMatchObject({ kind: "billing-csv", kindByName: "interval-csv" });
    expect(detection.reason).toContain("the content decides");
  });

  it("says what was expected for an unknown file", () => {
    const detection = detectSmtFile("IntervalData.csv", head("name,amount\nx,1\n"));
    expect(detection.kind).toBe("unknown");
    expect(detection.reason).toMatch(
      /^The first line \("name,amount"\) is not a header this portal reads\. Expected an SMT 15-minute interval CSV/,
    );
  });

  it("asks for PGP deliveries to be decrypted first", () => {
    const detection = detectSmtFile(
      "DailyMeterUsage20260115093012.CSV.123456789.asc",
      head("-----BEGIN PGP MESSAGE-----\n\nhQEMA"),
    );
    expect(detection.kind).toBe("unknown");
    expect(detection.reason).toContain("Decrypt it");
  });

  it("falls back to the name only for an empty head", () => {
    expect(detectSmtFile("IntervalData.csv", Buffer.alloc(0)).kind).toBe("interval-csv");
    expect(detectSmtFile("x.dat", Buffer.alloc(0)).kind).toBe("unknown");
  });
});

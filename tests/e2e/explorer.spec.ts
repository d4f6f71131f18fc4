import { readFile } from "node:fs/promises";
import pg from "pg";
import { connectionConfig, DEFAULT_DATABASE_SCHEMA } from "../../app/db/connection.server";
import { seedDemo } from "../../scripts/db/seed-demo";
import { expect, test } from "./fixtures";

// More day rows than the exact-count limit, so the table uses keyset paging and an estimated count.
const DEMO_ROWS = 12_000;

test.beforeAll(async () => {
  const client = new pg.Client(
    connectionConfig({ url: process.env.E2E_DATABASE_URL!, schema: DEFAULT_DATABASE_SCHEMA }),
  );
  await client.connect();
  try {
    await seedDemo(client, DEMO_ROWS);
  } finally {
    await client.end();
  }
});

test("an operator filters, sorts, pages, follows a relation and exports CSV", async ({
  adminPage: page,
  portal,
}, testInfo) => {
  await page.goto(`${portal.baseUrl}/admin/database`);
  await expect(page.getByTestId("count-SmtIntervalDay")).toContainText("≈");
  await page.getByRole("link", { name: "SmtIntervalDay", exact: true }).click();
  await expect(page.getByRole("heading", { name: "SmtIntervalDay" })).toBeVisible();

  await page.getByLabel("Filter column").selectOption("esiid");
  await page.getByLabel("Filter operator").selectOption("starts");
  await page.getByLabel("Value").fill("1044372");
  await page.getByRole("button", { name: "Add filter" }).click();
  await expect(page).toHaveURL(/esiid\.starts=1044372/);
  await expect(page.getByRole("list", { name: "Active filters" })).toContainText("starts with");

  await page.getByRole("link", { name: "totalKwh", exact: true }).click();
  await expect(page).toHaveURL(/sort=totalKwh/);
  await page.getByRole("link", { name: "totalKwh ▲" }).click();
  await expect(page).toHaveURL(/sort=totalKwh&dir=desc/);
  await expect(page.getByRole("link", { name: "totalKwh ▼" })).toBeVisible();

  const firstRow = page.locator("table.explorer-table tbody tr").first();
  const firstPageText = (await firstRow.textContent())!;
  await page.getByRole("link", { name: "Next →" }).click();
  await expect(page).toHaveURL(/after=/);
  await expect(firstRow).not.toHaveText(firstPageText);
  await page.getByRole("link", { name: "← Previous" }).click();
  await expect(page).toHaveURL(/before=/);
  await expect(firstRow).toHaveText(firstPageText);
  await expect(page.getByText("← Previous")).not.toHaveAttribute("href");
  await page.screenshot({ path: testInfo.outputPath("explorer-table.png"), fullPage: true });

  const tableUrl = page.url();
  const esiidCells = page.locator("table.explorer-table tbody tr td:nth-child(2)");
  for (const text of await esiidCells.allInnerTexts()) expect(text).toMatch(/^1044372/);

  const rawFileLink = firstRow.locator("td").last().getByRole("link");
  await rawFileLink.click();
  await expect(page).toHaveURL(/\/admin\/database\/SmtRawFile\/row\?pk=/);
  await expect(page.getByRole("heading", { level: 1 })).toContainText("SmtRawFile");
  await expect(page.getByRole("region", { name: "Related intervalDays" })).toContainText("1044372");
  await page.screenshot({ path: testInfo.outputPath("explorer-row.png"), fullPage: true });

  await page.goto(tableUrl);
  const downloadPromise = page.waitForEvent("download");
  await page.getByRole("link", { name: "Export CSV" }).click();
  const download = await downloadPromise;
  expect(download.suggestedFilename()).toMatch(/^SmtIntervalDay-.*\.csv$/);
  const csv = (await readFile((await download.path())!, "utf8")).trimEnd().split("\r\n");
  expect(csv[0]).toBe(
    "esiid,channel,day,dayStart,kwh,estimated,revisionAt,rawFileIds,totalKwh,intervals,missing,estimatedCount,rawFileId",
  );
  expect(csv.length).toBeGreaterThan(1000);
  expect(csv.slice(1).every((line) => line.startsWith("1044372"))).toBe(true);
});

test("the table reads well and explains itself: sort state, counts, bad filters, columns, copy, phones", async ({
  adminPage: page,
  portal,
}, testInfo) => {
  await page.context().grantPermissions(["clipboard-read", "clipboard-write"], { origin: portal.baseUrl });
  await page.goto(`${portal.baseUrl}/admin/database/SmtIntervalDay?esiid.starts=1044372&sort=totalKwh&dir=desc`);

  // aria-sort sits on the column header, not on the link inside it.
  await expect(page.locator('th[aria-sort="descending"]')).toContainText("totalKwh");
  await expect(page.locator("a[aria-sort]")).toHaveCount(0);
  // Descending puts NULLs last, like ascending.
  const firstTotal = page.locator("table.explorer-table tbody tr").first().locator("td").nth(9);
  await expect(firstTotal).toHaveText(/^\d+\.\d+$/);

  // A filtered view says how many rows match, and the export buttons say how many they will write.
  await expect(page.getByTestId("row-count")).toContainText(/match/);
  await expect(page.getByRole("link", { name: /Export CSV \(.+ rows\)/ })).toBeVisible();

  // Identifiers are one line, cut with an ellipsis, and can be copied.
  const copy = page.getByRole("button", { name: "Copy esiid" }).first();
  await copy.click();
  await expect(page.getByRole("button", { name: "Copied esiid" })).toBeVisible();
  expect(await page.evaluate(() => navigator.clipboard.readText())).toMatch(/^1044372\d{10}$/);

  // A bad value typed in the filter bar gets the same sentence the URL gets, and stays there to be corrected.
  await page.getByLabel("Filter column").selectOption("day");
  await page.getByLabel("Filter operator").selectOption("gte");
  await page.getByLabel("Value").fill("2026-99-99");
  await page.getByRole("button", { name: "Add filter" }).click();
  await expect(page.getByRole("alert").filter({ hasText: 'day: "2026-99-99" is not a valid date' })).toBeVisible();
  await expect(page.getByLabel("Value")).toHaveValue("2026-99-99");

  // The Columns pop-up closes on Escape and on a click outside; hiding every column is refused with a reason.
  const columns = page.locator("details.explorer-columns");
  await page.getByText("Columns", { exact: true }).click();
  await expect(columns).toHaveAttribute("open", "");
  await page.keyboard.press("Escape");
  await expect(columns).not.toHaveAttribute("open", "");
  await page.getByText("Columns", { exact: true }).click();
  await page.getByRole("heading", { name: "SmtIntervalDay" }).click();
  await expect(columns).not.toHaveAttribute("open", "");
  await page.getByText("Columns", { exact: true }).click();
  for (const box of await columns.getByRole("checkbox").all()) await box.uncheck();
  const before = page.url();
  await page.getByRole("button", { name: "Show these columns" }).click();
  await expect(columns.getByRole("alert")).toHaveText("Keep at least one column visible.");
  expect(page.url()).toBe(before);

  // On a phone the page never scrolls sideways: the table scrolls inside its own container.
  await page.setViewportSize({ width: 390, height: 844 });
  await page.goto(`${portal.baseUrl}/admin/database/SmtIntervalDay`);
  const widths = await page.evaluate(() => {
    const scroller = document.querySelector(".explorer-scroll")!;
    return {
      page: document.documentElement.scrollWidth,
      viewport: document.documentElement.clientWidth,
      table: scroller.scrollWidth,
      container: scroller.clientWidth,
    };
  });
  expect(widths.page).toBeLessThanOrEqual(widths.viewport);
  expect(widths.table).toBeGreaterThan(widths.container);
  await page.screenshot({ path: testInfo.outputPath("explorer-390.png"), fullPage: true });
});

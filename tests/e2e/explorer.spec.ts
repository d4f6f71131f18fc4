import { readFile } from "node:fs/promises";
import pg from "pg";
import { connectionConfig, DEFAULT_DATABASE_SCHEMA } from "../../app/db/connection.server";
import { seedDemo } from "../../scripts/db/seed-demo";
import { expect, test } from "./fixtures";

// More rows than the exact-count limit, so the table uses keyset paging and an estimated count.
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
  await expect(page.getByTestId("count-SmtInterval")).toContainText("≈");
  await page.getByRole("link", { name: "SmtInterval", exact: true }).click();
  await expect(page.getByRole("heading", { name: "SmtInterval" })).toBeVisible();

  await page.getByLabel("Filter column").selectOption("esiid");
  await page.getByLabel("Filter operator").selectOption("starts");
  await page.getByLabel("Value").fill("1044372");
  await page.getByRole("button", { name: "Add filter" }).click();
  await expect(page).toHaveURL(/esiid\.starts=1044372/);
  await expect(page.getByRole("list", { name: "Active filters" })).toContainText("starts with");

  await page.getByRole("link", { name: "kwh", exact: true }).click();
  await expect(page).toHaveURL(/sort=kwh/);
  await page.getByRole("link", { name: "kwh ▲" }).click();
  await expect(page).toHaveURL(/sort=kwh&dir=desc/);
  await expect(page.getByRole("link", { name: "kwh ▼" })).toBeVisible();

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
  await expect(page.getByRole("region", { name: "Related intervals" })).toContainText("1044372");
  await page.screenshot({ path: testInfo.outputPath("explorer-row.png"), fullPage: true });

  await page.goto(tableUrl);
  const downloadPromise = page.waitForEvent("download");
  await page.getByRole("link", { name: "Export CSV" }).click();
  const download = await downloadPromise;
  expect(download.suggestedFilename()).toMatch(/^SmtInterval-.*\.csv$/);
  const csv = (await readFile((await download.path())!, "utf8")).trimEnd().split("\r\n");
  expect(csv[0]).toBe("esiid,channel,intervalStart,kwh,estimated,revisionAt,rawFileId");
  expect(csv.length).toBeGreaterThan(1000);
  expect(csv.slice(1).every((line) => line.startsWith("1044372"))).toBe(true);
});

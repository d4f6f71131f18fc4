import { ONCOR_ESIID, portalNormalCsv, portalSolarCsv } from "../fixtures/smt/generate";
import { expect, test } from "./fixtures";

test("an operator drops SMT files, reads each result and sees the usage chart", async ({
  adminPage: page,
  portal,
}, testInfo) => {
  await page.goto(`${portal.baseUrl}/admin/smt`);
  await expect(page.getByRole("heading", { name: "Smart Meter Texas" })).toBeVisible();

  // Drag and drop: a DataTransfer built in the page, dropped on the zone.
  const files = [
    { name: "IntervalData.csv", text: portalNormalCsv("2025-09-25", 3) },
    { name: "solar.csv", text: portalSolarCsv("block-per-day", "2025-09-26", 2) },
    { name: "broken.csv", text: portalNormalCsv("2025-09-01", 1).replace(/,A,Consumption\n/, ",Z,Consumption\n") },
  ];
  const dataTransfer = await page.evaluateHandle((entries) => {
    const transfer = new DataTransfer();
    for (const entry of entries) transfer.items.add(new File([entry.text], entry.name, { type: "text/csv" }));
    return transfer;
  }, files);
  await page.locator(".dropzone").dispatchEvent("drop", { dataTransfer });
  await expect(page.getByRole("list", { name: "Files to upload" }).getByRole("listitem")).toHaveCount(3);

  await page.getByRole("button", { name: "Upload" }).click();
  const interval = page.getByRole("article", { name: "Result for IntervalData.csv" });
  await expect(interval).toBeVisible();
  await expect(interval.locator('[data-count="inserted"]')).toHaveText("288");
  await expect(interval).toContainText("2025-09-25 – 2025-09-27");
  await expect(interval).toContainText(ONCOR_ESIID);

  const broken = page.getByRole("article", { name: "Result for broken.csv" });
  await expect(broken).toHaveAttribute("data-status", "failed");
  await expect(broken).toContainText("line 2:");
  await expect(broken).toContainText("should be A (actual) or E (estimated)");
  await expect(broken).toContainText("no rows from this file were written");

  // The page revalidates after the upload: the recent list and the chart show the new data.
  await expect(page.getByRole("table", { name: "Recent SMT files" })).toContainText("solar.csv");
  const chart = page.getByRole("img", { name: `Daily kWh for ESIID ${ONCOR_ESIID}, 2025-09-25 to 2025-09-27` });
  await expect(chart).toBeVisible();
  await expect(chart.locator("rect.generation")).toHaveCount(2);
  await expect(chart.locator("rect.consumption")).toHaveCount(3);
  await page.screenshot({ path: testInfo.outputPath("smt-upload.png"), fullPage: true });

  // Uploading the same file again is recognised by its SHA-256.
  await page
    .locator('input[type="file"][name="file"]')
    .setInputFiles({ name: "IntervalData (1).csv", mimeType: "text/csv", buffer: Buffer.from(files[0].text) });
  await page.getByRole("button", { name: "Upload" }).click();
  const again = page.getByRole("article", { name: "Result for IntervalData.csv" });
  await expect(again).toContainText("duplicate");
  await expect(again).toContainText("already received");
  // The first read's counts are not shown as if fresh, and the chosen file is cleared after the answer.
  await expect(again.locator("[data-count]")).toHaveCount(0);
  await expect(page.locator('input[type="file"][name="file"]')).toHaveValue("");
  // With nothing chosen the browser refuses the post.
  await page.getByRole("button", { name: "Upload" }).click();
  expect(
    await page
      .locator('input[type="file"][name="file"]')
      .evaluate((input: HTMLInputElement) => input.validity.valueMissing),
  ).toBe(true);
});

test("the SMT support reference shows the contacts, the rules and the smoke tests", async ({
  adminPage: page,
  portal,
}, testInfo) => {
  await page.goto(`${portal.baseUrl}/admin/smt`);
  // Click only once hydrated: an early click can land on markup React is about to replace.
  await page.waitForLoadState("networkidle");
  await page.getByRole("link", { name: "SMT support reference" }).click();
  await expect(page).toHaveURL(/\/admin\/smt\/support$/);
  await page.waitForLoadState("networkidle");
  const contacts = page.getByRole("region", { name: "SMT support contacts" });
  await expect(contacts).toContainText("support@smartmetertexas.com");
  await expect(contacts).toContainText("DUNS: 134642921");
  await expect(contacts).toContainText("Do NOT use personal phone numbers");
  await expect(page.getByLabel("Bash inline-post snippet")).toContainText("/api/admin/smt/pull");
  await page.getByRole("link", { name: "scripts/admin/test_webhook.sh" }).click();
  await expect(page.locator("#test-webhook pre")).toContainText('{"mode":"ping"}');
  await page.screenshot({ path: testInfo.outputPath("smt-support.png"), fullPage: true });
});

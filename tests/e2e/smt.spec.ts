import { ONCOR_ESIID, portalNormalCsv, portalSolarCsv } from "../fixtures/smt/generate";
import type { Page } from "@playwright/test";
import { expect, test, type PortalFixture } from "./fixtures";

test("an operator drops SMT files, reads each result and sees the usage chart", async ({
  adminPage: page,
  portal,
}, testInfo) => {
  await page.goto(`${portal.baseUrl}/admin/smt`);
  await expect(page.getByRole("heading", { name: "Smart Meter Texas" })).toBeVisible();
  await expect(page.locator(".smt-upload")).toContainText("Up to 20 files at once");

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
  // The result card downloads the file exactly as it was sent.
  const [download] = await Promise.all([
    page.waitForEvent("download"),
    interval.getByRole("link", { name: "Download the raw file" }).click(),
  ]);
  expect(download.suggestedFilename()).toBe("IntervalData.csv");
  const { readFile } = await import("node:fs/promises");
  expect(await readFile(await download.path(), "utf8")).toBe(files[0].text);
  // So does the file's row page in the database explorer (opened beside, keeping this page's results).
  const explorer = await page.context().newPage();
  await explorer.goto(
    `${portal.baseUrl}${await interval.getByRole("link", { name: "its SmtRawFile row" }).getAttribute("href")}`,
  );
  await explorer.locator("a[href*='/row?pk=']").first().click();
  await expect(explorer.getByRole("link", { name: "Download the raw file" })).toHaveAttribute(
    "href",
    /^\/admin\/smt\/files\/\d+$/,
  );
  await explorer.close();

  const broken = page.getByRole("article", { name: "Result for broken.csv" });
  await expect(broken).toHaveAttribute("data-status", "failed");
  await expect(broken).toContainText("line 2:");
  await expect(broken).toContainText("should be A (actual) or E (estimated)");
  await expect(broken).toContainText("no rows from this file were written");

  // The page revalidates after the upload: the recent list and the chart show the new data.
  await expect(page.getByRole("table", { name: "Recent SMT files" })).toContainText("solar.csv");
  // The newest meter is charted over the last 30 days of its data.
  const chart = page.getByRole("img", { name: `Daily kWh for ESIID ${ONCOR_ESIID}, 2025-08-29 to 2025-09-27` });
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
  // Phone numbers dial; the deprecated address is named but never offered as a link.
  await expect(contacts.getByRole("link", { name: "1-844-217-8595" })).toHaveAttribute("href", "tel:+18442178595");
  await expect(contacts.getByRole("link", { name: "817-471-0579" })).toHaveAttribute("href", "tel:+18174710579");
  await expect(contacts).toContainText("smt.operational.support@smartmetertexas.com");
  await expect(contacts.getByRole("link", { name: /smt\.operational\.support/ })).toHaveCount(0);
  await expect(contacts.getByRole("link", { name: "support@smartmetertexas.com" })).toHaveAttribute(
    "href",
    "mailto:support@smartmetertexas.com",
  );
  await expect(page.getByLabel("Bash inline-post snippet")).toContainText("/api/admin/smt/pull");
  await page.getByRole("link", { name: "scripts/admin/test_webhook.sh" }).click();
  await expect(page.locator("#test-webhook pre")).toContainText('{"mode":"ping"}');
  await page.screenshot({ path: testInfo.outputPath("smt-support.png"), fullPage: true });
});

/** A meter of its own, with a gap: 2025-08-01 and 08-02, then nothing until 08-10. */
const GAP_ESIID = "10443720000000555";

async function postFile(portal: PortalFixture, filename: string, text: string) {
  const body = new FormData();
  body.append("file", new Blob([text], { type: "text/csv" }), filename);
  const response = await fetch(`${portal.baseUrl}/api/admin/smt/pull`, {
    method: "POST",
    headers: { "x-intelliwatt-secret": portal.webhookSecret },
    body,
  });
  expect(response.status).toBe(200);
}

const barX = (page: Page, day: string) =>
  page.locator(`.usage-chart g[data-day="${day}"] rect.consumption`).evaluate((rect) => Number(rect.getAttribute("x")));

test("the SMT page charts one meter at a time, picked by keyboard, over a date range kept in the URL", async ({
  adminPage: page,
  portal,
}, testInfo) => {
  await postFile(portal, "gap-a.csv", portalNormalCsv("2025-08-01", 2, GAP_ESIID));
  await postFile(portal, "gap-b.csv", portalNormalCsv("2025-08-10", 1, GAP_ESIID));
  await page.goto(`${portal.baseUrl}/admin/smt`);
  await page.waitForLoadState("networkidle");
  // One chart, however many meters; the recent files sit right under it.
  await expect(page.locator(".usage-chart")).toHaveCount(1);

  // Keyboard only: choose the meter, then Tab to "Show meter" and press Enter.
  const picker = page.getByLabel("ESIID", { exact: true });
  await picker.focus();
  await picker.selectOption(GAP_ESIID);
  await page.keyboard.press("Tab");
  await expect(page.getByRole("button", { name: "Show meter" })).toBeFocused();
  await page.keyboard.press("Enter");
  await expect(page).toHaveURL(new RegExp(`esiid=${GAP_ESIID}`));
  const chart = page.getByRole("img", { name: `Daily kWh for ESIID ${GAP_ESIID}, 2025-07-12 to 2025-08-10` });
  await expect(chart).toBeVisible();
  await expect(chart.locator("g[data-day]")).toHaveCount(3);

  // A time axis: the seven empty days between 08-02 and 08-10 take their room, so the gap shows as a gap.
  const slot = (await barX(page, "2025-08-02")) - (await barX(page, "2025-08-01"));
  expect(slot).toBeGreaterThan(0);
  expect((await barX(page, "2025-08-10")) - (await barX(page, "2025-08-02"))).toBeCloseTo(8 * slot, 3);

  // The chart is reached by keyboard and described in words, with its numbers in a table for screen readers.
  const figure = page.getByRole("figure", { name: `Usage chart for ESIID ${GAP_ESIID}` });
  await expect(figure).toHaveAttribute("tabindex", "0");
  await expect(figure).toHaveAccessibleDescription(
    /2025-07-12 to 2025-08-10: .* kWh consumed on 3 of 30 days with data, peak .* kWh on 2025-08-\d\d\./,
  );
  await expect(figure.getByRole("table", { name: `Daily kWh for ESIID ${GAP_ESIID}` }).locator("tbody tr")).toHaveCount(
    3,
  );
  await page.getByRole("link", { name: "Last 30 days of data" }).focus();
  await page.keyboard.press("Tab");
  await expect(figure).toBeFocused();

  // A chosen range is a deep link: it survives a reload and is drawn on its own days.
  await page.getByLabel("From", { exact: true }).fill("2025-08-02");
  await page.getByLabel("To", { exact: true }).fill("2025-08-12");
  await page.getByRole("button", { name: "Show range" }).click();
  await expect(page).toHaveURL(/from=2025-08-02&to=2025-08-12/);
  await page.reload();
  const ranged = page.getByRole("img", { name: `Daily kWh for ESIID ${GAP_ESIID}, 2025-08-02 to 2025-08-12` });
  await expect(ranged.locator("g[data-day]")).toHaveCount(2);
  // Recent files follow the one chart, not a stack of charts (twelve of them put it at 4,282 px).
  const recentTop = (await page.getByRole("heading", { name: "Recent files" }).boundingBox())!.y;
  expect(recentTop).toBeLessThan(1200);
  await page.screenshot({ path: testInfo.outputPath("smt-picker.png"), fullPage: true });

  // A range that cannot be read says so, and the chart falls back to the last 30 days.
  await page.goto(`${portal.baseUrl}/admin/smt?esiid=${GAP_ESIID}&from=2025-08-12&to=2025-08-01`);
  await expect(page.getByRole("alert")).toHaveText("The range starts after it ends; showing the last 30 days.");
  await expect(page.getByRole("img", { name: /2025-07-12 to 2025-08-10/ })).toBeVisible();
});

test("the upload shows the browser's byte progress, then the answer, and clears the chosen file", async ({
  adminPage: page,
  portal,
}) => {
  await page.goto(`${portal.baseUrl}/admin/smt`);
  await page.waitForLoadState("networkidle");
  // About 1.7 MB at 400 KB/s: seconds of upload to watch.
  const text = portalNormalCsv("2024-01-01", 300, "10443720000000556");
  const cdp = await page.context().newCDPSession(page);
  await cdp.send("Network.enable");
  await cdp.send("Network.emulateNetworkConditions", {
    offline: false,
    latency: 0,
    downloadThroughput: -1,
    uploadThroughput: 400 * 1024,
  });
  await page
    .locator('input[type="file"][name="file"]')
    .setInputFiles({ name: "long.csv", mimeType: "text/csv", buffer: Buffer.from(text) });
  await page.getByRole("button", { name: "Upload" }).click();

  const progress = page.getByRole("progressbar", { name: "Upload progress" });
  await expect(progress).toBeVisible();
  await expect(progress).toHaveAttribute("aria-valuetext", /^([1-9]|[1-9]\d)% · .* of .* sent$/);
  await expect(page.locator(".upload-progress")).toContainText(/\d+% · /);
  await cdp.send("Network.emulateNetworkConditions", {
    offline: false,
    latency: 0,
    downloadThroughput: -1,
    uploadThroughput: -1,
  });

  const result = page.getByRole("article", { name: "Result for long.csv" });
  await expect(result).toHaveAttribute("data-status", "parsed", { timeout: 30_000 });
  await expect(progress).toHaveCount(0);
  await expect(page.locator('input[type="file"][name="file"]')).toHaveValue("");
  // The page revalidates after the answer (a loader run, slow on a loaded machine).
  await expect(page.getByRole("table", { name: "Recent SMT files" })).toContainText("long.csv", { timeout: 30_000 });
});

test("without JavaScript the upload form still posts and shows its result", async ({ browser, portal }) => {
  test.setTimeout(120_000);
  const context = await browser.newContext({ javaScriptEnabled: false });
  const page = await context.newPage();
  try {
    await page.goto(`${portal.baseUrl}/login?redirectTo=%2Fadmin%2Fsmt`);
    await page.getByLabel("Admin token").fill(portal.adminToken);
    await page.getByRole("button", { name: "Sign in" }).click();
    await expect(page).toHaveURL(/\/admin\/smt$/);
    await page.locator('input[type="file"][name="file"]').setInputFiles({
      name: "nojs.csv",
      mimeType: "text/csv",
      buffer: Buffer.from(portalNormalCsv("2024-03-01", 1, "10443720000000557")),
    });
    await page.getByRole("button", { name: "Upload" }).click();
    await expect(page.getByRole("article", { name: "Result for nojs.csv" })).toHaveAttribute("data-status", "parsed");
  } finally {
    await context.close();
  }
});

test("a raw SMT file is only for a signed-in operator", async ({ portal }) => {
  const anonymous = await fetch(`${portal.baseUrl}/admin/smt/files/1`, { redirect: "manual" });
  expect(anonymous.status).toBe(302);
  expect(anonymous.headers.get("location")).toMatch(/^\/login\?redirectTo=%2Fadmin%2Fsmt%2Ffiles%2F1$/);
});

test("a raw SMT file that does not exist answers 404 with a sentence", async ({ adminPage: page, portal }) => {
  const response = await page.request.get(`${portal.baseUrl}/admin/smt/files/999999`);
  expect(response.status()).toBe(404);
  expect(await response.text()).toContain("There is no SMT file with that id.");
});

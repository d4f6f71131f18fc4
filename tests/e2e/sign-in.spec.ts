import { expect, signIn, test } from "./fixtures";

test("an operator signs in, sees every health panel and signs out", async ({ page, portal }, testInfo) => {
  await page.goto(`${portal.baseUrl}/admin`);
  await expect(page).toHaveURL(/\/login\?redirectTo=%2Fadmin/);

  await page.getByLabel("Admin token").fill("not-the-token");
  await page.getByRole("button", { name: "Sign in" }).click();
  await expect(page.getByRole("alert")).toHaveText("Sign-in failed.");

  await signIn(page, portal);
  await expect(page.getByRole("heading", { name: "Dashboard" })).toBeVisible();
  for (const title of [
    "Database",
    "Storage",
    "ERCOT EWS (mutual TLS)",
    "ERCOT Public API",
    "ERCOT scraping",
    "Cron",
    "SMT webhook",
  ]) {
    await expect(page.getByRole("heading", { name: title, exact: true })).toBeVisible();
  }
  const database = page.locator('[data-panel="database"]');
  await expect(database.locator("[data-status]")).toHaveText("ok");
  await expect(database).toContainText("****");
  await expect(page.locator("body")).not.toContainText(portal.adminToken);
  await expect(page.locator("body")).not.toContainText(portal.cronSecret);
  await page.screenshot({ path: testInfo.outputPath("dashboard.png"), fullPage: true });

  await page.getByRole("button", { name: "Sign out" }).click();
  await expect(page).toHaveURL(/\/login$/);
  await page.goto(`${portal.baseUrl}/admin`);
  await expect(page).toHaveURL(/\/login/);
});

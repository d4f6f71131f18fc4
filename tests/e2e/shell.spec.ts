import { expect, signIn, test } from "./fixtures";

// Issue 15, the shell and the dashboard: what an operator using the keyboard, or reading times, meets first.

/** WCAG relative-luminance contrast of two rgb() colours. */
function contrast(foreground: string, background: string): number {
  const luminance = (color: string) => {
    const [r, g, b] = color
      .match(/\d+(\.\d+)?/g)!
      .slice(0, 3)
      .map(Number);
    const channel = (value: number) => {
      const s = value / 255;
      return s <= 0.03928 ? s / 12.92 : ((s + 0.055) / 1.055) ** 2.4;
    };
    return 0.2126 * channel(r) + 0.7152 * channel(g) + 0.0722 * channel(b);
  };
  const [light, dark] = [luminance(foreground), luminance(background)].sort((a, b) => b - a);
  return (light + 0.05) / (dark + 0.05);
}

test("after a refused sign-in, focus is back in the token field", async ({ page, portal }) => {
  await page.goto(`${portal.baseUrl}/login`);
  await page.getByLabel("Admin token").fill("not-the-token");
  await page.getByLabel("Admin token").press("Enter");
  await expect(page.getByRole("alert")).toHaveText("Sign-in failed.");
  await expect(page.getByLabel("Admin token")).toBeFocused();
  await page.getByRole("button", { name: "Sign in" }).click();
  await expect(page.getByRole("alert")).toBeVisible();
  await expect(page.getByLabel("Admin token")).toBeFocused();
});

test("a skip link is the first stop and lands in the main content", async ({ page, portal }) => {
  await signIn(page, portal);
  await page.goto(`${portal.baseUrl}/admin`);
  await page.keyboard.press("Tab");
  const skip = page.getByRole("link", { name: "Skip to main content" });
  await expect(skip).toBeFocused();
  await expect(skip).toBeVisible();
  await page.keyboard.press("Enter");
  await expect(page.locator("main")).toBeFocused();
});

test("the portal has a favicon and the 404 page says so in its title", async ({ page, portal }) => {
  await page.goto(`${portal.baseUrl}/login`);
  const icon = await page.locator('link[rel="icon"]').getAttribute("href");
  expect(icon).toBeTruthy();
  expect((await page.request.get(`${portal.baseUrl}${icon}`)).status()).toBe(200);

  await page.goto(`${portal.baseUrl}/no-such-page`);
  await expect(page).toHaveTitle(/^Page not found/);
  await signIn(page, portal);
  await page.goto(`${portal.baseUrl}/admin/no-such-section`);
  await expect(page).toHaveTitle(/^Page not found/);
});

test("dashboard badges are readable and times read in Central time with UTC on hover", async ({ page, portal }) => {
  await signIn(page, portal);
  for (const badge of await page.locator(".badge").all()) {
    const colors = await badge.evaluate((el) => [getComputedStyle(el).color, getComputedStyle(el).backgroundColor]);
    expect(contrast(colors[0], colors[1]), `${await badge.textContent()} ${colors}`).toBeGreaterThanOrEqual(4.5);
  }
  const checked = page.locator("main time").first();
  await expect(checked).toHaveText(/^\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2} C[SD]T$/);
  await expect(checked).toHaveAttribute("title", /^\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2} UTC$/);

  await page.goto(`${portal.baseUrl}/admin/ercot`);
  await expect(page.locator("main")).toContainText(/\b(06:00 CST|07:00 CDT) \(12:00 UTC\)/);
});

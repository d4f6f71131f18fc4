import AxeBuilder from "@axe-core/playwright";
import { createFakeErcotPki } from "../fakes/ercot/pki";
import { startPortal, type RunningPortal } from "../support/portal-server";
import { expect, signIn, test } from "./fixtures";

// A portal with EWS fully configured: PEM certificates (with literal \n, as one-line secrets are written),
// a CA bundle and a long base URL — the values that used to wrap one letter per line and fill the screen.
let portal: RunningPortal;
const pki = createFakeErcotPki();
const oneLine = (pem: string) => pem.trim().replace(/\r?\n/g, "\\n");

test.beforeAll(async () => {
  portal = await startPortal({
    env: {
      DATABASE_URL: process.env.E2E_DATABASE_URL,
      PORTAL_DATABASE_MODE: "external",
      ADMIN_TOKEN: "e2e-admin-token-0123456789abcdef",
      ERCOT_SCHEDULE_ENABLED: "false",
      ERCOT_EWS_BASE: `https://ews.example.invalid/${"very-long-path-segment/".repeat(8)}`,
      ERCOT_EWS_CERT: oneLine(pki.apiClient.certPem),
      ERCOT_EWS_KEY: oneLine(pki.apiClient.keyPem),
      ERCOT_EWS_CA: oneLine(pki.ca.certPem + pki.server.certPem),
    },
  });
});
test.afterAll(async () => {
  await portal?.stop();
});

for (const viewport of [
  { width: 1280, height: 800 },
  { width: 390, height: 844 },
]) {
  test(`the dashboard panels fit a ${viewport.width} px screen and show certificates, not PEM`, async ({
    page,
  }, testInfo) => {
    await page.setViewportSize(viewport);
    await signIn(page, { baseUrl: portal.baseUrl, adminToken: portal.adminToken } as never);
    const ews = page.locator('[data-panel="ercot-ews"]');
    await expect(ews).toBeVisible();

    await expect(page.locator("body")).not.toContainText("BEGIN CERTIFICATE");
    await expect(page.locator("body")).not.toContainText("PRIVATE KEY");
    const cert = ews.locator('[data-variable="ERCOT_EWS_CERT"]');
    await expect(cert).toContainText("OU=API_TESTUSER");
    await expect(cert).toContainText("CN=Fake ERCOT Root CA");
    await expect(cert.locator("time")).toHaveText(/\d{4}-\d{2}-\d{2} \d{2}:\d{2} C[SD]T/);
    await expect(ews.locator('[data-variable="ERCOT_EWS_CA"] [data-certificate]')).toHaveCount(2);

    // The page never scrolls sideways, and no panel is wider than its grid cell.
    const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
    expect(overflow).toBeLessThanOrEqual(0);
    for (const panel of await page.locator("[data-panel]").all()) {
      const widths = await panel.evaluate((el) => ({ scroll: el.scrollWidth, client: el.clientWidth }));
      expect(widths.scroll).toBeLessThanOrEqual(widths.client);
    }
    // Variable names read as words: each fits on at most two lines, never one letter per line.
    for (const name of await ews.locator(".variable-name").all()) {
      const box = await name.boundingBox();
      const lineHeight = await name.evaluate((el) => parseFloat(getComputedStyle(el).lineHeight) || 16);
      expect(box!.height).toBeLessThanOrEqual(lineHeight * 2 + 1);
    }
    // Panels are reachable by keyboard: the index links move focus into each panel.
    await page
      .getByRole("navigation", { name: "Health panels" })
      .getByRole("link", { name: /ERCOT EWS/ })
      .focus();
    await page.keyboard.press("Enter");
    await expect(ews).toBeFocused();
    // Every panel is in the Tab order, named by its title and described in one sentence.
    await expect(ews).toHaveAttribute("tabindex", "0");
    await expect(ews).toHaveAccessibleName(/ERCOT EWS/);
    await expect(ews).toHaveAccessibleDescription(/^Status \w+\. Mode: .+\. \d+ variables?[.;]/);
    await page.keyboard.press("Shift+Tab");
    await page.keyboard.press("Tab");
    await expect(ews).toBeFocused();

    const { violations } = await new AxeBuilder({ page }).analyze();
    const serious = violations.filter((v) => v.impact === "serious" || v.impact === "critical");
    expect(serious.map((v) => `${v.id}: ${v.nodes.map((n) => n.target.join(" ")).join(", ")}`)).toEqual([]);

    await page.screenshot({ path: testInfo.outputPath(`dashboard-${viewport.width}.png`), fullPage: true });
  });
}

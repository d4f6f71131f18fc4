import { expect, signIn, test } from "./fixtures";

// The CSP must not break the app: Remix's nonced inline scripts run, hydration happens, nothing is blocked.
test("every operator page runs under the CSP without a violation or console error", async ({ page, portal }) => {
  const problems: string[] = [];
  page.on("console", (message) => {
    if (message.type() === "error") problems.push(`${page.url()}: ${message.text()}`);
  });
  page.on("pageerror", (error) => problems.push(`${page.url()}: ${error.message}`));
  await page.addInitScript(() => {
    document.addEventListener("securitypolicyviolation", (event) =>
      console.error(`CSP violation: ${event.violatedDirective} ${event.blockedURI}`),
    );
  });

  const response = await page.goto(`${portal.baseUrl}/login`);
  expect(response?.headers()["content-security-policy"]).toContain("'nonce-");
  await signIn(page, portal);
  for (const path of ["/admin", "/admin/ercot", "/admin/database", "/admin/smt"]) {
    await page.goto(`${portal.baseUrl}${path}`);
    await page.waitForLoadState("networkidle");
  }
  // Client-side navigation proves the scripts ran and hydrated.
  await page.getByRole("navigation", { name: "Sections" }).getByRole("link", { name: "Dashboard" }).click();
  await expect(page.getByRole("heading", { name: "Dashboard" })).toBeVisible();
  expect(await page.evaluate(() => "__remixContext" in window)).toBe(true);
  expect(problems).toEqual([]);
});

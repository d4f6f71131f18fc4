import AxeBuilder from "@axe-core/playwright";
import type { Page } from "@playwright/test";
import pg from "pg";
import { connectionConfig, DEFAULT_DATABASE_SCHEMA } from "../../app/db/connection.server";
import { portalNormalCsv } from "../fixtures/smt/generate";
import { expect, signIn, test, type PortalFixture } from "./fixtures";

const EVERY_PAGE_ESIID = "10443720000000777";

const VIEWPORTS = [
  { name: "desktop", width: 1280, height: 800 },
  { name: "phone", width: 390, height: 844 },
] as const;

/** Data on every page: one ERCOT run with its files, and one SMT file with intervals. */
async function seed(portal: PortalFixture) {
  const run = await fetch(`${portal.baseUrl}/api/admin/ercot/cron`, {
    method: "POST",
    headers: { Authorization: `Bearer ${portal.cronSecret}` },
  });
  expect([200, 502]).toContain(run.status);
  const body = new FormData();
  // A meter of its own: the SMT spec shares this database and charts ONCOR_ESIID's days exactly.
  const csv = portalNormalCsv("2025-10-01", 3, EVERY_PAGE_ESIID);
  body.append("file", new Blob([csv], { type: "text/csv" }), "IntervalData.csv");
  const upload = await fetch(`${portal.baseUrl}/api/admin/smt/pull`, {
    method: "POST",
    headers: { "x-intelliwatt-secret": portal.webhookSecret },
    body,
  });
  expect(upload.status).toBe(200);
}

/** A premise the seed's ERCOT run applied (the run applies what it stores before it answers). */
async function seededPremise(portal: PortalFixture): Promise<string> {
  const client = new pg.Client(connectionConfig({ url: portal.databaseUrl, schema: DEFAULT_DATABASE_SCHEMA }));
  await client.connect();
  try {
    const { rows } = await client.query<{ esiid: string }>(
      `SELECT "esiid" FROM "EsiidPremise" ORDER BY "esiid" LIMIT 1`,
    );
    expect(rows, "a premise applied from the seeded run").toHaveLength(1);
    return rows[0].esiid;
  } finally {
    await client.end();
  }
}

/** Every operator page, with real ids taken from the pages themselves. */
async function operatorPages(page: Page, portal: PortalFixture): Promise<string[]> {
  await page.goto(`${portal.baseUrl}/admin/ercot`);
  const runLink = page.locator("table.ercot-runs tbody tr a[href^='/admin/ercot/']").first();
  const runPath = await runLink.getAttribute("href");
  await page.goto(`${portal.baseUrl}/admin/database/ErcotIngest`);
  const rowPath = await page.locator("a[href*='/row?pk=']").first().getAttribute("href");
  expect(runPath, "a run in the history").toBeTruthy();
  expect(rowPath, "a row link in the explorer").toBeTruthy();
  return [
    "/admin",
    "/admin/ercot",
    runPath!,
    "/admin/database",
    "/admin/database/ErcotIngest",
    "/admin/database/IngestRun",
    "/admin/database/SmtIntervalDay",
    rowPath!,
    "/admin/smt",
    "/admin/smt/support",
    "/admin/esiid",
    `/admin/esiid/${await seededPremise(portal)}`,
    "/admin/alerts",
    "/admin/no-such-page",
  ];
}

async function checkPage(page: Page, path: string, screenshotPath: string) {
  const consoleErrors: string[] = [];
  page.on("console", (message) => {
    if (message.type() === "error") consoleErrors.push(message.text());
  });
  page.on("pageerror", (error) => consoleErrors.push(error.message));
  await page.goto(path);
  await page.waitForLoadState("networkidle");

  const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
  // Name the outermost elements sticking out past the right edge, so a failure says where to look.
  const culprits = await page.evaluate(() =>
    Array.from(document.querySelectorAll("body *"))
      .filter((element) => element.getBoundingClientRect().right > window.innerWidth + 1)
      .filter(
        (element) =>
          !(element.parentElement && element.parentElement.getBoundingClientRect().right > window.innerWidth + 1),
      )
      .slice(0, 5)
      .map((element) => `${element.tagName.toLowerCase()}.${element.className}`),
  );
  expect.soft(overflow, `${path} scrolls sideways by ${overflow} px (${culprits.join(", ")})`).toBeLessThanOrEqual(0);

  const axe = await new AxeBuilder({ page }).analyze();
  const serious = axe.violations
    .filter((violation) => violation.impact === "serious" || violation.impact === "critical")
    .map((violation) => `${violation.id}: ${violation.nodes.map((node) => node.target.join(" ")).join(", ")}`);
  expect.soft(serious, `${path}: serious or critical axe violations`).toEqual([]);

  for (const identifier of await page.locator("[data-identifier]").all()) {
    await expect.soft(identifier.getByRole("button", { name: /^Copy/ })).toHaveCount(1);
  }
  await page.screenshot({ path: screenshotPath, fullPage: true });
  const expectedErrors = path.endsWith("no-such-page") ? /404/ : null;
  expect
    .soft(
      consoleErrors.filter((text) => !(expectedErrors && expectedErrors.test(text))),
      `${path}: console errors`,
    )
    .toEqual([]);
}

test("every operator page reads at desktop and phone sizes, with no axe violations or console errors", async ({
  page,
  portal,
}, testInfo) => {
  test.setTimeout(420_000);
  await seed(portal);
  await signIn(page, portal);
  const paths = await operatorPages(page, portal);
  for (const viewport of VIEWPORTS) {
    await page.setViewportSize({ width: viewport.width, height: viewport.height });
    for (const path of paths) {
      const name = path.replace(/[^a-z0-9]+/gi, "-").replace(/^-|-$/g, "") || "root";
      await test.step(`${viewport.name} ${path}`, () =>
        checkPage(page, `${portal.baseUrl}${path}`, testInfo.outputPath(`${viewport.name}-${name}.png`)));
    }
  }
  await page.context().clearCookies();
  await page.setViewportSize({ width: 390, height: 844 });
  await checkPage(page, `${portal.baseUrl}/login`, testInfo.outputPath("phone-login.png"));
});

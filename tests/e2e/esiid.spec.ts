import pg from "pg";
import { connectionConfig, DEFAULT_DATABASE_SCHEMA } from "../../app/db/connection.server";
import { expect, test } from "./fixtures";

test("an ingest against the fake ERCOT makes premises searchable by partial address, down to the premise page", async ({
  adminPage: page,
  portal,
}, testInfo) => {
  const ingest = await fetch(`${portal.baseUrl}/api/admin/ercot/cron?token=${portal.cronSecret}`);
  expect([200, 502]).toContain(ingest.status);

  // The run applies what it stores before it answers; pick an Oncor premise on O'CONNOR from what it applied.
  const client = new pg.Client(connectionConfig({ url: portal.databaseUrl, schema: DEFAULT_DATABASE_SCHEMA }));
  await client.connect();
  let premise: { esiid: string; address: string; city: string };
  try {
    await expect
      .poll(
        async () => (await client.query(`SELECT 1 FROM "EsiidPremise" WHERE "tdsp" = 'ONCOR_ELEC' LIMIT 1`)).rowCount,
      )
      .toBe(1);
    const { rows } = await client.query<{ esiid: string; address: string; city: string }>(
      `SELECT "esiid", "address", "city" FROM "EsiidPremise"
        WHERE "tdsp" = 'ONCOR_ELEC' AND "address" LIKE '%O''CONNOR%' ORDER BY "esiid" LIMIT 1`,
    );
    premise = rows[0];
  } finally {
    await client.end();
  }
  expect(premise).toBeDefined();
  const houseNumber = premise.address.trim().split(/\s+/)[0].replace(/^0+/, "");

  await page.getByRole("link", { name: "ESIID" }).click();
  await expect(page.getByRole("heading", { name: "ESIID search" })).toBeVisible();
  await page.getByLabel("ESIID or address").fill(`${houseNumber} oconnor ${premise.city.toLowerCase()}`);
  await page.getByRole("button", { name: "Search" }).click();
  const results = page.getByRole("table", { name: "Premises" });
  const hit = results.locator("tbody tr").first();
  await expect(hit).toContainText(premise.esiid);
  await expect(hit).toContainText(`${houseNumber.padStart(5, "0")} O'CONNOR`);
  await expect(hit).toContainText("ONCOR_ELEC");
  await page.screenshot({ path: testInfo.outputPath("esiid-search.png"), fullPage: true });

  await hit.getByRole("link", { name: premise.esiid }).click();
  await expect(page).toHaveURL(new RegExp(`/admin/esiid/${premise.esiid}$`));
  await expect(page.getByRole("heading", { level: 1 })).toContainText("O'CONNOR");
  await expect(page.locator(".esiid-fields")).toContainText("Meter read cycle");
  await expect(page.getByRole("heading", { name: "Change timeline" })).toBeVisible();
  await expect(page.getByRole("link", { name: "Row in the database explorer" })).toBeVisible();
  await page.screenshot({ path: testInfo.outputPath("esiid-premise.png"), fullPage: true });

  await page.getByRole("link", { name: "Row in the database explorer" }).click();
  await expect(page.locator("main")).toContainText(premise.esiid);
});

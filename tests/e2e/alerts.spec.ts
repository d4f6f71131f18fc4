import { expect, test } from "./fixtures";

interface ReceivedHook {
  verified: boolean;
  body: { portal: { kind: string; checkId: string | null } };
}

const receivedHooks = async () => (await (await fetch(process.env.E2E_ALERT_WEBHOOK_URL!)).json()) as ReceivedHook[];

async function setFakeScenario(fakeErcotUrl: string, scenario: Record<string, unknown>) {
  const response = await fetch(`${fakeErcotUrl}/__fake/scenario`, { method: "POST", body: JSON.stringify(scenario) });
  if (!response.ok) throw new Error(`The fake ERCOT refused the scenario: ${await response.text()}`);
}

test.afterEach(async ({ portal }) => {
  await setFakeScenario(portal.fakeErcotUrl, { name: "normal" });
});

test("/admin/alerts shows the incident a failed run raised, and the test button delivers", async ({
  adminPage: page,
  portal,
}, testInfo) => {
  await setFakeScenario(portal.fakeErcotUrl, { name: "maintenance-503" });
  const ping = await fetch(`${portal.baseUrl}/api/admin/ercot/cron`, {
    headers: { authorization: `Bearer ${portal.cronSecret}` },
  });
  expect(ping.status).toBe(502);

  await page.goto(`${portal.baseUrl}/admin/alerts`);
  await expect(page.getByRole("heading", { name: "Alerts" })).toBeVisible();
  const check = page.getByRole("table", { name: "Checks" }).locator('tr[data-check="ercot-run-failed"]');
  await expect(check).toContainText("alert");
  const incident = page
    .getByRole("table", { name: "Incidents" })
    .locator("tbody tr", { hasText: "ERCOT run failed or partial" });
  await expect(incident).toContainText("ERCOT run failed or partial");
  await expect(incident).toContainText("open");
  await expect(page.getByRole("table", { name: "Deliveries" })).toContainText(/raised \(incident #\d+\)/);
  await expect
    .poll(async () => (await receivedHooks()).filter((hook) => hook.body.portal.checkId === "ercot-run-failed").length)
    .toBe(1);
  await page.screenshot({ path: testInfo.outputPath("alerts-incident.png"), fullPage: true });

  await page.getByRole("button", { name: "Send test notification" }).click();
  await expect(page.getByRole("status")).toHaveText("Delivered to webhook.");
  const deliveries = page.getByRole("table", { name: "Deliveries" });
  await expect(deliveries.locator("tbody tr").first()).toContainText("test");
  await expect(deliveries.locator("tbody tr").first()).toContainText("delivered");
  const tests = (await receivedHooks()).filter((hook) => hook.body.portal.kind === "test");
  expect(tests).toHaveLength(1);
  expect(tests[0].verified).toBe(true);
  await page.screenshot({ path: testInfo.outputPath("alerts-test-sent.png"), fullPage: true });
});

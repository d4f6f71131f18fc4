import { expect, test } from "./fixtures";

async function setFakeScenario(fakeErcotUrl: string, scenario: Record<string, unknown>) {
  const response = await fetch(`${fakeErcotUrl}/__fake/scenario`, { method: "POST", body: JSON.stringify(scenario) });
  if (!response.ok) throw new Error(`The fake ERCOT refused the scenario: ${await response.text()}`);
}

test.afterEach(async ({ portal }) => {
  await setFakeScenario(portal.fakeErcotUrl, { name: "normal" });
});

test("Run now shows live progress, then the new run in the history with its files", async ({
  adminPage: page,
  portal,
}, testInfo) => {
  // Downloads trickle so the progress is there to be seen.
  await setFakeScenario(portal.fakeErcotUrl, { slowBody: { chunkBytes: 2048, intervalMs: 40 } });
  await page.goto(`${portal.baseUrl}/admin/ercot`);
  await expect(page.getByRole("heading", { name: "ERCOT ingest" })).toBeVisible();
  const runsBefore = await page.locator("table.ercot-runs tbody tr").count();

  const button = page.getByRole("button", { name: "Run now" });
  await expect(button).toBeEnabled();
  await button.click();

  const progress = page.locator(".ercot-progress[data-run-id]");
  // The fake publishes 2026-05-31 to 2026-06-03: 5 TDSPs × 4 DAILYs and the FUL set of Monday 06-01.
  await expect(progress).toContainText(/\d+ of 25 files/);
  await expect(page.getByRole("button", { name: "Run in progress" })).toBeDisabled();
  await expect(progress).toContainText(/now ext\.00000203\./);
  await page.screenshot({ path: testInfo.outputPath("ercot-progress.png"), fullPage: true });
  const runId = await progress.getAttribute("data-run-id");

  // When the run ends the page revalidates: the button comes back and the run is in the history.
  await expect(page.getByRole("button", { name: "Run now" })).toBeEnabled({ timeout: 45_000 });
  const row = page.locator(`table.ercot-runs tbody tr[data-run-id="${runId}"]`);
  await expect(row).toHaveAttribute("data-status", "succeeded");
  await expect(row).toContainText("manual");
  await expect(row).toContainText("25 stored");
  await expect(row).toContainText("scrape");
  // The run ends with its outcome, linking to the run, and the run is highlighted in the history.
  const outcome = page.locator(`.ercot-outcome[data-run-id="${runId}"]`);
  await expect(outcome).toContainText(`Run #${runId} succeeded: 25 stored, 0 skipped`);
  await expect(outcome.getByRole("link", { name: `Run #${runId}` })).toHaveAttribute("href", `/admin/ercot/${runId}`);
  await expect(row).toHaveAttribute("aria-current", "true");
  expect(await page.locator("table.ercot-runs tbody tr").count()).toBe(runsBefore + 1);
  await page.screenshot({ path: testInfo.outputPath("ercot-history.png"), fullPage: true });

  await row.getByRole("link", { name: `#${runId}` }).click();
  const files = page.getByRole("table", { name: "Files" });
  await expect(files.locator("tbody tr")).toHaveCount(25);
  await expect(files).toContainText(/ercot\/\d{4}-\d{2}-\d{2}\/ext\.00000203\./);
  const firstFile = files.locator("tbody tr").first();
  await expect(firstFile.locator("[data-identifier='SHA-256']")).toBeVisible();
  await expect(firstFile.getByRole("link", { name: "row" })).toHaveAttribute("href", /ErcotIngest\/row\?pk=/);
  await expect(page.getByRole("link", { name: /IngestRun row/ })).toHaveAttribute("href", /IngestRun\/row\?pk=/);
  const downloadLink = firstFile.getByRole("link", { name: /^ext\./ });
  const [download] = await Promise.all([page.waitForEvent("download"), downloadLink.click()]);
  expect(download.suggestedFilename()).toMatch(/^ext\.00000203\..+\.zip$/);
  const saved = testInfo.outputPath("downloaded.zip");
  await download.saveAs(saved);
  const { readFile } = await import("node:fs/promises");
  expect((await readFile(saved)).subarray(0, 4).toString("latin1")).toBe("PK\x03\x04");
});

test("the dashboard shows the last run and the missed-run state", async ({ adminPage: page, portal }) => {
  await page.goto(`${portal.baseUrl}/admin`);
  const overview = page.locator('[data-panel="ercot-ingest"]');
  await expect(overview).toContainText(/Last run #\d+ \(manual\)/);
  // A manual run today is not a scheduled one owed yet, so any of the three states can be right here.
  await expect(overview.locator("[data-schedule-state]")).toHaveText(/^(up|late|down)$/);
  await expect(page.locator('[data-panel="cron"]')).toContainText(/Last run #\d+/);
});

test("a run's skipped files link to the stored rows and the run that stored them", async ({
  adminPage: page,
  portal,
}) => {
  const runOnce = async () => {
    const response = await fetch(`${portal.baseUrl}/api/admin/ercot/cron`, {
      method: "POST",
      headers: { Authorization: `Bearer ${portal.cronSecret}` },
    });
    expect([200, 502]).toContain(response.status);
    return ((await response.json()) as { runId: number }).runId;
  };
  await runOnce();
  const rerun = await runOnce();

  await page.goto(`${portal.baseUrl}/admin/ercot/${rerun}`);
  const skipped = page.getByRole("list", { name: "Skipped files" }).getByRole("listitem");
  await expect(skipped).toHaveCount(25);
  const first = skipped.first();
  const docId = await first.getAttribute("data-doc-id");
  await expect(first.getByRole("link", { name: /^run #\d+$/ })).toHaveAttribute("href", /^\/admin\/ercot\/\d+$/);
  await first.getByRole("link", { name: "stored row" }).click();
  await expect(page).toHaveURL(/\/admin\/database\/ErcotIngest\/row\?pk=/);
  await expect(page.getByRole("table", { name: "Row" })).toContainText(docId!);
  // The row page leads back to the portal's pages for the same file.
  await expect(page.getByRole("link", { name: "Download the stored file" })).toHaveAttribute(
    "href",
    /^\/admin\/ercot\/files\/\d+$/,
  );
  await expect(page.getByRole("link", { name: /^Run #\d+'s page$/ })).toHaveAttribute("href", /^\/admin\/ercot\/\d+$/);
});

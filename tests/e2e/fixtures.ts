import { test as base, expect, type Page } from "@playwright/test";
import { E2E_ADMIN_TOKEN, E2E_CRON_SECRET, E2E_WEBHOOK_SECRET } from "./global-setup";

export interface PortalFixture {
  baseUrl: string;
  adminToken: string;
  cronSecret: string;
  webhookSecret: string;
  databaseUrl: string;
  fakeErcotUrl: string;
}

export async function signIn(page: Page, portal: PortalFixture, redirectTo = "/admin") {
  await page.goto(`${portal.baseUrl}/login?redirectTo=${encodeURIComponent(redirectTo)}`);
  await page.getByLabel("Admin token").fill(portal.adminToken);
  await page.getByRole("button", { name: "Sign in" }).click();
  await page.waitForURL((url) => url.pathname === redirectTo.split("?")[0]);
}

/** `portal`: where the stack runs; `adminPage`: a page already signed in as the operator. */
export const test = base.extend<{ portal: PortalFixture; adminPage: Page }>({
  portal: async ({}, use) => {
    await use({
      baseUrl: process.env.E2E_BASE_URL!,
      adminToken: E2E_ADMIN_TOKEN,
      cronSecret: E2E_CRON_SECRET,
      webhookSecret: E2E_WEBHOOK_SECRET,
      databaseUrl: process.env.E2E_DATABASE_URL!,
      fakeErcotUrl: process.env.E2E_FAKE_ERCOT_URL!,
    });
  },
  adminPage: async ({ page, portal }, use) => {
    await signIn(page, portal);
    await use(page);
  },
});

export { expect };

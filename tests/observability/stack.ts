import { afterAll, beforeAll } from "vitest";
import { startFakeErcot, type FakeErcot } from "../fakes/ercot/server";
import { startPortal, type RunningPortal } from "../support/portal-server";

export const METRICS_TOKEN = "test-metrics-token-0123456789abcdef";

/** The built portal pointed at a fake ERCOT, with a metrics token, for the file's tests. */
export function usePortalWithFakeErcot(): () => RunningPortal {
  let fake: FakeErcot;
  let portal: RunningPortal;
  beforeAll(async () => {
    fake = await startFakeErcot();
    portal = await startPortal({ env: { ERCOT_PAGE_URL: fake.pageUrl, METRICS_TOKEN } });
  });
  afterAll(async () => {
    await portal?.stop();
    await fake?.stop();
  });
  return () => portal;
}

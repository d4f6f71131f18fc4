/**
 * The ERCOT job table: one source for the embedded scheduler, the missed-run indicator and the
 * external configurations in `cron/` (vercel.json, systemd, crontab), which repeat these patterns
 * (tests/ercot/cron-configs.test.ts fails if they drift apart).
 *
 * All patterns are UTC. ERCOT posts the TDSP ESIID Extract DAILY files at about 05:40–06:00 Central
 * (observed 05:39:54 to 05:58:32), and FUL files at about 18:11 Central on the first Monday of the month.
 *
 * - 12:00 UTC is 07:00 CDT (March to November): more than an hour after the posting.
 * - 12:00 UTC is 06:00 CST (November to March): the same minute as the latest observed postings, so in
 *   winter the primary run can find yesterday's files (it then skips them as already stored).
 * The primary time is the ops checklist's contract, so it stays; the catch-up run at 14:00 UTC (08:00 CST,
 * 09:00 CDT) takes whatever the first run missed. A catch-up that finds everything stored only lists.
 * Two polls a day stay within ERCOT's terms (no more than three times the product's frequency).
 */
export interface ErcotJob {
  name: string;
  /** Five-field cron pattern, UTC. */
  pattern: string;
  why: string;
}

export const ERCOT_JOBS: readonly ErcotJob[] = [
  {
    name: "ercot-daily",
    pattern: "0 12 * * *",
    why: "07:00 CDT / 06:00 CST, after ERCOT's ~05:40–06:00 Central DAILY posting (races it in CST).",
  },
  {
    name: "ercot-catch-up",
    pattern: "0 14 * * *",
    why: "08:00 CST / 09:00 CDT: picks up DAILY files posted late, and in CST after the 06:00 race.",
  },
];

/** Where external schedulers send their ping; they must send Authorization: Bearer <CRON_SECRET>. */
export const ERCOT_CRON_PATH = "/api/admin/ercot/cron";

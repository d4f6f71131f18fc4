import { readFileSync } from "node:fs";
import { Cron } from "croner";
import { describe, expect, it } from "vitest";
import { ERCOT_CRON_PATH, ERCOT_JOBS } from "~/ercot/jobs";

const read = (name: string) => readFileSync(new URL(`../../cron/${name}`, import.meta.url), "utf8");
/** "0 12 * * *" → "12:00" */
const clock = (pattern: string) => {
  const [minute, hour] = pattern.split(" ");
  return `${hour.padStart(2, "0")}:${minute.padStart(2, "0")}`;
};

describe("the ERCOT job table", () => {
  it("keeps the ops checklist's 12:00 UTC as the primary run", () => {
    expect(ERCOT_JOBS[0].pattern).toBe("0 12 * * *");
  });

  it("runs every job after ERCOT's latest observed DAILY posting (05:58:32 Central) in summer, and the catch-up in winter too", () => {
    const latestPosting = { hour: 5, minute: 58 };
    const centralHour = (pattern: string, offsetHours: number) => {
      const next = new Cron(pattern, { timezone: "UTC", paused: true }).nextRun(new Date("2026-01-01T00:00:00Z"))!;
      return { hour: (next.getUTCHours() + offsetHours + 24) % 24, minute: next.getUTCMinutes() };
    };
    const after = (time: { hour: number; minute: number }) =>
      time.hour * 60 + time.minute > latestPosting.hour * 60 + latestPosting.minute;
    for (const job of ERCOT_JOBS) expect(after(centralHour(job.pattern, -5)), `${job.name} in CDT`).toBe(true);
    // In CST the primary run is at 06:00, the edge of the posting window; the catch-up is what is safe.
    expect(after(centralHour(ERCOT_JOBS[1].pattern, -6))).toBe(true);
  });

  it("is what vercel.json, the systemd timer and the crontab schedule", () => {
    const vercel = JSON.parse(read("vercel.json")) as { crons: { path: string; schedule: string }[] };
    expect(vercel.crons).toEqual(ERCOT_JOBS.map((job) => ({ path: ERCOT_CRON_PATH, schedule: job.pattern })));
    const timer = read("systemd/ercot-ingest.timer");
    expect([...timer.matchAll(/^OnCalendar=\*-\*-\* (\d\d:\d\d):00 UTC$/gm)].map((match) => match[1])).toEqual(
      ERCOT_JOBS.map((job) => clock(job.pattern)),
    );
    const crontab = read("crontab");
    expect(crontab).toMatch(/^CRON_TZ=UTC$/m);
    expect([...crontab.matchAll(/^(\d+ \d+ \* \* \*) /gm)].map((match) => match[1])).toEqual(
      ERCOT_JOBS.map((job) => job.pattern),
    );
  });

  it("keeps the secret off every command line", () => {
    expect(read("ercot-ping.sh")).toContain("-H @-");
    expect(read("systemd/ercot-ingest.service").match(/^ExecStart=.*$/m)?.[0]).not.toContain("CRON_SECRET");
    expect(read("crontab")).not.toMatch(/Bearer|token=/);
  });
});

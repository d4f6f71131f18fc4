import { z } from "zod";
import { dayOffset, daysBetween } from "~/time/iso-days";
import { chartedEsiids, dailyUsage, type EsiidUsage } from "./usage.server";

/** The picker lists this many meters; more than that is a job for the database explorer. */
const MAX_PICKER_ESIIDS = 200;
const DEFAULT_RANGE_DAYS = 30;
const MAX_RANGE_DAYS = 731;

const isoDay = z
  .string()
  .regex(/^\d{4}-\d{2}-\d{2}$/)
  .refine((value) => {
    // A real calendar day: Date.parse rolls 2025-02-31 over to March rather than refusing it.
    const ms = Date.parse(`${value}T00:00:00Z`);
    return !Number.isNaN(ms) && new Date(ms).toISOString().startsWith(value);
  });

export interface UsageView {
  esiids: string[];
  /** The charted meter, or null when no meter has intervals. */
  esiid: string | null;
  /** The charted Central days, both included; null when the meter has no data at all. */
  range: { from: string; to: string } | null;
  usage: EsiidUsage | null;
  /** A sentence about a search parameter that was ignored. */
  problem: string | null;
}

/** The SMT page's chart: one meter (`?esiid=`), over `?from=`…`?to=` or the last 30 days of its data. */
export async function usageView(search: URLSearchParams): Promise<UsageView> {
  const problems: string[] = [];
  const asked = search.get("esiid");
  const askedEsiid = asked && /^[0-9A-Za-z]{1,32}$/.test(asked) ? asked : null;
  if (asked && !askedEsiid)
    problems.push(`"${asked.slice(0, 40)}" is not an ESIID; showing the most recent meter instead.`);
  const range = requestedRange(search, problems);
  // A meter asked for by name is read while the picker's list is found; only the default page waits for the list.
  const [esiids, askedUsage] = await Promise.all([
    chartedEsiids(MAX_PICKER_ESIIDS),
    askedEsiid ? meterUsage(askedEsiid, range) : null,
  ]);
  const esiid = askedEsiid ?? esiids[0] ?? null;
  if (!esiid) return { esiids, esiid: null, range: null, usage: null, problem: problems[0] ?? null };
  const charted = askedUsage ?? (await meterUsage(esiid, range));
  return { esiids, esiid, ...charted, problem: problems[0] ?? null };
}

/** The asked range when it is valid; otherwise null, with a sentence in `problems` if one was given. */
function requestedRange(search: URLSearchParams, problems: string[]): { from: string; to: string } | null {
  if (!search.get("from") && !search.get("to")) return null;
  const from = isoDay.safeParse(search.get("from") ?? "");
  const to = isoDay.safeParse(search.get("to") ?? "");
  if (!from.success || !to.success)
    problems.push("Give both dates of the range as YYYY-MM-DD; showing the last 30 days.");
  else if (from.data > to.data) problems.push("The range starts after it ends; showing the last 30 days.");
  else if (daysBetween(from.data, to.data) + 1 > MAX_RANGE_DAYS)
    problems.push(`Choose a range of at most ${MAX_RANGE_DAYS} days; showing the last 30 days.`);
  else return { from: from.data, to: to.data };
  return null;
}

/** One meter's days over `range`, or over the last 30 days of its data. */
async function meterUsage(
  esiid: string,
  range: { from: string; to: string } | null,
): Promise<Pick<UsageView, "range" | "usage">> {
  if (range) {
    return { range, usage: await dailyUsage(esiid, range) };
  }
  const latest = await dailyUsage(esiid, { days: DEFAULT_RANGE_DAYS });
  const lastDay = latest.days.at(-1)?.day;
  if (!lastDay) return { range: null, usage: latest };
  const recent = { from: dayOffset(lastDay, 1 - DEFAULT_RANGE_DAYS), to: lastDay };
  // The window counts back from the last reading, so its first Central day can be partial: leave it out.
  const days = latest.days.filter((day) => day.day >= recent.from);
  return {
    range: recent,
    usage: {
      ...latest,
      days,
      totalConsumptionKwh: days.reduce((sum, day) => sum + day.consumptionKwh, 0),
      totalGenerationKwh: days.reduce((sum, day) => sum + day.generationKwh, 0),
    },
  };
}

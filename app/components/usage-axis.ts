import { dayOffset, daysBetween } from "~/time/iso-days";

const TICK_STEPS = [1, 2, 7, 14, 28, 56, 91, 182, 364];

/** Days to label on the usage chart: from the range's first day, at the smallest step keeping ≤ `maxTicks`. */
export function timeTicks(from: string, to: string, maxTicks = 8): string[] {
  const span = daysBetween(from, to) + 1;
  const step = TICK_STEPS.find((candidate) => Math.ceil(span / candidate) <= maxTicks) ?? Math.ceil(span / maxTicks);
  const ticks: string[] = [];
  for (let offset = 0; offset < span; offset += step) ticks.push(dayOffset(from, offset));
  return ticks;
}

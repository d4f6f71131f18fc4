/** Arithmetic on `YYYY-MM-DD` calendar days (labels, not instants: no time zone applies). Browser-safe. */

const MS_PER_DAY = 86_400_000;
const dayMs = (day: string) => Date.parse(`${day}T00:00:00Z`);

export function dayOffset(day: string, days: number): string {
  return new Date(dayMs(day) + days * MS_PER_DAY).toISOString().slice(0, 10);
}

/** Whole days from `from` to `to` (0 for the same day). */
export function daysBetween(from: string, to: string): number {
  return Math.round((dayMs(to) - dayMs(from)) / MS_PER_DAY);
}

/** "1 warning", "3 warnings", "1,204 rows": a count with its noun in the right number (browser-safe). */
export function countOf(count: number, singular: string, plural = `${singular}s`): string {
  return `${count.toLocaleString("en-US")} ${count === 1 ? singular : plural}`;
}

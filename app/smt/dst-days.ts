import { chicagoDayLengthMinutes, formatLocalDate } from "~/time/chicago";

export interface DstDay {
  /** `YYYY-MM-DD` */
  day: string;
  /** 1380 on spring-forward day, 1500 on fall-back day. */
  minutes: number;
}

/** Central DST days (23- or 25-hour) from `firstDay` to `lastDay`, both `YYYY-MM-DD` and inclusive. */
export function dstDaysBetween(firstDay: string, lastDay: string): DstDay[] {
  const found: DstDay[] = [];
  for (let year = Number(firstDay.slice(0, 4)); year <= Number(lastDay.slice(0, 4)); year++) {
    // US rules since 2007: the second Sunday of March and the first Sunday of November.
    for (const [month, from] of [
      [3, 8],
      [11, 1],
    ]) {
      for (let day = from; day < from + 7; day++) {
        const date = { year, month, day };
        const minutes = chicagoDayLengthMinutes(date);
        const text = formatLocalDate(date);
        if (minutes !== 1440 && text >= firstDay && text <= lastDay) found.push({ day: text, minutes });
      }
    }
  }
  return found;
}

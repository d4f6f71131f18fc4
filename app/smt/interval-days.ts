import { chicagoDayLengthMinutes, chicagoDayStart, chicagoOffsetMinutes, formatLocalDate } from "../time/chicago";
import type { IntervalRow } from "./parse/interval";

const SLOT_MS = 15 * 60_000;
const DAY_MS = 86_400_000;

/** One SmtIntervalDay row being built: the day's slots, null where the batch has no interval. */
export interface IntervalDay {
  esiid: string;
  channel: IntervalRow["channel"];
  /** Central date, `YYYY-MM-DD`. */
  day: string;
  dayStartMs: number;
  kwh: (string | null)[];
  estimated: (boolean | null)[];
  revisionAt: (Date | null)[];
  /** Slots this batch fills. */
  received: number;
}

interface DayShape {
  day: string;
  startMs: number;
  slots: number;
}

const shapes = new Map<number, DayShape>();

/** The Central day an instant falls in, its local midnight and its number of 15-minute slots. */
function dayShape(instant: Date): DayShape {
  const dayNumber = Math.floor((instant.getTime() + chicagoOffsetMinutes(instant) * 60_000) / DAY_MS);
  let shape = shapes.get(dayNumber);
  if (!shape) {
    const utc = new Date(dayNumber * DAY_MS);
    const date = { year: utc.getUTCFullYear(), month: utc.getUTCMonth() + 1, day: utc.getUTCDate() };
    shape = {
      day: formatLocalDate(date),
      startMs: chicagoDayStart(date).getTime(),
      slots: chicagoDayLengthMinutes(date) / 15,
    };
    shapes.set(dayNumber, shape);
  }
  return shape;
}

/**
 * Groups intervals into day rows. Within the batch the latest revision of each interval wins (a row at the same
 * revision later in the batch replaces the earlier one), so each day appears once per merge statement.
 */
export function intervalDays(batch: IntervalRow[]): Map<string, IntervalDay> {
  const days = new Map<string, IntervalDay>();
  let last: IntervalDay | undefined;
  let lastKey = "";
  for (const row of batch) {
    const shape = dayShape(row.intervalStart);
    const key = `${row.esiid}|${row.channel}|${shape.day}`;
    let target = key === lastKey ? last : days.get(key);
    if (!target) {
      target = {
        esiid: row.esiid,
        channel: row.channel,
        day: shape.day,
        dayStartMs: shape.startMs,
        kwh: new Array<string | null>(shape.slots).fill(null),
        estimated: new Array<boolean | null>(shape.slots).fill(null),
        revisionAt: new Array<Date | null>(shape.slots).fill(null),
        received: 0,
      };
      days.set(key, target);
    }
    last = target;
    lastKey = key;
    const slot = (row.intervalStart.getTime() - shape.startMs) / SLOT_MS;
    if (!Number.isInteger(slot))
      throw new Error(`Interval ${row.intervalStart.toISOString()} is not on a 15-minute slot`);
    const kept = target.revisionAt[slot];
    if (kept === null) target.received++;
    else if (kept.getTime() > row.revisionAt.getTime()) continue;
    target.kwh[slot] = row.kwh;
    target.estimated[slot] = row.estimated;
    target.revisionAt[slot] = row.revisionAt;
  }
  return days;
}

/** The day as one line of COPY text: arrays as PostgreSQL array literals, instants in UTC. */
export function dayCopyLine(day: IntervalDay, rawFileId: number): string {
  let kwh = "";
  let estimated = "";
  let revisionAt = "";
  let rawFileIds = "";
  for (let slot = 0; slot < day.kwh.length; slot++) {
    const separator = slot === 0 ? "" : ",";
    const revision = day.revisionAt[slot];
    kwh += separator + (day.kwh[slot] ?? "NULL");
    estimated += separator + (revision === null ? "NULL" : day.estimated[slot] ? "t" : "f");
    revisionAt += separator + (revision === null ? "NULL" : revision.toISOString());
    rawFileIds += separator + (revision === null ? "NULL" : rawFileId);
  }
  return `${day.esiid}\t${day.channel}\t${day.day}\t${new Date(day.dayStartMs).toISOString()}\t{${kwh}}\t{${estimated}}\t{${revisionAt}}\t{${rawFileIds}}\n`;
}

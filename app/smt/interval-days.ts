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
 * Gathers intervals into day rows until they are written. The latest revision of each interval wins (a row at the
 * same revision later on replaces the earlier one), so each day is staged once per merge statement.
 */
export class DayBuffer {
  private days = new Map<string, IntervalDay>();
  /** Intervals offered since the last take, and how many distinct slots they fill. */
  offered = 0;
  received = 0;

  get size(): number {
    return this.days.size;
  }

  add(batch: IntervalRow[]): void {
    let target: IntervalDay | undefined;
    for (const row of batch) {
      const startMs = row.intervalStart.getTime();
      // A batch is mostly one day: the previous row's day is reused while the row falls inside it.
      if (
        !target ||
        row.esiid !== target.esiid ||
        row.channel !== target.channel ||
        startMs < target.dayStartMs ||
        startMs >= target.dayStartMs + target.kwh.length * SLOT_MS
      ) {
        target = this.dayOf(row);
      }
      this.offered++;
      const slot = (startMs - target.dayStartMs) / SLOT_MS;
      if (!Number.isInteger(slot))
        throw new Error(`Interval ${row.intervalStart.toISOString()} is not on a 15-minute slot`);
      const kept = target.revisionAt[slot];
      if (kept === null) {
        target.received++;
        this.received++;
      } else if (kept.getTime() > row.revisionAt.getTime()) continue;
      target.kwh[slot] = row.kwh;
      target.estimated[slot] = row.estimated;
      target.revisionAt[slot] = row.revisionAt;
    }
  }

  private dayOf(row: IntervalRow): IntervalDay {
    const shape = dayShape(row.intervalStart);
    const key = `${row.esiid}|${row.channel}|${shape.day}`;
    let day = this.days.get(key);
    if (!day) {
      day = {
        esiid: row.esiid,
        channel: row.channel,
        day: shape.day,
        dayStartMs: shape.startMs,
        kwh: new Array<string | null>(shape.slots).fill(null),
        estimated: new Array<boolean | null>(shape.slots).fill(null),
        revisionAt: new Array<Date | null>(shape.slots).fill(null),
        received: 0,
      };
      this.days.set(key, day);
    }
    return day;
  }

  /** The gathered days as COPY text, and what they hold; the buffer starts empty again. */
  take(rawFileId: number): { copyText: string; offered: number; received: number } {
    let copyText = "";
    for (const day of this.days.values()) copyText += dayCopyLine(day, rawFileId);
    const taken = { copyText, offered: this.offered, received: this.received };
    this.days = new Map();
    this.offered = 0;
    this.received = 0;
    return taken;
  }
}

/**
 * The day as one line of COPY text for the stage (row-writer.server.ts): arrays as PostgreSQL array literals,
 * instants in UTC, and the day's totals. A complete day of one revision (the usual case) sends its revision once
 * and no raw-file array; PostgreSQL spreads them over the slots, which spares it parsing 96 timestamps.
 */
function dayCopyLine(day: IntervalDay, rawFileId: number): string {
  let kwh = "";
  let estimated = "";
  let total = 0;
  let readings = 0;
  let blanks = 0;
  let estimates = 0;
  const firstRevision = day.revisionAt[0];
  let uniform = firstRevision !== null;
  for (let slot = 0; slot < day.kwh.length; slot++) {
    const separator = slot === 0 ? "" : ",";
    const revision = day.revisionAt[slot];
    const reading = day.kwh[slot];
    kwh += separator + (reading ?? "NULL");
    if (revision === null) {
      estimated += `${separator}NULL`;
      uniform = false;
      continue;
    }
    if (uniform && revision.getTime() !== firstRevision!.getTime()) uniform = false;
    const flagged = day.estimated[slot] === true;
    estimated += separator + (flagged ? "t" : "f");
    if (flagged) estimates++;
    if (reading === null) blanks++;
    else {
      total += scaledKwh(reading);
      readings++;
    }
  }
  let revisions = "\\N";
  let rawFileIds = "\\N";
  if (!uniform) {
    revisions = `{${day.revisionAt.map((revision) => (revision === null ? "NULL" : revision.toISOString())).join(",")}}`;
    rawFileIds = `{${day.revisionAt.map((revision) => (revision === null ? "NULL" : rawFileId)).join(",")}}`;
  }
  return (
    `${day.esiid}\t${day.channel}\t${day.day}\t${new Date(day.dayStartMs).toISOString()}\t{${kwh}}\t{${estimated}}\t` +
    `${revisions}\t${uniform ? firstRevision!.toISOString() : "\\N"}\t${rawFileIds}\t` +
    `${readings === 0 ? "\\N" : formatScaledKwh(total)}\t${readings + blanks}\t${blanks}\t${estimates}\n`
  );
}

/** kWh in hundred-thousandths (DECIMAL(14,5)) as an integer, so a day's sum is exact. */
const KWH_SCALE = 100_000;

function scaledKwh(kwh: string): number {
  const negative = kwh.charCodeAt(0) === 45;
  const digits = negative ? kwh.slice(1) : kwh;
  const dot = digits.indexOf(".");
  const whole = dot < 0 ? digits : digits.slice(0, dot);
  const fraction = dot < 0 ? "" : digits.slice(dot + 1, dot + 6);
  const value = Number(whole) * KWH_SCALE + Number(fraction.padEnd(5, "0"));
  return negative ? -value : value;
}

function formatScaledKwh(scaled: number): string {
  const magnitude = Math.abs(scaled);
  const fraction = String(magnitude % KWH_SCALE).padStart(5, "0");
  return `${scaled < 0 ? "-" : ""}${Math.floor(magnitude / KWH_SCALE)}.${fraction}`;
}

import { useId } from "react";
import { daysBetween } from "~/time/iso-days";
import { timeTicks } from "./usage-axis";

export interface UsageChartDay {
  day: string;
  consumptionKwh: number;
  generationKwh: number;
  missing: number;
}

const WIDTH = 760;
const HEIGHT = 220;
const LEFT = 56;
const RIGHT = 8;
const TOP = 12;
const BOTTOM = 24;

const kwh = (value: number) => `${value.toFixed(value >= 100 ? 0 : 1)} kWh`;

/** What the chart shows, in words: the accessible description, also printed under the chart. */
export function usageSummary(days: UsageChartDay[], range: { from: string; to: string }): string {
  const total = days.reduce((sum, day) => sum + day.consumptionKwh, 0);
  const generated = days.reduce((sum, day) => sum + day.generationKwh, 0);
  const peak = days.reduce((best, day) => (day.consumptionKwh > best.consumptionKwh ? day : best), days[0]);
  const span = daysBetween(range.from, range.to) + 1;
  return (
    `${range.from} to ${range.to}: ${kwh(total)} consumed on ${days.length} of ${span} days with data` +
    (peak ? `, peak ${kwh(peak.consumptionKwh)} on ${peak.day}` : "") +
    (generated > 0 ? `, ${kwh(generated)} surplus generation` : "") +
    "."
  );
}

/**
 * Daily kWh as bars on a time axis (one slot per Central day of the range), so a day without data is an empty
 * slot rather than a missing tick. Consumption rises above the zero line, surplus generation hangs below it,
 * on one scale. Plain SVG; the figure takes keyboard focus and carries a summary and a data table for readers.
 */
export function UsageChart({
  esiid,
  days,
  range,
}: {
  esiid: string;
  days: UsageChartDay[];
  /** The Central days on the axis; by default, the first to the last day with data. */
  range?: { from: string; to: string };
}) {
  const ids = useId();
  if (!range && days.length === 0) return <p className="muted">No readings for {esiid} yet.</p>;
  const axis = range ?? { from: days[0].day, to: days[days.length - 1].day };
  if (days.length === 0)
    return (
      <p className="muted">
        No readings for {esiid} between {axis.from} and {axis.to}.
      </p>
    );
  const hasGeneration = days.some((day) => day.generationKwh > 0);
  const top = Math.max(...days.map((day) => day.consumptionKwh), 0.001);
  const bottom = hasGeneration ? Math.max(...days.map((day) => day.generationKwh)) : 0;
  const plotHeight = HEIGHT - TOP - BOTTOM;
  const scale = plotHeight / (top + bottom);
  const zeroY = TOP + top * scale;
  const slotCount = daysBetween(axis.from, axis.to) + 1;
  const slot = (WIDTH - LEFT - RIGHT) / slotCount;
  const barWidth = Math.max(1, slot * 0.8);
  const slotX = (day: string) => LEFT + daysBetween(axis.from, day) * slot;
  const summaryId = `${ids}-summary`;

  return (
    // Focusable so a keyboard user reaches the chart and hears its summary, as a mouse user sees it.
    <figure
      className="usage-chart"
      data-esiid={esiid}
      // eslint-disable-next-line jsx-a11y/no-noninteractive-tabindex
      tabIndex={0}
      aria-label={`Usage chart for ESIID ${esiid}`}
      aria-describedby={summaryId}
    >
      <svg
        viewBox={`0 0 ${WIDTH} ${HEIGHT}`}
        role="img"
        aria-label={`Daily kWh for ESIID ${esiid}, ${axis.from} to ${axis.to}`}
      >
        <text x={LEFT - 6} y={TOP + 4} textAnchor="end" className="axis">
          {kwh(top)}
        </text>
        {hasGeneration ? (
          <text x={LEFT - 6} y={HEIGHT - BOTTOM} textAnchor="end" className="axis">
            −{kwh(bottom)}
          </text>
        ) : null}
        <line x1={LEFT} x2={WIDTH - RIGHT} y1={zeroY} y2={zeroY} className="zero" />
        {timeTicks(axis.from, axis.to).map((day) => (
          <g key={day} className="tick" data-tick={day}>
            <line x1={slotX(day)} x2={slotX(day)} y1={TOP} y2={HEIGHT - BOTTOM + 4} className="grid" />
            <text x={slotX(day)} y={HEIGHT - 6} textAnchor="middle" className="axis tick-label">
              {day.slice(5)}
            </text>
          </g>
        ))}
        {days.map((day) => {
          const x = slotX(day.day) + (slot - barWidth) / 2;
          const consumed = day.consumptionKwh * scale;
          const generated = day.generationKwh * scale;
          return (
            <g key={day.day} data-day={day.day}>
              <rect x={x} y={zeroY - consumed} width={barWidth} height={consumed} className="consumption">
                <title>{`${day.day}: ${kwh(day.consumptionKwh)} consumed${day.missing ? `, ${day.missing} intervals missing` : ""}`}</title>
              </rect>
              {generated > 0 ? (
                <rect x={x} y={zeroY} width={barWidth} height={generated} className="generation">
                  <title>{`${day.day}: ${kwh(day.generationKwh)} surplus generation`}</title>
                </rect>
              ) : null}
            </g>
          );
        })}
      </svg>
      <figcaption>
        <p id={summaryId} className="muted usage-summary">
          {usageSummary(days, axis)}
        </p>
        <span className="row">
          <span className="legend consumption">Consumption</span>
          {hasGeneration ? <span className="legend generation">Surplus generation</span> : null}
        </span>
      </figcaption>
      {/* The wrapper hides it: a table grows to its content whatever width it is given. */}
      <div className="visually-hidden">
        <table aria-label={`Daily kWh for ESIID ${esiid}`}>
          <thead>
            <tr>
              <th scope="col">Day</th>
              <th scope="col">Consumed kWh</th>
              <th scope="col">Surplus generation kWh</th>
              <th scope="col">Missing intervals</th>
            </tr>
          </thead>
          <tbody>
            {days.map((day) => (
              <tr key={day.day}>
                <th scope="row">{day.day}</th>
                <td>{day.consumptionKwh.toFixed(3)}</td>
                <td>{day.generationKwh.toFixed(3)}</td>
                <td>{day.missing}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
    </figure>
  );
}

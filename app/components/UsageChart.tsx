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

/**
 * Daily kWh as bars: consumption rises above the zero line, surplus generation hangs below it, on one scale,
 * so the two are never added together and a solar day reads at a glance. Plain SVG, no chart library.
 */
export function UsageChart({ esiid, days }: { esiid: string; days: UsageChartDay[] }) {
  if (days.length === 0) return <p className="muted">No readings for {esiid} yet.</p>;
  const hasGeneration = days.some((day) => day.generationKwh > 0);
  const top = Math.max(...days.map((day) => day.consumptionKwh), 0.001);
  const bottom = hasGeneration ? Math.max(...days.map((day) => day.generationKwh)) : 0;
  const plotHeight = HEIGHT - TOP - BOTTOM;
  const scale = plotHeight / (top + bottom);
  const zeroY = TOP + top * scale;
  const slot = (WIDTH - LEFT - RIGHT) / days.length;
  const barWidth = Math.max(1, slot * 0.8);
  const labelEvery = Math.ceil(days.length / 8);

  return (
    <figure className="usage-chart" data-esiid={esiid}>
      <svg
        viewBox={`0 0 ${WIDTH} ${HEIGHT}`}
        role="img"
        aria-label={`Daily kWh for ESIID ${esiid}, ${days[0].day} to ${days[days.length - 1].day}`}
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
        {days.map((day, index) => {
          const x = LEFT + index * slot + (slot - barWidth) / 2;
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
              {index % labelEvery === 0 ? (
                <text x={x + barWidth / 2} y={HEIGHT - 6} textAnchor="middle" className="axis">
                  {day.day.slice(5)}
                </text>
              ) : null}
            </g>
          );
        })}
      </svg>
      <figcaption className="row">
        <span className="legend consumption">Consumption</span>
        {hasGeneration ? <span className="legend generation">Surplus generation</span> : null}
      </figcaption>
    </figure>
  );
}

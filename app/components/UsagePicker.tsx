import { Form, Link } from "@remix-run/react";
import { useId } from "react";

/**
 * Which meter the SMT page charts, and over which Central days: plain GET forms, so every choice is in the URL
 * (a deep link) and works without JavaScript. Choosing another meter drops the range: it starts at that
 * meter's own last 30 days of data.
 */
export function UsagePicker({
  esiids,
  esiid,
  addresses,
  range,
}: {
  esiids: string[];
  esiid: string;
  addresses: Record<string, string>;
  range: { from: string; to: string } | null;
}) {
  const selectId = useId();
  const options = esiids.includes(esiid) ? esiids : [esiid, ...esiids];
  return (
    <div className="usage-picker">
      <Form method="get" className="row" aria-label="Meter" key={esiid} preventScrollReset>
        <label htmlFor={selectId}>ESIID</label>
        {/* No submit on change (WCAG 3.2.2): arrowing through the list must not navigate at every step. */}
        <select id={selectId} name="esiid" defaultValue={esiid}>
          {options.map((option) => (
            <option key={option} value={option}>
              {option}
              {addresses[option] ? ` · ${addresses[option]}` : ""}
            </option>
          ))}
        </select>
        <button type="submit" className="secondary">
          Show meter
        </button>
      </Form>
      <Form
        method="get"
        className="row"
        aria-label="Date range"
        key={`${esiid}-${range?.from}-${range?.to}`}
        preventScrollReset
      >
        <input type="hidden" name="esiid" value={esiid} />
        <label>
          From <input type="date" name="from" defaultValue={range?.from} required />
        </label>
        <label>
          To <input type="date" name="to" defaultValue={range?.to} required />
        </label>
        <button type="submit" className="secondary">
          Show range
        </button>
        <Link to={`?${new URLSearchParams({ esiid })}`} preventScrollReset>
          Last 30 days of data
        </Link>
      </Form>
    </div>
  );
}

import { Link } from "@remix-run/react";
import { TableScroll } from "~/components/TableScroll";
import type { PremiseHit } from "~/esiid/types";

const flag = (value: string | null) => value ?? "—";

export function PremiseResults({ hits }: { hits: PremiseHit[] }) {
  return (
    <TableScroll>
      <table className="data" aria-label="Premises">
        <thead>
          <tr>
            <th>ESIID</th>
            <th>Address</th>
            <th>Status</th>
            <th>Premise type</th>
            <th>Read cycle</th>
            <th>AMS (settlement / TDSP)</th>
            <th>Switch hold</th>
            <th>TDSP</th>
          </tr>
        </thead>
        <tbody>
          {hits.map((hit) => (
            <tr key={`${hit.tdsp}/${hit.esiid}`}>
              <td className="mono">
                <Link to={`/admin/esiid/${hit.esiid}`}>{hit.esiid}</Link>
              </td>
              <td>
                {hit.address}
                <div className="muted">{[hit.city, hit.zipcode].filter(Boolean).join(" ")}</div>
              </td>
              <td>{flag(hit.status)}</td>
              <td>{flag(hit.premiseType)}</td>
              <td>{flag(hit.meterReadCycle)}</td>
              <td>
                {flag(hit.settlementAmsIndicator)} / {flag(hit.tdspAmsIndicator)}
              </td>
              <td>
                {hit.switchHoldIndicator === "Y" ? (
                  <span className="badge warn">hold</span>
                ) : (
                  flag(hit.switchHoldIndicator)
                )}
              </td>
              <td>{hit.tdsp}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </TableScroll>
  );
}

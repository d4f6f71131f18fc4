import type { ActionFunctionArgs, LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { TableScroll } from "~/components/TableScroll";
import { json } from "@remix-run/node";
import { Form, useActionData, useLoaderData, useNavigation } from "@remix-run/react";
import { alertsOverview, sendTestNotification } from "~/alerts/overview.server";
import { requireOperator } from "~/auth/operator.server";
import { ALERT_STATE_BADGE, DELIVERY_STATUS_BADGE } from "~/components/alert-format";
import { Time } from "~/components/Time";

export const meta: MetaFunction = () => [{ title: "Alerts · Operator portal" }];

export async function loader({ request }: LoaderFunctionArgs) {
  await requireOperator(request);
  return json(await alertsOverview());
}

export async function action({ request }: ActionFunctionArgs) {
  const operator = await requireOperator(request);
  const form = await request.formData();
  if (form.get("intent") !== "test") return json({ ok: false, message: "Unknown action." }, { status: 400 });
  const result = await sendTestNotification(operator.actor);
  return json(result, { status: result.ok ? 200 : 502 });
}

export default function Alerts() {
  const { channels, checks, incidents, deliveries } = useLoaderData<typeof loader>();
  const result = useActionData<typeof action>();
  const sending = useNavigation().state === "submitting";
  return (
    <>
      <h1>Alerts</h1>
      <section className="card" aria-label="Channels">
        <p>
          Notifications go to:{" "}
          <strong>{channels.length ? channels.join(" and ") : "no channel (set ALERT_WEBHOOK_URL or SMTP_URL)"}</strong>
          . Checks run after every cron ping and every 5 minutes with the embedded schedule.
        </p>
        <Form method="post">
          <input type="hidden" name="intent" value="test" />
          <button type="submit" disabled={sending}>
            {sending ? "Sending…" : "Send test notification"}
          </button>
        </Form>
        {result ? (
          <p role="status" className={result.ok ? undefined : "error-text"}>
            {result.message}
          </p>
        ) : null}
      </section>

      <h2>Checks</h2>
      <TableScroll>
        <table className="data" aria-label="Checks">
          <thead>
            <tr>
              <th scope="col">Check</th>
              <th scope="col">State</th>
              <th scope="col">Since</th>
              <th scope="col">Detail</th>
            </tr>
          </thead>
          <tbody>
            {checks.map((check) => (
              <tr key={check.id} data-check={check.id}>
                <td>{check.title}</td>
                <td>
                  <span className={`badge ${check.state ? ALERT_STATE_BADGE[check.state] : "off"}`}>
                    {check.state ?? "unchecked"}
                  </span>
                </td>
                <td>
                  <Time value={check.changedAt} />
                </td>
                <td>{check.summary}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </TableScroll>

      <h2>Incidents</h2>
      {incidents.length === 0 ? (
        <p className="muted">No incident yet.</p>
      ) : (
        <TableScroll>
          <table className="data" aria-label="Incidents">
            <thead>
              <tr>
                <th scope="col">#</th>
                <th scope="col">Check</th>
                <th scope="col">State</th>
                <th scope="col">Opened</th>
                <th scope="col">Closed</th>
                <th scope="col">What happened</th>
              </tr>
            </thead>
            <tbody>
              {incidents.map((incident) => (
                <tr key={incident.id} data-incident={incident.id}>
                  <td>{incident.id}</td>
                  <td>{incident.title}</td>
                  <td>
                    <span className={`badge ${ALERT_STATE_BADGE[incident.state]}`}>{incident.state}</span>
                  </td>
                  <td>
                    <Time value={incident.openedAt} />
                  </td>
                  <td>{incident.closedAt ? <Time value={incident.closedAt} /> : "open"}</td>
                  <td>{incident.summary}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </TableScroll>
      )}

      <h2>Deliveries</h2>
      {deliveries.length === 0 ? (
        <p className="muted">No notification sent yet.</p>
      ) : (
        <TableScroll>
          <table className="data" aria-label="Deliveries">
            <thead>
              <tr>
                <th scope="col">Queued</th>
                <th scope="col">Notice</th>
                <th scope="col">Channel</th>
                <th scope="col">Outcome</th>
                <th scope="col">Attempts</th>
                <th scope="col">Error</th>
              </tr>
            </thead>
            <tbody>
              {deliveries.map((delivery) => (
                <tr key={delivery.id} data-delivery={delivery.id}>
                  <td>
                    <Time value={delivery.createdAt} />
                  </td>
                  <td>
                    {delivery.kind}
                    {delivery.incidentId ? ` (incident #${delivery.incidentId})` : ""}
                  </td>
                  <td>{delivery.channel}</td>
                  <td>
                    <span className={`badge ${DELIVERY_STATUS_BADGE[delivery.status]}`}>{delivery.status}</span>
                  </td>
                  <td>{delivery.attempts}</td>
                  <td>{delivery.lastError ?? ""}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </TableScroll>
      )}
    </>
  );
}

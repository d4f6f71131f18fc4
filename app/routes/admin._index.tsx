import type { LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { json } from "@remix-run/node";
import { useLoaderData } from "@remix-run/react";
import { requireOperator } from "~/auth/operator.server";
import { HealthPanel } from "~/components/HealthPanel";
import { collectHealth } from "~/env/health.server";

export const meta: MetaFunction = () => [{ title: "Dashboard · Operator portal" }];

export async function loader({ request }: LoaderFunctionArgs) {
  await requireOperator(request);
  return json({ health: await collectHealth() });
}

export default function Dashboard() {
  const { health } = useLoaderData<typeof loader>();
  return (
    <>
      <h1>Dashboard</h1>
      <p className="muted">
        Checked {new Date(health.checkedAt).toUTCString()} · machine-readable at <a href="/api/admin/health">/api/admin/health</a>
      </p>
      <div className="grid">
        {health.panels.map((panel) => (
          <HealthPanel key={panel.id} panel={panel} />
        ))}
      </div>
    </>
  );
}

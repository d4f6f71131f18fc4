import type { LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { Form, NavLink, Outlet } from "@remix-run/react";
import { requireOperator } from "~/auth/operator.server";
import { errorPageTitle, GeneralErrorBoundary } from "~/components/GeneralErrorBoundary";

// Remix runs every matched loader; each admin child loader also calls requireOperator itself,
// so no admin data is ever served on the strength of this layout alone.
export async function loader({ request }: LoaderFunctionArgs) {
  await requireOperator(request);
  return null;
}

// Used only when this layout renders an error (each page names itself otherwise).
export const meta: MetaFunction = ({ error }) => [{ title: error ? errorPageTitle(error) : "Operator portal" }];

const SECTIONS = [
  { to: "/admin", label: "Dashboard", end: true },
  { to: "/admin/ercot", label: "ERCOT ingest" },
  { to: "/admin/database", label: "Database" },
  { to: "/admin/smt", label: "SMT" },
  { to: "/admin/esiid", label: "ESIID" },
  { to: "/admin/alerts", label: "Alerts" },
];

function AdminNav() {
  return (
    <header className="topbar">
      <span className="brand">Operator portal</span>
      <nav className="row" aria-label="Sections">
        {SECTIONS.map((section) => (
          <NavLink key={section.to} to={section.to} end={section.end}>
            {section.label}
          </NavLink>
        ))}
      </nav>
      <Form method="post" action="/logout">
        <button type="submit" className="secondary">
          Sign out
        </button>
      </Form>
    </header>
  );
}

export default function AdminLayout() {
  return (
    <>
      <AdminNav />
      <main id="main" tabIndex={-1}>
        <Outlet />
      </main>
    </>
  );
}

export function ErrorBoundary() {
  return (
    <>
      <AdminNav />
      <main id="main" tabIndex={-1}>
        <GeneralErrorBoundary />
      </main>
    </>
  );
}

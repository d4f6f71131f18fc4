import type { MetaFunction } from "@remix-run/node";
import { errorPageTitle, GeneralErrorBoundary } from "~/components/GeneralErrorBoundary";

export const meta: MetaFunction = ({ error }) => [
  { title: errorPageTitle(error ?? new Response(null, { status: 404 })) },
];

export function loader() {
  throw new Response("There is nothing at this address.", { status: 404 });
}

export default function NotFound() {
  return null;
}

export function ErrorBoundary() {
  return (
    <main id="main" tabIndex={-1}>
      <GeneralErrorBoundary />
    </main>
  );
}

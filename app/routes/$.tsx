import { GeneralErrorBoundary } from "~/components/GeneralErrorBoundary";

export function loader() {
  throw new Response("There is nothing at this address.", { status: 404 });
}

export default function NotFound() {
  return null;
}

export function ErrorBoundary() {
  return (
    <main>
      <GeneralErrorBoundary />
    </main>
  );
}

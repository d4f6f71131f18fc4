import { isRouteErrorResponse, Link, useRouteError } from "@remix-run/react";

const MESSAGES: Record<number, string> = {
  400: "The request was not understood.",
  401: "Sign in to continue.",
  403: "You are not allowed to do that.",
  404: "There is nothing at this address.",
  413: "That upload is too large.",
  503: "A service the portal depends on is unavailable. Check the health panels.",
};

function heading(status: number) {
  return status === 404 ? "Page not found" : status >= 500 ? "Something went wrong" : `Error ${status}`;
}

/** The document title of an error page, for the boundary route's `meta`. */
export function errorPageTitle(error: unknown): string {
  return `${heading(isRouteErrorResponse(error) ? error.status : 500)} · Operator portal`;
}

/** One friendly page per status code; never a stack trace. */
export function GeneralErrorBoundary() {
  const error = useRouteError();
  const status = isRouteErrorResponse(error) ? error.status : 500;
  const detail =
    isRouteErrorResponse(error) && typeof error.data === "object" && error.data && "error" in error.data
      ? String((error.data as { error: unknown }).error)
      : isRouteErrorResponse(error) && typeof error.data === "string"
        ? error.data
        : null;
  return (
    <div className="card" role="alert" style={{ maxWidth: 640, margin: "2rem auto" }}>
      <h1>{heading(status)}</h1>
      <p>
        {detail ?? MESSAGES[status] ?? "The portal could not complete this request. The details are in the server log."}
      </p>
      <p className="muted">Status {status}</p>
      <p>
        <Link to="/admin">Back to the dashboard</Link>
      </p>
    </div>
  );
}

import type { LoaderFunctionArgs } from "@remix-run/node";
import { requireOperator } from "~/auth/operator.server";

// Unknown admin paths: sign-in first, then a 404 (never reveal which admin paths exist).
export async function loader({ request }: LoaderFunctionArgs) {
  await requireOperator(request);
  throw new Response("There is nothing at this address.", { status: 404 });
}

export default function AdminNotFound() {
  return null;
}

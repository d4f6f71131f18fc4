// The `:model` segment shared by every explorer route.
import { json, type LoaderFunctionArgs } from "@remix-run/node";
import { z } from "zod";

const ModelRouteParams = z.object({ model: z.string().min(1).max(200) });

/** The model name from the URL; a missing or absurd name is a 404 like any unknown model. */
export function requireModelParam(params: LoaderFunctionArgs["params"]): string {
  const parsed = ModelRouteParams.safeParse(params);
  if (!parsed.success) throw json({ error: "There is no model with that name." }, { status: 404 });
  return parsed.data.model;
}

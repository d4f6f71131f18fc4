import { withTimeout } from "~/time/with-timeout";
import { maskSecret } from "~/auth/secrets.server";
import { maskDatabaseUrl } from "~/db/embedded.server";
import { inspectEnv } from "~/env/env.server";
import { ALIASES, SECRET_VARIABLES } from "~/env/schema.server";
import type { PanelStatus, VariableState } from "./types";

/** Each variable's state for a panel: secrets masked, defaults named, aliases noted. */
export function describeVariables(names: string[], defaults: Record<string, string> = {}): VariableState[] {
  const { values, aliasUsed, invalid } = inspectEnv();
  return names.map((name) => {
    const value = values[name]?.trim();
    const note = aliasUsed[name]
      ? `from ${aliasUsed[name]}`
      : ALIASES[name]
        ? `alias ${ALIASES[name].join(", ")}`
        : undefined;
    if (invalid.has(name))
      return {
        name,
        state: "invalid",
        display: value && !SECRET_VARIABLES.has(name) ? value : "",
        note: invalid.get(name),
      };
    if (!value) {
      return defaults[name]
        ? { name, state: "default", display: defaults[name], note }
        : { name, state: "missing", display: "", note };
    }
    if (name === "DATABASE_URL") return { name, state: "set", display: maskDatabaseUrl(value), note };
    return { name, state: "set", display: SECRET_VARIABLES.has(name) ? maskSecret(value) : value, note };
  });
}

export function worstOf(variables: VariableState[], fallback: PanelStatus): PanelStatus {
  return variables.some((v) => v.state === "invalid") ? "error" : fallback;
}

const PROBE_TIMEOUT_MS = 3000;

/** A health probe that gives up after PROBE_TIMEOUT_MS, so one dead dependency never hangs the dashboard. */
export const probe = <T>(work: Promise<T>, what: string) => withTimeout(work, what, PROBE_TIMEOUT_MS);

/** One line, connection strings masked: driver errors can echo them. */
export function reason(error: unknown) {
  const message = error instanceof Error ? error.message : String(error);
  return message
    .replace(/postgres(ql)?:\/\/[^\s"']+/g, (url) => maskDatabaseUrl(url))
    .split("\n")[0]
    .slice(0, 300);
}

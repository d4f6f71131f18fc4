import { getEnv, type Env } from "~/env/env.server";
import type { ErcotSourcesConfig } from "./config";

/** The sources' config is the env module's ERCOT mapping, as is: nothing is copied or defaulted twice. */
export function ercotSourcesConfig(env: Env = getEnv()): ErcotSourcesConfig {
  return env.ercot;
}

export interface RunLeaseSettings {
  /** How long a running row stays valid without a heartbeat. */
  leaseMs: number;
  /** How often the lease is renewed and progress written. */
  tickMs: number;
}

export function runLeaseSettings(): RunLeaseSettings {
  const leaseMs = getEnv().ercot.runLeaseSeconds * 1000;
  // At least four renewals per lease, and progress at most every half second.
  return { leaseMs, tickMs: Math.min(500, Math.floor(leaseMs / 4)) };
}

export type RunDeadlines = Env["ercot"]["deadlines"];

export function runDeadlines(overrides: Partial<RunDeadlines> = {}): RunDeadlines {
  return { ...getEnv().ercot.deadlines, ...overrides };
}

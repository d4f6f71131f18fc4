import pino, { type Logger } from "pino";
import { ALIASES, SECRET_VARIABLES } from "~/env/schema.server";

declare global {
  var __portalLogger: Logger | undefined;
}

/** Request headers that carry credentials; pino replaces their values before anything is written. */
export const SECRET_HEADERS = [
  "authorization",
  "cookie",
  "x-intelliwatt-secret",
  "x-smt-secret",
  "x-webhook-secret",
  "x-portal-signature",
] as const;

const REDACTED = "[Redacted]";
// Credentials in query strings (`?token=` for cron pings) and URL user-info (postgresql://user:pass@host).
const QUERY_SECRET = /([?&](?:token|secret|password|key|signature|sig)=)[^&\s"'#]*/gi;
const URL_PASSWORD = /(\b[a-z][a-z0-9+.-]*:\/\/[^:/\s"'@]+:)[^@\s"'/]+@/gi;
const MIN_SECRET_LENGTH = 6;

function escapeRegExp(text: string) {
  return text.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
}

/** Every configured secret value (and its JSON-escaped form), longest first so a longer one wins. */
export function configuredSecretValues(source: Record<string, string | undefined> = process.env): string[] {
  const values = new Set<string>();
  for (const name of SECRET_VARIABLES) {
    for (const variable of [name, ...(ALIASES[name] ?? [])]) {
      const value = source[variable]?.trim();
      if (!value || value.length < MIN_SECRET_LENGTH) continue;
      values.add(value);
      values.add(JSON.stringify(value).slice(1, -1));
      values.add(encodeURIComponent(value));
      try {
        const password = decodeURIComponent(new URL(value).password);
        if (password.length >= MIN_SECRET_LENGTH) values.add(password);
      } catch {
        // not a URL
      }
    }
  }
  return [...values].sort((a, b) => b.length - a.length);
}

/** Scrubs one serialized log line: query-string credentials, URL passwords and every configured secret value. */
export function createScrubber(secretValues: string[]) {
  const known = secretValues.length ? new RegExp(secretValues.map(escapeRegExp).join("|"), "g") : null;
  return (line: string) => {
    let scrubbed = line.replace(QUERY_SECRET, `$1${REDACTED}`).replace(URL_PASSWORD, `$1${REDACTED}@`);
    if (known) scrubbed = scrubbed.replace(known, REDACTED);
    return scrubbed;
  };
}

/**
 * One JSON line per event on stdout; pretty, human-readable lines when stdout is a terminal.
 * Redaction happens here, at the logger, so no caller can forget it.
 */
export function createLogger(
  options: { destination?: pino.DestinationStream; pretty?: boolean; env?: Record<string, string | undefined> } = {},
): Logger {
  const scrub = createScrubber(configuredSecretValues(options.env));
  const pretty = options.pretty ?? (!options.destination && process.stdout.isTTY === true);
  const destination =
    options.destination ??
    (pretty
      ? pino.transport({ target: "pino-pretty", options: { translateTime: "SYS:HH:MM:ss", ignore: "pid,hostname" } })
      : pino.destination({ dest: 1, sync: true }));
  return pino(
    {
      base: { service: "portal" },
      timestamp: pino.stdTimeFunctions.isoTime,
      redact: {
        paths: [
          ...SECRET_HEADERS.map((header) => `req.headers["${header}"]`),
          'res.headers["set-cookie"]',
          "password",
          "secret",
          "token",
        ],
        censor: REDACTED,
      },
      hooks: { streamWrite: scrub },
    },
    destination,
  );
}

/** The process's logger (one per process, shared by the HTTP server and the app build). */
export function logger(): Logger {
  globalThis.__portalLogger ??= createLogger();
  return globalThis.__portalLogger;
}

/** A one-line reason for an error, for log messages and operator-facing text. */
export function errorMessage(error: unknown): string {
  return (error instanceof Error ? error.message : String(error)).split("\n")[0];
}

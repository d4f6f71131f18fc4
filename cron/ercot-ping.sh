#!/bin/sh
# Pings the portal's ERCOT cron route with the bearer secret. The secret goes to curl on stdin, never on a
# command line, so `ps` cannot show it. Needs PORTAL_BASE_URL and CRON_SECRET (systemd EnvironmentFile, or
# sourced by the crontab line). Optional argument: the path (default /api/admin/ercot/cron).
set -eu
: "${PORTAL_BASE_URL:?set PORTAL_BASE_URL, e.g. https://portal.example.com}"
: "${CRON_SECRET:?set CRON_SECRET to the portal's CRON_SECRET}"
path="${1:-/api/admin/ercot/cron}"
# A run answers when it is done; large FUL files on the first Monday can take minutes.
printf 'Authorization: Bearer %s\n' "$CRON_SECRET" |
  curl --fail-with-body --silent --show-error --max-time "${ERCOT_PING_TIMEOUT_SECONDS:-3600}" -H @- "${PORTAL_BASE_URL%/}$path"
echo

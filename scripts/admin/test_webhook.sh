#!/usr/bin/env bash
# Pings the portal's SMT webhook with the shared secret, to prove the droplet bridge is wired up.
#   scripts/admin/test_webhook.sh [base-url]
# Reads INTELLIWATT_BASE_URL and INTELLIWATT_WEBHOOK_SECRET (alias DROPLET_WEBHOOK_SECRET) from the environment,
# else from /etc/default/intelliwatt-smt (SMT_CONFIG_FILE overrides). Without a webhook secret it sends ADMIN_TOKEN
# as x-admin-token, like fetch_and_post.sh. Exit 0 when the portal answers the ping.
set -euo pipefail

CONFIG_FILE="${SMT_CONFIG_FILE:-/etc/default/intelliwatt-smt}"
if [[ -r "$CONFIG_FILE" ]]; then
  set -a
  # shellcheck source=/dev/null
  . "$CONFIG_FILE"
  set +a
fi

BASE_URL="${1:-${INTELLIWATT_BASE_URL:-}}"
SECRET="${INTELLIWATT_WEBHOOK_SECRET:-${DROPLET_WEBHOOK_SECRET:-}}"
if [[ -z "$BASE_URL" || (-z "$SECRET" && -z "${ADMIN_TOKEN:-}") ]]; then
  echo "Set INTELLIWATT_BASE_URL and INTELLIWATT_WEBHOOK_SECRET (or ADMIN_TOKEN) (environment or $CONFIG_FILE)." >&2
  exit 2
fi

headers="$(mktemp)"
body="$(mktemp)"
trap 'rm -f "$headers" "$body"' EXIT
# Through a file, so the secret never shows in ps.
if [[ -n "$SECRET" ]]; then
  printf 'x-intelliwatt-secret: %s\ncontent-type: application/json\n' "$SECRET" >"$headers"
else
  printf 'x-admin-token: %s\ncontent-type: application/json\n' "$ADMIN_TOKEN" >"$headers"
fi

status="$(curl -sS -o "$body" -w '%{http_code}' --max-time 30 -X POST -H @"$headers" \
  --data '{"mode":"ping"}' "${BASE_URL%/}/api/admin/smt/pull")" || status=000
echo "HTTP $status $(cat "$body")"
case "$status" in
  200) echo "The webhook accepts the secret." ;;
  401)
    echo "The portal refused the credential: INTELLIWATT_WEBHOOK_SECRET (or ADMIN_TOKEN) differs between the droplet and the portal." >&2
    exit 1
    ;;
  *)
    echo "The webhook did not answer the ping as expected." >&2
    exit 1
    ;;
esac

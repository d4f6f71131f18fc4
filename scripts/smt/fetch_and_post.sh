#!/usr/bin/env bash
# Droplet side of the SMT ingest, run by smt-ingest.service (smt-ingest.timer):
#   1. list the SMT SFTP folder and download files not seen before (key authentication);
#   2. decrypt .asc/.gpg deliveries with gpg; unzip bundles (CSV entries only, paths junked);
#   3. post each CSV to the portal webhook as multipart with the shared secret;
#   4. move the delivery to archive/ only after every CSV in it got a 2xx; a 422 (the portal cannot read it
#      and kept it as failed) moves it to rejected/; anything else leaves it in the inbox for the next run.
# A lock makes overlapping runs exit at once. Configuration: /etc/default/intelliwatt-smt (SMT_CONFIG_FILE overrides).
set -euo pipefail

CONFIG_FILE="${SMT_CONFIG_FILE:-/etc/default/intelliwatt-smt}"
if [[ -r "$CONFIG_FILE" ]]; then
  set -a
  # shellcheck source=/dev/null
  . "$CONFIG_FILE"
  set +a
fi

log() { printf '%s fetch_and_post: %s\n' "$(date -u +%Y-%m-%dT%H:%M:%SZ)" "$*" >&2; }
die() {
  log "$*"
  exit 2
}

BASE_URL="${INTELLIWATT_BASE_URL:-}"
SECRET="${INTELLIWATT_WEBHOOK_SECRET:-${DROPLET_WEBHOOK_SECRET:-}}"
SMT_HOST="${SMT_HOST:-ftp.smartmetertexas.biz}"
SMT_PORT="${SMT_PORT:-22}"
SMT_USER="${SMT_USER:-}"
SMT_KEY="${SMT_KEY:-}"
SMT_REMOTE_DIR="${SMT_REMOTE_DIR:-/}"
SMT_LOCAL_DIR="${SMT_LOCAL_DIR:-/home/deploy/smt_inbox}"
ARCHIVE_DIR="${SMT_ARCHIVE_DIR:-$SMT_LOCAL_DIR/archive}"
REJECTED_DIR="${SMT_REJECTED_DIR:-$SMT_LOCAL_DIR/rejected}"
LOCK_FILE="${SMT_LOCK_FILE:-$SMT_LOCAL_DIR/.fetch_and_post.lock}"
ESIID_DEFAULT="${ESIID_DEFAULT:-}"
METER_DEFAULT="${METER_DEFAULT:-}"

[[ -n "$BASE_URL" ]] || die "INTELLIWATT_BASE_URL is not set in $CONFIG_FILE."
[[ -n "$SECRET" || -n "${ADMIN_TOKEN:-}" ]] || die "Set INTELLIWATT_WEBHOOK_SECRET (or ADMIN_TOKEN) in $CONFIG_FILE."
[[ -n "$SMT_USER" && -n "$SMT_KEY" ]] || die "SMT_USER and SMT_KEY (the SFTP private key) must be set in $CONFIG_FILE."

INBOX="$SMT_LOCAL_DIR/inbox"
mkdir -p "$INBOX" "$ARCHIVE_DIR" "$REJECTED_DIR"

exec 9>"$LOCK_FILE"
if ! flock -n 9; then
  log "another run holds $LOCK_FILE; leaving this one out."
  exit 0
fi

WORK="$(mktemp -d)"
trap 'rm -rf "$WORK"' EXIT
chmod 700 "$WORK"

# The secret goes to curl through a file (-H @file), never on a command line that ps would show.
HEADERS="$WORK/headers"
if [[ -n "$SECRET" ]]; then
  printf 'x-intelliwatt-secret: %s\n' "$SECRET" >"$HEADERS"
else
  printf 'x-admin-token: %s\n' "$ADMIN_TOKEN" >"$HEADERS"
fi

sftp_batch() {
  sftp -b "$1" -i "$SMT_KEY" -P "$SMT_PORT" -o BatchMode=yes -o StrictHostKeyChecking=accept-new "$SMT_USER@$SMT_HOST"
}

# SMT names files like DailyMeterUsage20260115093012.CSV.134642921.asc; anything else odd is left on the server.
safe_name() { [[ "$1" =~ ^[A-Za-z0-9][A-Za-z0-9._()\ -]*$ ]]; }

known() { [[ -e "$INBOX/$1" || -e "$ARCHIVE_DIR/$1" || -e "$REJECTED_DIR/$1" ]]; }

pull() {
  printf 'cd "%s"\nls -1\n' "$SMT_REMOTE_DIR" >"$WORK/list.batch"
  if ! sftp_batch "$WORK/list.batch" >"$WORK/listing" 2>"$WORK/sftp.err"; then
    log "SFTP listing of $SMT_USER@$SMT_HOST:$SMT_REMOTE_DIR failed: $(tail -n 1 "$WORK/sftp.err")"
    return 1
  fi
  : >"$WORK/get.batch"
  printf 'cd "%s"\nlcd "%s"\n' "$SMT_REMOTE_DIR" "$INBOX" >>"$WORK/get.batch"
  local fresh=0 name
  while IFS= read -r name; do
    name="${name%$'\r'}"
    name="${name##*/}"
    [[ -z "$name" || "$name" == sftp\>* ]] && continue
    if ! safe_name "$name"; then
      log "skipping remote file with an unexpected name: $name"
      continue
    fi
    known "$name" && continue
    printf 'get "%s"\n' "$name" >>"$WORK/get.batch"
    fresh=$((fresh + 1))
  done <"$WORK/listing"
  if ((fresh == 0)); then
    log "no new files on SFTP."
    return 0
  fi
  if ! sftp_batch "$WORK/get.batch" >/dev/null 2>"$WORK/sftp.err"; then
    log "SFTP download failed: $(tail -n 1 "$WORK/sftp.err")"
    return 1
  fi
  log "downloaded $fresh new file(s)."
}

# Posts one CSV; prints the HTTP status.
post_csv() {
  local csv="$1" form=(-F "file=@$1;type=text/csv")
  [[ -n "$ESIID_DEFAULT" ]] && form+=(-F "esiid=$ESIID_DEFAULT")
  [[ -n "$METER_DEFAULT" ]] && form+=(-F "meter=$METER_DEFAULT")
  form+=(-F "capturedAt=$(date -u +%Y-%m-%dT%H:%M:%SZ)")
  local status
  : >"$WORK/response.json"
  status="$(curl -sS -o "$WORK/response.json" -w '%{http_code}' --max-time 900 \
    -H @"$HEADERS" "${form[@]}" "${BASE_URL%/}/api/admin/smt/pull" </dev/null)" || true
  log "posted $(basename "$csv"): HTTP ${status:-000} $(head -c 300 "$WORK/response.json")"
  printf '%s' "${status:-000}"
}

# Turns one delivery into the CSVs to post, in $2 (one per line).
expand_delivery() {
  local delivery="$1" list="$2" plain="$WORK/plain"
  rm -rf "$WORK/unzipped" "$plain"
  case "$delivery" in
    *.asc | *.ASC | *.gpg | *.GPG | *.pgp | *.PGP)
      gpg --batch --yes --quiet --output "$plain" --decrypt "$delivery" || return 1
      ;;
    *) cp "$delivery" "$plain" ;;
  esac
  if [[ "$(head -c 2 "$plain")" == "PK" ]]; then
    mkdir -p "$WORK/unzipped"
    # -j drops the folders inside the ZIP, so no entry can land outside unzipped/.
    unzip -qq -o -j "$plain" -d "$WORK/unzipped" || return 1
    find "$WORK/unzipped" -maxdepth 1 -type f -iname '*.csv' | sort >"$list"
  else
    local name
    name="$(basename "$delivery")"
    name="${name%.[Aa][Ss][Cc]}"
    name="${name%.[Gg][Pp][Gg]}"
    mkdir -p "$WORK/unzipped"
    mv "$plain" "$WORK/unzipped/$name"
    printf '%s\n' "$WORK/unzipped/$name" >"$list"
  fi
}

failures=0
pull || failures=$((failures + 1))

shopt -s nullglob
for delivery in "$INBOX"/*; do
  [[ -f "$delivery" ]] || continue
  name="$(basename "$delivery")"
  if ! expand_delivery "$delivery" "$WORK/csvs"; then
    log "$name could not be decrypted or unpacked; it stays in the inbox."
    failures=$((failures + 1))
    continue
  fi
  if [[ ! -s "$WORK/csvs" ]]; then
    log "$name holds no CSV; moved to rejected/."
    mv "$delivery" "$REJECTED_DIR/"
    continue
  fi
  outcome=archive
  while IFS= read -r csv; do
    status="$(post_csv "$csv")"
    case "$status" in
      2??) ;;
      422) [[ "$outcome" == archive ]] && outcome=rejected ;;
      *) outcome=retry ;;
    esac
  done <"$WORK/csvs"
  case "$outcome" in
    archive) mv "$delivery" "$ARCHIVE_DIR/" && log "$name archived." ;;
    rejected) mv "$delivery" "$REJECTED_DIR/" && log "$name was refused by the portal (422); moved to rejected/. See /admin/smt." ;;
    retry)
      log "$name was not accepted; it stays in the inbox for the next run."
      failures=$((failures + 1))
      ;;
  esac
done

if ((failures > 0)); then
  log "finished with $failures problem(s)."
  exit 1
fi
log "finished."

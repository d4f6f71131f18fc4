#!/usr/bin/env bash
# npm test: unit + integration tests (Vitest, real PostgreSQL and s3rver), then browser tests
# (Playwright in Debian's Chromium). Installs the system tools it needs with apt when run as root.
set -euo pipefail
cd "$(dirname "$0")/.."

missing=()
[ -x "${CHROMIUM_PATH:-/usr/bin/chromium}" ] || missing+=(chromium)
command -v shellcheck >/dev/null || missing+=(shellcheck)
command -v xmlsec1 >/dev/null || missing+=(xmlsec1)
command -v gpg >/dev/null || missing+=(gnupg)
command -v unzip >/dev/null || missing+=(unzip)
command -v curl >/dev/null || missing+=(curl)
command -v flock >/dev/null || missing+=(util-linux)

if [ ${#missing[@]} -gt 0 ]; then
  if [ "$(id -u)" -eq 0 ] && command -v apt-get >/dev/null; then
    echo "Installing ${missing[*]} with apt-get…"
    apt-get update -qq
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}" >/dev/null
  else
    echo "The tests need: ${missing[*]}. Install them with:" >&2
    echo "  sudo apt-get update && sudo apt-get install -y ${missing[*]}" >&2
    exit 1
  fi
fi

mkdir -p test-results
npx vitest run "$@"
npx playwright test

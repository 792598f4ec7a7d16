#!/usr/bin/env bash
# Run by `npm test` first (npm's pretest): the browser tests need Chromium, the distributed-
# experiment tests need redis-server, both from the system's packages. On a Debian/Ubuntu machine
# where we may install (root), missing ones are installed; elsewhere, this says what to install.
set -euo pipefail
missing=()
[ -x "${AURA_CHROMIUM:-/usr/bin/chromium}" ] || missing+=(chromium)
if [ "${AURA_SKIP_REDIS_TESTS:-}" != "1" ] && ! command -v redis-server >/dev/null 2>&1; then
  missing+=(redis-server)
fi
[ ${#missing[@]} -eq 0 ] && exit 0
if [ "$(id -u)" = "0" ] && command -v apt-get >/dev/null 2>&1; then
  echo "npm test: installing ${missing[*]} (Debian packages) for the browser and queue tests" >&2
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
  exit 0
fi
echo "npm test needs ${missing[*]}: install with 'sudo apt-get install ${missing[*]}'" >&2
echo "(or point AURA_CHROMIUM at a Chromium; AURA_SKIP_REDIS_TESTS=1 skips the queue tests)" >&2
exit 1

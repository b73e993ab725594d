#!/usr/bin/env bash
# The browser tests drive Debian's Chromium through Playwright: its headless shell for most
# (chromium-headless-shell: half the CPU of the full browser), the full browser where a test
# needs what the shell lacks (Background Sync). Install what is missing.
set -u
missing=()
command -v chromium >/dev/null || [ -x /usr/bin/chromium-browser ] || missing+=(chromium fonts-liberation2)
command -v chromium-headless-shell >/dev/null || missing+=(chromium-headless-shell)
[ ${#missing[@]} -eq 0 ] && exit 0
if [ "$(id -u)" = "0" ] && command -v apt-get >/dev/null; then
  echo "== installing ${missing[*]} for the browser tests (apt-get)"
  (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}") >/tmp/chibo-apt.log 2>&1 \
    || { echo "${missing[*]} could not be installed; see /tmp/chibo-apt.log" >&2; exit 1; }
  exit 0
fi
echo "${missing[*]} not found and cannot be installed here; browser tests use what there is, or are skipped." >&2

#!/usr/bin/env bash
# The browser tests drive Debian's Chromium through Playwright; install it where missing.
set -u
for b in /usr/bin/chromium /usr/bin/chromium-browser; do
  [ -x "$b" ] && exit 0
done
if [ "$(id -u)" = "0" ] && command -v apt-get >/dev/null; then
  echo "== installing Chromium for the browser tests (apt-get)"
  (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium fonts-liberation2) >/tmp/chibo-apt.log 2>&1 \
    || { echo "Chromium could not be installed; see /tmp/chibo-apt.log" >&2; exit 1; }
  exit 0
fi
echo "Chromium not found and cannot be installed here; browser tests will be skipped." >&2

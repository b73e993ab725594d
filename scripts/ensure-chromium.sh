#!/usr/bin/env bash
# The browser tests drive Debian's Chromium through Playwright: its headless shell for most
# (chromium-headless-shell: half the CPU of the full browser), the full browser where a test
# needs what the shell lacks (Background Sync). Install what is missing: the full browser is
# required where it can be installed, the shell never (without it the full browser serves).
set -u
can_install() { [ "$(id -u)" = "0" ] && command -v apt-get >/dev/null; }
install() {
  echo "== installing $* for the browser tests (apt-get)"
  { [ -n "${updated:-}" ] || apt-get update -qq; } >>/tmp/chibo-apt.log 2>&1 && updated=1 &&
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "$@" >>/tmp/chibo-apt.log 2>&1
}
if ! command -v chromium >/dev/null && [ ! -x /usr/bin/chromium-browser ]; then
  if ! can_install; then
    echo "chromium not found and cannot be installed here: the browser tests are skipped." >&2
    exit 0
  fi
  install chromium fonts-liberation2 ||
    { echo "chromium could not be installed; see /tmp/chibo-apt.log" >&2; exit 1; }
fi
if ! command -v chromium-headless-shell >/dev/null && can_install; then
  install chromium-headless-shell ||
    echo "chromium-headless-shell could not be installed: the browser tests use chromium." >&2
fi
exit 0

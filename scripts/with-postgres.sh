#!/usr/bin/env bash
# Run a command against a throwaway PostgreSQL cluster: initdb in a temp folder, a free port on
# loopback, DATABASE_URL exported, the cluster stopped and removed afterwards, whatever happens.
# Without PostgreSQL on this machine the command is skipped (or, with CHIBO_PG_OR_WITHOUT=1, run
# without DATABASE_URL), unless CHIBO_REQUIRE_POSTGRES=1, which makes that an error.
set -euo pipefail

find_bin() {
  command -v "$1" 2>/dev/null && return
  for d in /usr/lib/postgresql/*/bin; do [ -x "$d/$1" ] && { echo "$d/$1"; return; }; done
  return 1
}
INITDB=$(find_bin initdb || true)
PG_CTL=$(find_bin pg_ctl || true)
PSQL=$(find_bin psql || true)
if [ -z "$INITDB" ] || [ -z "$PG_CTL" ]; then
  if [ "${CHIBO_REQUIRE_POSTGRES:-0}" = "1" ]; then
    echo "PostgreSQL (initdb, pg_ctl) is required (CHIBO_REQUIRE_POSTGRES=1) but was not found." >&2
    exit 1
  fi
  echo "== PostgreSQL not found: skipping the PostgreSQL run"
  # CHIBO_PG_OR_WITHOUT=1: the command runs all the same, without DATABASE_URL (make test's
  # scripts/test-suites.sh, whose SQLite suite runs either way).
  [ "${CHIBO_PG_OR_WITHOUT:-0}" = "1" ] && exec "$@"
  exit 0
fi

DIR=$(mktemp -d /tmp/chibo-pg.XXXXXX)
PORT=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
RUN_AS=()
if [ "$(id -u)" = "0" ]; then
  # PostgreSQL refuses to run as root: run the server as nobody, owning only the temp folder.
  chown nobody "$DIR"
  RUN_AS=(runuser -u nobody --)
fi
server_cpu() {  # the server's CPU so far (its processes that ended included), in seconds
  local pid
  pid=$(head -1 "$DIR/data/postmaster.pid" 2>/dev/null) || return 0
  awk -v hz="$(getconf CLK_TCK)" '{ printf "%.1f", ($14 + $15 + $16 + $17) / hz }' "/proc/$pid/stat"
}
cleanup() {
  [ "${CHIBO_PG_CPU:-0}" = "1" ] && echo "== PostgreSQL server CPU: $(server_cpu) s" >&2
  "${RUN_AS[@]}" "$PG_CTL" -D "$DIR/data" -m immediate stop >/dev/null 2>&1 || true
  rm -rf "$DIR"
}
trap cleanup EXIT
"${RUN_AS[@]}" "$INITDB" -D "$DIR/data" -U chibo --auth=trust --encoding=UTF8 --locale=C.UTF-8 >/dev/null
"${RUN_AS[@]}" "$PG_CTL" -D "$DIR/data" -l "$DIR/log" -w \
  -o "-p $PORT -k $DIR -c listen_addresses=127.0.0.1 -c fsync=off -c synchronous_commit=off -c full_page_writes=off" start >/dev/null
"${RUN_AS[@]}" "$PSQL" -h 127.0.0.1 -p "$PORT" -U chibo -d postgres -qc "CREATE DATABASE chibo" >/dev/null
echo "== $("$PG_CTL" --version) on 127.0.0.1:$PORT"
if [ "${CHIBO_PG_TCP:-0}" = "1" ]; then
  export DATABASE_URL="postgres://chibo@127.0.0.1:$PORT/chibo"
else  # the Unix socket in the cluster's folder: each query's round trip costs less than TCP's
  chmod 755 "$DIR"
  export DATABASE_URL="postgres://chibo@${DIR//\//%2F}:$PORT/chibo"
fi
export PGHOST=127.0.0.1 PGPORT=$PORT PGUSER=chibo
"$@"

#!/usr/bin/env bash
# A throwaway PostgreSQL cluster that outlives one command, for generating a large data set once
# and benchmarking it many times. Same server flags as scripts/with-postgres.sh (loopback only,
# fsync off), data under bench/data/pg-NAME (gitignored).
#
#   bench/pg.sh start national     # initdb on first use, start, print the DATABASE_URL line
#   eval "$(bench/pg.sh env national)"
#   bench/pg.sh stop national      # stop the server, keep the data
#   bench/pg.sh destroy national   # stop and delete the data
#
# Extra server settings: PG_OPTS="-c shared_buffers=2GB" bench/pg.sh start national
set -euo pipefail

find_bin() {
  command -v "$1" 2>/dev/null && return
  for d in /usr/lib/postgresql/*/bin; do [ -x "$d/$1" ] && { echo "$d/$1"; return; }; done
  echo "PostgreSQL ($1) not found" >&2
  exit 1
}
cmd=${1:?usage: bench/pg.sh start|env|stop|destroy NAME}
name=${2:?usage: bench/pg.sh start|env|stop|destroy NAME}
HERE=$(cd "$(dirname "$0")" && pwd)
DIR="$HERE/data/pg-$name"
RUN_AS=()
[ "$(id -u)" = "0" ] && RUN_AS=(runuser -u nobody --)  # PostgreSQL refuses to run as root

url() { echo "postgres://chibo@127.0.0.1:$(cat "$DIR/port")/chibo"; }

case "$cmd" in
  start)
    if [ ! -d "$DIR/data" ]; then
      mkdir -p "$DIR"
      [ ${#RUN_AS[@]} -gt 0 ] && chown nobody "$DIR"
      "${RUN_AS[@]}" "$(find_bin initdb)" -D "$DIR/data" -U chibo --auth=trust --encoding=UTF8 \
        --locale=C.UTF-8 >/dev/null
      python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])' \
        >"$DIR/port"
      fresh=1
    fi
    PORT=$(cat "$DIR/port")
    "${RUN_AS[@]}" "$(find_bin pg_ctl)" -D "$DIR/data" -l "$DIR/log" -w \
      -o "-p $PORT -k $DIR -c listen_addresses=127.0.0.1 -c fsync=off -c synchronous_commit=off -c full_page_writes=off ${PG_OPTS:-}" \
      start >/dev/null
    if [ "${fresh:-0}" = "1" ]; then
      "${RUN_AS[@]}" "$(find_bin psql)" -h 127.0.0.1 -p "$PORT" -U chibo -d postgres -qc \
        "CREATE DATABASE chibo" >/dev/null
    fi
    echo "== $("$(find_bin pg_ctl)" --version) on 127.0.0.1:$PORT ($DIR)" >&2
    echo "export DATABASE_URL=$(url)"
    ;;
  env) echo "export DATABASE_URL=$(url)" ;;
  stop) "${RUN_AS[@]}" "$(find_bin pg_ctl)" -D "$DIR/data" -m fast stop ;;
  destroy)
    "${RUN_AS[@]}" "$(find_bin pg_ctl)" -D "$DIR/data" -m immediate stop >/dev/null 2>&1 || true
    rm -rf "$DIR"
    ;;
  *) echo "usage: bench/pg.sh start|env|stop|destroy NAME" >&2; exit 2 ;;
esac

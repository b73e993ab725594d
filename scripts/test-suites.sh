#!/usr/bin/env bash
# make test's two suites, run by scripts/with-postgres.sh (CHIBO_PG_OR_WITHOUT=1): SQLite's, then
# PostgreSQL's where the cluster runs (DATABASE_URL set).
#
# Each suite's test database is migrated once, by its first worker, while the other waits for it
# (conftest.py, MigratedOnce). For PostgreSQL that is done here instead, during the SQLite suite's
# start, when one of its workers waits for the other's migration anyway: the PostgreSQL suite's
# workers then both copy the database migrated here (CHIBO_TEST_PG_MIGRATED) from their start.
# Its `migrate` is the one the test database's creation runs (run_syncdb included). The
# PostgreSQL suite runs even when the SQLite one failed, so that one run reports both.
set -uo pipefail
make_=(make --no-print-directory)
pg_url=${DATABASE_URL:-}
if [ -z "$pg_url" ]; then
  "${make_[@]}" test-sqlite
  exit $?
fi

template=chibo_test_migrated
log=$(mktemp /tmp/chibo-pg-migrate.XXXXXX)
trap 'rm -f "$log"' EXIT
{
  .venv/bin/python - "$pg_url" "$template" <<'PY' &&
import sys

import psycopg

with psycopg.connect(sys.argv[1], autocommit=True) as conn:
    conn.execute(f'CREATE DATABASE "{sys.argv[2]}"')
PY
  DATABASE_URL="${pg_url%/*}/$template" .venv/bin/python manage.py migrate --run-syncdb \
    --noinput -v0
} >"$log" 2>&1 &
migrating=$!

env -u DATABASE_URL "${make_[@]}" test-sqlite
rc=$?
if ! wait "$migrating"; then
  echo "make test: migrating PostgreSQL's test database failed:" >&2
  cat "$log" >&2
  exit 1
fi
CHIBO_TEST_PG_MIGRATED=$template "${make_[@]}" test-postgres-in-cluster || rc=$?
exit $rc

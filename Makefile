# chibo: two commands do all the set-up.
#   make run   - environment, migrations, the demo when the database is empty, server on 127.0.0.1:8000
#                (with the task worker beside it)
#   make test  - lint (ruff, the import contracts), migrations check, the suite on SQLite and on
#                PostgreSQL where available
SHELL := /bin/bash
export UV_PYTHON_DOWNLOADS := never
export UV_PROJECT_ENVIRONMENT := .venv
# Python keeps the bytecode it compiles (and pytest its rewritten test modules): where the
# environment says not to, every process of a run (four pytest workers, the commands the tests
# start) compiled Django and chibo again, about 4 s of CPU each.
unexport PYTHONDONTWRITEBYTECODE
# A pyenv shim can exist without a working uv behind it: trust uv only if it runs.
UV := $(shell uv --version >/dev/null 2>&1 && command -v uv || echo .tools/bin/uv)
PY := .venv/bin/python
DEMO_PASSWORD ?= chibo-demo-2023

.PHONY: run test env lint check-migrations warm-tests warm-tests-1 warm-tests-2 test-sqlite test-postgres test-postgres-in-cluster browser-deps demo bench bench-smoke clean

.tools/bin/uv:
	@if ! uv --version >/dev/null 2>&1; then \
	  echo "== installing uv into .tools (once)"; \
	  python3 -m pip install -q --target .tools uv 2>/dev/null || \
	    { python3 -m venv .tools && .tools/bin/pip install -q uv; }; fi

.venv/.synced: pyproject.toml uv.lock | .tools/bin/uv
	$(UV) sync --frozen
	@touch $@

env: .venv/.synced

run: env
	@mkdir -p var
	$(PY) manage.py migrate --noinput -v0
	$(PY) manage.py demo --if-empty --password "$(DEMO_PASSWORD)"
	$(PY) manage.py demo_logins --password "$(DEMO_PASSWORD)"
	@# The task worker (workbook imports) runs beside the server and stops with it.
	$(PY) manage.py db_worker --no-reload -v0 & trap 'kill $$! 2>/dev/null' EXIT; \
	  $(PY) manage.py runserver 127.0.0.1:8000

# The two suites run one after the other, each with a worker per core. (Side by side, four
# workers on two cores, they took a fifth more CPU and some 35 s more of wall time: measured on
# 06/12/2026, bench/results/suite-levers-measured.md.) The demo district is built once for both,
# by the SQLite suite: the PostgreSQL suite copies its rows from the folder in
# CHIBO_TEST_DEMO_SHARE (chibo/demo/tests/conftest.py). The PostgreSQL suite runs even when the
# SQLite one failed, so that one run reports both. Chromium, where it is missing, is installed
# beside the lint and the suites (apt-get: some 40 s on a new machine, mostly the download): the
# browser tests wait for it (CHIBO_BROWSER_DEPS, conftest.py).
test: env
	@deps=$$(mktemp -d /tmp/chibo-browser-deps.XXXXXX); share=$$(mktemp -d /tmp/chibo-demo-share.XXXXXX); \
	  trap 'rm -rf "$$deps" "$$share"' EXIT; \
	  { bash scripts/ensure-chromium.sh >"$$deps/log" 2>&1; echo $$? >"$$deps/status.new"; \
	    mv "$$deps/status.new" "$$deps/status"; } & \
	  $(MAKE) --no-print-directory -j2 --output-sync=target lint check-migrations warm-tests-1 warm-tests-2; \
	  rc=$$?; if [ $$rc = 0 ]; then export CHIBO_BROWSER_DEPS=$$deps CHIBO_TEST_DEMO_SHARE=$$share; \
	    CHIBO_PG_OR_WITHOUT=1 bash scripts/with-postgres.sh bash scripts/test-suites.sh || rc=$$?; fi; \
	  wait; cat "$$deps/log"; \
	  if [ "$$(cat "$$deps/status")" != 0 ]; then echo "make test: Chromium could not be installed" >&2; exit 1; fi; \
	  [ $$rc = 0 ] || exit $$rc; echo "make test: all checks passed"

# Python compiles chibo, Django and (pytest) every test module with its assertions rewritten the
# first time it imports them, and keeps the result: one collection beside the lint, before the
# suites, so the four processes of the suites do not each compile everything again on a fresh
# clone (about 8 s of CPU each); two collections side by side, each over half of the apps, so
# that both cores compile.
WARM_APPS := $(shell find chibo -name 'test_*.py' | cut -d/ -f2 | sort -u)
WARM_1 := $(addprefix chibo/,$(shell printf '%s\n' $(WARM_APPS) | awk 'NR % 2 == 1'))
WARM_2 := $(addprefix chibo/,$(shell printf '%s\n' $(WARM_APPS) | awk 'NR % 2 == 0'))
warm-tests: warm-tests-1 warm-tests-2

warm-tests-1 warm-tests-2: env
	@out=$$(.venv/bin/pytest -p no:cacheprovider --collect-only -q $(WARM_$(subst warm-tests-,,$@)) 2>&1) || { echo "$$out"; exit 1; }

lint: env
	.venv/bin/ruff check .
	.venv/bin/ruff format --check .
	.venv/bin/lint-imports  # the layers and no-circle contracts in pyproject.toml

check-migrations: env
	CHIBO_SQLITE_PATH=/tmp/chibo-migcheck.sqlite3 $(PY) manage.py makemigrations --check --dry-run

browser-deps:
	@bash scripts/ensure-chromium.sh

# pytest-xdist: one worker per core, and one more that runs the browser modules alone (they
# wait on Chromium most of their time); the demo's tests stay together on one (conftest.py).
XDIST ?= -n $(shell echo $$(( $$(nproc) + 1 ))) --dist loadgroup

# The suite's Python processes keep the frame chunks CPython 3.12 maps and unmaps in deep calls
# (scripts/frame_chunks.c: 8% of a page test's CPU went to the kernel for them). Built where a C
# compiler is found; the processes the tests start (commands, servers, Chromium) run without it.
FRAME_CHUNKS = $$([ -f .tools/frame_chunks.so ] && echo "$$PWD/.tools/frame_chunks.so")

.tools/frame_chunks.so: scripts/frame_chunks.c
	@mkdir -p .tools; cc -O2 -shared -fPIC -o $@ $< -ldl 2>/dev/null || \
	  echo "== no C compiler: the suite runs without scripts/frame_chunks.c"

test-sqlite: env .tools/frame_chunks.so
	LD_PRELOAD=$(FRAME_CHUNKS) .venv/bin/pytest -p no:cacheprovider $(XDIST) $(PYTEST_ARGS)

test-postgres: env .tools/frame_chunks.so
	@bash scripts/with-postgres.sh $(MAKE) --no-print-directory test-postgres-in-cluster

# (in the cluster scripts/with-postgres.sh started: DATABASE_URL)
test-postgres-in-cluster: env .tools/frame_chunks.so
	LD_PRELOAD=$(FRAME_CHUNKS) .venv/bin/pytest -p no:cacheprovider $(XDIST) $(PYTEST_ARGS)

bench: env
	$(PY) bench/run.py --help

# Every benchmark once, briefly, on a throwaway demo and a generated district (a few minutes),
# results left in the temporary folder: the suite does not run them, and a benchmark breaks
# quietly when the code or the demo it reads changes (four had, found on 06/12/2026).
bench-smoke: env
	@tmp=$$(mktemp -d /tmp/chibo-bench-smoke.XXXXXX); trap 'rm -rf "$$tmp"' EXIT; set -e; \
	  demo="CHIBO_SQLITE_PATH=$$tmp/demo.sqlite3"; district="CHIBO_SQLITE_PATH=$$tmp/district.sqlite3"; \
	  echo "== the demo and a district into $$tmp"; \
	  env $$demo $(PY) manage.py migrate -v0; env $$demo $(PY) manage.py demo --password x >/dev/null; \
	  env $$district $(PY) bench/generate.py --scale district >/dev/null; \
	  for b in "$$demo bench/run.py --scale demo --n 2 --warmup 1 --wait-idle 0 --no-save" \
	           "$$district bench/run.py --scale district --n 2 --warmup 1 --wait-idle 0 --no-save" \
	           "$$demo bench/dashboards.py --n 2 --warmup 1 --wait-idle 0 --no-save" \
	           "$$demo bench/member_statistics.py --n 2 --warmup 1 --wait-idle 0 --no-save" \
	           "$$demo bench/form_renderer.py --n 2 --warmup 1 --wait-idle 0 --out $$tmp" \
	           "$$demo bench/admissions_board.py -n 2 --out $$tmp" \
	           "$$demo bench/plans_rollup.py -n 2 --out $$tmp" \
	           "$$demo bench/indicator_batch.py -n 1" \
	           "$$demo bench/import_members.py --rows 300 --runs 1 --max-load 99 --out $$tmp/im.md"; do \
	    set -- $$b; echo "== $$2"; env "$$1" $(PY) "$${@:2}" >"$$tmp/log" 2>&1 || { cat "$$tmp/log"; exit 1; }; \
	  done; echo "bench-smoke: every benchmark ran"

clean:
	rm -rf .venv .tools var

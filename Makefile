# Lojista: `make run` (demo shop) and `make test` (whole suite) work on a fresh
# clone with only Python 3.11+, make and git installed.

PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
UV_VERSION := 0.13.8
export UV_PYTHON_DOWNLOADS := never
export UV_PROJECT_ENVIRONMENT := $(VENV)

# PostgreSQL for the second pass of `make test`: TEST_DATABASE_URL, else a
# DATABASE_URL that points at PostgreSQL.
PG_URL := $(or $(TEST_DATABASE_URL),$(filter postgres%,$(DATABASE_URL)))

.PHONY: install browser run test test-sqlite test-postgres lint bench bench-tools bench-server bench-flows bench-emails bench-data bench-scale messages clean

$(VENV)/.installed: pyproject.toml uv.lock
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --disable-pip-version-check uv==$(UV_VERSION)
	$(BIN)/uv sync --frozen --inexact --quiet
	test -f .env || cp .env.example .env  # development settings for manage.py; never overwritten
	touch $@

install: $(VENV)/.installed

# The browser tests drive Debian's Chromium (never Playwright's download).
# Installed when missing and this user can (root with apt-get); otherwise the
# browser tests are skipped with the reason, except under CI where they fail.
CHROMIUM := /usr/bin/chromium
browser:
	@if [ -x $(CHROMIUM) ]; then :; \
	elif [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null; then \
		echo "Installing Debian's chromium for the browser tests"; \
		DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends chromium >/dev/null \
		|| { apt-get update -q >/dev/null && DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends chromium >/dev/null; }; \
	else echo "No $(CHROMIUM): the browser tests will be skipped (install Debian's chromium)"; fi

run: install
	DEBUG=$${DEBUG:-true} $(BIN)/python manage.py migrate --noinput
	DEBUG=$${DEBUG:-true} $(BIN)/python manage.py seed_demo --if-empty
	DEBUG=$${DEBUG:-true} ./scripts/run-demo

# The two passes run side by side (each uses its own Redis databases: see
# tests/redis_helpers.py); each one's output is printed whole when it ends.
test: install browser
	@echo "Running the SQLite and PostgreSQL passes side by side; each prints its report when it ends."
	@$(MAKE) --no-print-directory -j2 --output-sync=target test-sqlite test-postgres

test-sqlite: install browser
	env -u DATABASE_URL $(BIN)/pytest

test-postgres: install browser
ifneq ($(PG_URL),)
	DATABASE_URL=$(PG_URL) $(BIN)/pytest
else
	@echo "PostgreSQL pass skipped: set TEST_DATABASE_URL=postgres://user@host:5432/db to run it."
endif

lint: install
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/mypy lojista
	$(BIN)/lint-imports --no-cache

# The server benchmarks (bench/server.py) drive gunicorn with Debian's wrk,
# against PostgreSQL: BENCH_DATABASE_URL, else the test pass's, else the local one.
BENCH_PG := $(or $(BENCH_DATABASE_URL),$(PG_URL),postgres://postgres@127.0.0.1:5432/postgres)
# Debian's packages the benchmarks need: wrk (load) and nginx (the scale-out
# check's load balancer: bench/scale.py runs its own nginx process on a free
# port with a generated configuration, whatever the system's nginx does).
bench-tools:
	@missing=""; \
	command -v wrk >/dev/null || missing="$$missing wrk"; \
	{ command -v nginx >/dev/null || [ -x /usr/sbin/nginx ]; } || missing="$$missing nginx"; \
	if [ -z "$$missing" ]; then :; \
	elif [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null; then \
		echo "Installing Debian's$$missing for the benchmarks"; \
		DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends $$missing >/dev/null \
		|| { apt-get update -q >/dev/null && DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends $$missing >/dev/null; }; \
	else echo "Missing:$$missing: install Debian's packages of the same names"; exit 1; fi

bench-server: install bench-tools
	BENCH_DATABASE_URL=$(BENCH_PG) $(BIN)/python bench/server.py

# Each target runs one group of scenarios and prints its figures; `make bench`
# runs them all, one after the other (they must not share the two cores).
bench-flows: install bench-tools
	BENCH_DATABASE_URL=$(BENCH_PG) $(BIN)/python bench/flows.py

bench-emails: install
	BENCH_DATABASE_URL=$(BENCH_PG) $(BIN)/python bench/emails.py

bench-data: install bench-tools
	BENCH_DATABASE_URL=$(BENCH_PG) $(BIN)/python bench/data.py

bench-scale: install bench-tools
	BENCH_DATABASE_URL=$(BENCH_PG) $(BIN)/python bench/scale.py

bench: install bench-server bench-flows bench-emails bench-data
	$(BIN)/python bench/run.py

# Needs GNU gettext (xgettext, msgfmt); the compiled .mo is committed so that
# running Lojista does not.
messages: install
	cd lojista && DEBUG=true ../$(BIN)/python ../manage.py makemessages -l pt_BR --no-obsolete --no-location
	cd lojista && DEBUG=true ../$(BIN)/python ../manage.py compilemessages -l pt_BR

clean:
	rm -rf $(VENV) var .pytest_cache .ruff_cache .mypy_cache .import_linter_cache

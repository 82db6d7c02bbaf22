# Milepost: `make run` and `make test` are all a fresh machine needs (see README.md).

PORT ?= 8000
HOST ?= 127.0.0.1
VENV := .venv
BIN := $(VENV)/bin
PY := $(BIN)/python
# pyenv reads .python-version (3.12.1); elsewhere any python3.12 on PATH will do.
PYTHON ?= $(shell command -v python3.12 2>/dev/null || command -v python3)
export PYTHONDONTWRITEBYTECODE := 1

.PHONY: run serve test test-domain test-sqlite lint format bench bench-scale load-test eval-smart eval-assistant demo migrate install install-dev install-npm clean check-python

check-python:
	@$(PYTHON) -c 'import sys; v = sys.version_info; sys.exit(0 if v >= (3, 12) else "Milepost needs Python 3.12 or newer (Django 6); found %d.%d. Install python3.12 or select it with pyenv." % v[:2])'

$(BIN)/activate: | check-python
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip

$(VENV)/.installed-base: requirements/base.txt pyproject.toml | $(BIN)/activate
	$(PY) -m pip install --quiet -r requirements/base.txt
	$(PY) -m pip install --quiet --no-deps -e .
	@touch $@

$(VENV)/.installed-dev: requirements/dev.txt $(VENV)/.installed-base
	$(PY) -m pip install --quiet -r requirements/dev.txt
	@touch $@

# axe-core, for the accessibility checks of the browser tests (no lock file: see README).
node_modules/.installed: package.json
	npm install --no-package-lock --no-audit --no-fund --silent
	@touch $@

install: $(VENV)/.installed-base
install-dev: $(VENV)/.installed-dev
install-npm: node_modules/.installed

var/secret_key:
	@mkdir -p var
	@$(PYTHON) -c 'import secrets; print(secrets.token_urlsafe(50))' > $@
	@chmod 600 $@

# The key that signs SMART apps' OpenID Connect id_tokens (docs/fhir.md).
var/oidc_rsa_key.pem: | install var/secret_key
	@$(PY) manage.py oidc_key $@ >/dev/null

migrate: install var/secret_key var/oidc_rsa_key.pem
	$(PY) manage.py migrate --no-input -v 0

demo: migrate
	$(PY) manage.py demo

# Creates the virtualenv, installs, migrates the SQLite database under var/, loads the
# demo practice, and serves on http://$(HOST):$(PORT)/.
run: demo
	@$(MAKE) --no-print-directory serve

# Serves what is installed and migrated (no demo data is loaded): `make run` once, then
# `make serve` to start again with the data as it was left. A task worker runs beside it.
serve: migrate
	$(PY) manage.py collectstatic --no-input -v 0
	@echo ""
	@echo "  Milepost is running at http://$(HOST):$(PORT)/  (Ctrl-C stops it)"
	@echo "  Demo logins (after make run): alice@demo.milepost.test, bob@, sam@, erin@, dana@;"
	@echo "  password milepost-demo-2026"
	@echo ""
	@$(PY) manage.py schedule_tasks
	@# The worker runs the background tasks (decision 0840) beside the server and stops with it.
	@$(PY) manage.py db_worker --no-startup-delay -v 0 & worker=$$!; \
	trap 'kill $$worker 2>/dev/null' EXIT INT TERM; \
	$(PY) manage.py runserver --noreload $(HOST):$(PORT)

# The whole suite on the database DATABASE_URL names (SQLite by default), in parallel on
# every core (pytest-xdist); the slowest 15 tests are listed at the end.
PYTEST_WORKERS ?= auto
test: install-dev install-npm
	$(BIN)/pytest -n $(PYTEST_WORKERS) --dist worksteal $(PYTEST_ARGS)

# The pure-Python domain tests: no database, no Django, no npm.
test-domain: install-dev
	$(BIN)/pytest -p no:django tests/domain -q

# CI's second database: the tests that touch the database, on the embedded SQLite, without
# the browser tests and the route sweeps (they run once, in `make test`); see
# docs/decisions/0014-ci-split.md.
test-sqlite: install-dev
	env -u DATABASE_URL $(BIN)/pytest -n $(PYTEST_WORKERS) --dist worksteal --database-tests-only -m "not browser and not sweep" $(PYTEST_ARGS)

lint: install-dev
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/mypy .
	$(BIN)/lint-imports
	$(BIN)/bandit -q -r milepost config --severity-level medium

format: install-dev
	$(BIN)/ruff format .
	$(BIN)/ruff check --fix .

bench: install-dev
	$(PY) bench/run.py

# The outcomes dashboard at 1 M administrations on a local PostgreSQL (bench/scale.py): makes
# a synthetic practice once (minutes), then each report beside one hand-written SQL statement
# over the same rows (ratio <= 2) and the dashboard's p95 (<= 1 s).
# SCALE_CLIENTS / SCALE_ADMINISTRATIONS / SCALE_GOALS choose a smaller practice.
bench-scale: install-dev
	$(PY) bench/scale.py

# 50 users for 60 s against gunicorn on loopback, on SQLite and PostgreSQL, then HAProxy in
# front of two web processes with a task worker and a PostgreSQL primary with a streaming read
# replica, all started on loopback (needs a local PostgreSQL and Debian's haproxy and
# postgresql; see bench/load_test.py, docs/deployment.md). Prints throughput, p99 and checks.
load-test: install-dev
	$(PY) bench/load_test.py

eval-smart: install-dev
	$(PY) bench/eval_smart.py
	$(PY) bench/eval_relevance.py

# The drafting assistant on published case vignettes (bench/data/assistant_vignettes.json).
eval-assistant: install-dev
	$(PY) bench/eval_assistant.py

clean:
	rm -rf $(VENV) var node_modules .pytest_cache .mypy_cache .ruff_cache

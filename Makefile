# The documented entry points: make run, make test, make lint, make bench.
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
PY := $(BIN)/python
MANAGE := $(PY) manage.py
HOST ?= 127.0.0.1
PORT ?= 8000

.DEFAULT_GOAL := help
.PHONY: help install run test test-fast lint format messages bench bench-scale vendor clean

help:
	@echo "make run    install, migrate SQLite, load reference + demo data, serve on http://$(HOST):$(PORT)"
	@echo "make test   run the whole test suite"
	@echo "make lint   ruff, Django checks, migrations and translations"
	@echo "make bench  benchmarks (see bench/README.md)"
	@echo "make bench-scale  the same benchmarks with ten times the data (100,000 organisations)"

$(PY):
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip

$(VENV)/.installed: pyproject.toml | $(PY)
	$(BIN)/pip install --quiet -e ".[dev]"
	@touch $@

install: $(VENV)/.installed

run: install
	$(MANAGE) migrate --noinput
	$(MANAGE) load_reference_data
	$(MANAGE) setup_roles
	$(MANAGE) load_demo
	$(MANAGE) runserver $(HOST):$(PORT)

test: install
	$(BIN)/pytest $(PYTEST_ARGS)

lint: install
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/lint-imports --no-cache
	$(MANAGE) check
	$(MANAGE) makemigrations --check --dry-run
	@for po in locale/*/LC_MESSAGES/*.po; do \
	  msgfmt --check-format -o /tmp/ess-check.mo "$$po" && cmp -s /tmp/ess-check.mo "$${po%.po}.mo" \
	  || { echo "$${po%.po}.mo is stale: run make messages and commit it"; exit 1; }; \
	done

format: install
	$(BIN)/ruff check --fix .
	$(BIN)/ruff format .

messages: install
	$(MANAGE) makemessages -l fr --ignore=.venv --ignore=staticfiles --ignore=tests --ignore=bench --no-obsolete
	$(MANAGE) makemessages -d djangojs -l fr --ignore=.venv --ignore=staticfiles --ignore=static/vendor --ignore=tests --no-obsolete
	$(MANAGE) compilemessages --ignore=.venv

bench: install
	bench/run.sh

bench-scale: install
	BENCH_SCALE=10 bench/run.sh

vendor:
	scripts/vendor.sh

clean:
	rm -rf $(VENV) staticfiles .pytest_cache db.sqlite3 db.sqlite3-shm db.sqlite3-wal

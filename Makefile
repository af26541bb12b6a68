# BiDi — the two commands a newcomer needs: `make run` and `make test`.
SHELL := /bin/bash
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
BIN := $(VENV)/bin
VENDOR := static/vendor

.PHONY: run test install assets chromium lint format lock clean bench

run: install assets ## Migrate, seed the demo organization and serve web + worker + beat
	$(BIN)/python manage.py run_stack

test: install assets chromium ## Run the whole suite: unit, integration and browser E2E
	$(BIN)/python -m pytest

install: $(VENV)/.installed

$(VENV)/.installed: requirements-dev.txt
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install -q --disable-pip-version-check uv
	$(BIN)/uv pip sync -q --python $(BIN)/python requirements-dev.txt
	touch $@

assets: $(VENDOR)/.built

# Front-end libraries come from npm (package.json + package-lock.json), never hand-pasted.
$(VENDOR)/.built: package-lock.json scripts/copy_vendor_assets.sh
	npm ci --no-audit --no-fund --loglevel=error
	scripts/copy_vendor_assets.sh $(VENDOR)
	touch $@

# Browser tests drive Debian's Chromium; install it only when it is missing.
chromium:
	@command -v chromium >/dev/null 2>&1 || { apt-get update -qq && apt-get install -y -qq chromium >/dev/null; }

lint: install
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

format: install
	$(BIN)/ruff check --fix .
	$(BIN)/ruff format .

lock: install ## Re-resolve the pinned requirements from pyproject.toml
	$(BIN)/uv pip compile -q --python-version 3.11 pyproject.toml -o requirements.txt
	$(BIN)/uv pip compile -q --python-version 3.11 --extra dev pyproject.toml -o requirements-dev.txt

bench: install ## Measure the figures in docs/benchmarks.md
	$(BIN)/python benchmarks/run_all.py

clean:
	rm -rf $(VENV) node_modules $(VENDOR) staticfiles

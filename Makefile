# Kinerja: two commands for a newcomer (make run, make test); the rest are for developers.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed

.PHONY: install run test lint format lock clean

$(STAMP): pyproject.toml requirements.lock
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --disable-pip-version-check -r requirements.lock
	$(BIN)/python -m pip install --quiet --disable-pip-version-check --no-deps -e .
	touch $(STAMP)

install: $(STAMP)

## Start embedded PostgreSQL + Temporal dev server (or use DATABASE_URL / TEMPORAL_ADDRESS),
## migrate, seed the demo organisation, run worker and API. Ctrl-C stops everything.
run: install
	$(BIN)/kinerja dev

## Lint, type-check, check the import contracts, then run the whole suite (the browser
## tests need Debian's chromium: installed here when missing and we are root).
test: install lint browser
	$(BIN)/pytest

.PHONY: browser
browser:
	@command -v chromium >/dev/null 2>&1 || command -v chromium-browser >/dev/null 2>&1 || \
	{ if [ "$$(id -u)" = 0 ]; then \
	    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium; \
	  else \
	    echo "Chromium tidak ada. Pasang dulu: sudo apt-get install chromium, lalu ulangi make test" >&2; \
	    exit 1; \
	  fi; }

## Reliability drills at full size (tests/drills; they also run small inside `make test`):
## each prints its figure, collected in .data/drills-report.txt. See bench/DRILLS.md.
.PHONY: drills
drills: install
	mkdir -p .data && rm -f .data/drills-report.txt
	KINERJA_DRILL_SCALE=full KINERJA_DRILL_REPORT=.data/drills-report.txt \
	  $(BIN)/pytest tests/drills tests/replay -s -q -o timeout=1800
	@echo; cat .data/drills-report.txt

lint: install
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/mypy
	$(BIN)/lint-imports

format: install
	$(BIN)/ruff format .
	$(BIN)/ruff check --fix .

## Re-pin the whole tree after changing pyproject.toml.
lock: install
	$(BIN)/python -m pip install --quiet -e ".[dev]"
	(echo "# Whole dependency tree, pinned. Regenerate: make lock"; \
	 $(BIN)/pip freeze --exclude-editable) > requirements.lock

## Benchmarks against a raw Temporal baseline in the same run (see bench/README.md):
## bench-quick takes a few minutes, bench (N = 10,000) about twenty-five.
.PHONY: bench bench-quick
bench: install
	$(BIN)/python -m bench

bench-quick: install
	$(BIN)/python -m bench --quick

clean:
	rm -rf $(VENV) .data .pytest_cache .mypy_cache .ruff_cache

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

## Lint, type-check, check the import contracts, then run the whole suite.
test: install lint
	$(BIN)/pytest

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

clean:
	rm -rf $(VENV) .data .pytest_cache .mypy_cache .ruff_cache

# Support Workbench — the two commands a new machine needs: `make demo` and `make test`.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
APP_STAMP  := $(VENV)/.app-installed
TEST_STAMP := $(VENV)/.test-installed
DEMO_TICKETS   ?= 5000
DEMO_CUSTOMERS ?= 800

.PHONY: demo test lint bench clean system-deps

$(BIN)/python:
	@$(PYTHON) scripts/check_python.py
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

system-deps:
	@sh scripts/system-deps.sh

$(APP_STAMP): pyproject.toml | $(BIN)/python
	@sh scripts/system-deps.sh
	$(BIN)/pip install --quiet -e .
	@touch $@

$(TEST_STAMP): pyproject.toml $(APP_STAMP)
	$(BIN)/pip install --quiet -e '.[test]'
	@touch $@

## demo: set up, generate a demo database in a throw-away data directory, open the app
demo: $(APP_STAMP)
	@dir=$$(mktemp -d -t workbench-demo-XXXXXX) && \
	echo "Demo data directory: $$dir" && \
	$(BIN)/workbench --data-dir "$$dir" demo --tickets $(DEMO_TICKETS) --customers $(DEMO_CUSTOMERS) && \
	$(BIN)/workbench --data-dir "$$dir"

## lint: ruff, mypy --strict on the core, import-linter layer contracts
lint: $(TEST_STAMP)
	$(BIN)/ruff check workbench ui tests bench
	$(BIN)/mypy --strict workbench
	$(BIN)/lint-imports

## test: lint, then the whole suite offscreen
test: lint
	QT_QPA_PLATFORM=offscreen $(BIN)/python -m pytest -q

## bench: every benchmark; JSON figures land in bench/results/
bench: $(TEST_STAMP)
	@mkdir -p bench/results
	@for b in bench/bench_*.py; do echo "== $$b"; QT_QPA_PLATFORM=offscreen $(BIN)/python $$b || exit 1; done

clean:
	rm -rf $(VENV) build *.egg-info .mypy_cache .ruff_cache .pytest_cache .hypothesis

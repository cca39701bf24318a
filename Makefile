# quizapp — two-command quick start: `make run` and `make test`.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
TEST_STAMP := $(VENV)/.installed-test

.PHONY: run test lint bench clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

$(STAMP): $(BIN)/python pyproject.toml
	$(BIN)/python -m pip install --quiet -e .
	touch $@

$(TEST_STAMP): $(BIN)/python pyproject.toml
	$(BIN)/python -m pip install --quiet -e ".[test]"
	touch $@ $(STAMP)

run: $(STAMP)
	$(BIN)/quizapp

test: $(TEST_STAMP)
	bash scripts/ensure-chromium.sh
	$(BIN)/ruff check quizapp tests benchmarks scripts
	$(BIN)/quizapp decks check decks/
	$(BIN)/python -m pytest -q -n auto

# The shape and types of the code: style, formatting, the import contracts in
# pyproject.toml (layers, SQL only in the store, Textual only in the TUI) and mypy.
lint: $(TEST_STAMP)
	$(BIN)/ruff check quizapp tests benchmarks scripts
	$(BIN)/ruff format --check quizapp tests benchmarks scripts
	$(BIN)/lint-imports
	$(BIN)/mypy

bench: $(TEST_STAMP)
	$(BIN)/python -m benchmarks.run

clean:
	rm -rf $(VENV) .pytest_cache build dist *.egg-info

# Two entry points: `make run` (the bot, or the offline console without a token) and
# `make test` (lint + the whole suite). Both create or refresh .venv themselves.
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin

.PHONY: run test lint format bench

$(BIN)/paddock: pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	touch $@

run: $(BIN)/paddock
	$(BIN)/paddock run --console-without-token

test: $(BIN)/paddock
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/pytest -q

format: $(BIN)/paddock
	$(BIN)/ruff format .
	$(BIN)/ruff check --fix .

bench: $(BIN)/paddock
	$(BIN)/python -m bench

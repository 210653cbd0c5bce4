# Two entry points: `make run` (the bot, or the offline console without a token) and
# `make test` (lint, type check, the whole suite). Both create or refresh .venv themselves.
VENV ?= .venv
BIN := $(VENV)/bin
# .venv is built on the system's own Python when it is 3.11 or newer and can make a venv,
# else on python3 from PATH; `make PYTHON=...` picks another.
SYSTEM_PYTHON := /usr/bin/python3
ifndef PYTHON
PYTHON := $(shell $(SYSTEM_PYTHON) -c 'import sys, ensurepip; sys.exit(sys.version_info < (3, 11))' \
	2>/dev/null && echo $(SYSTEM_PYTHON) || echo python3)
endif

.PHONY: run test lint format bench FORCE

# Which interpreter .venv was built on: choosing another rebuilds it.
$(VENV)/interpreter: FORCE
	@echo '$(PYTHON)' | cmp -s - $@ || { rm -rf $(VENV) && mkdir -p $(VENV) && echo '$(PYTHON)' > $@; }

# Exact versions, checked by hash, from requirements.lock (refresh it as the README says);
# then Paddock itself, without letting pip choose anything else.
$(BIN)/paddock: pyproject.toml requirements.lock $(VENV)/interpreter
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --require-hashes -r requirements.lock
	$(BIN)/python -m pip install --quiet --no-deps -e .
	touch $@

run: $(BIN)/paddock
	$(BIN)/paddock run --console-without-token

# Every test keeps to its own tmp_path and ports, so any of them can run side by side. They
# spend much of their time waiting on sockets and timers, so four workers keep two cores
# busy: the suite took 88 s on two workers and 74 s on four, on the same machine.
test: $(BIN)/paddock
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/mypy
	$(BIN)/pytest -q -n 4

format: $(BIN)/paddock
	$(BIN)/ruff format .
	$(BIN)/ruff check --fix .

bench: $(BIN)/paddock
	$(BIN)/python -m bench

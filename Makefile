# Two entry points: `make run` (the bot, or the offline console without a token) and
# `make test` (lint + the whole suite). Both create or refresh .venv themselves.
VENV ?= .venv
BIN := $(VENV)/bin
# .venv is built on the system's own Python when it is 3.11 or newer and can make a venv,
# else on python3 from PATH; `make PYTHON=...` picks another. pyenv's default build has
# no profile-guided optimisation and loads libpython as a shared library; on the same
# machine it imports stories about a fifth slower than Debian's (BENCHMARKS.md).
SYSTEM_PYTHON := /usr/bin/python3
ifndef PYTHON
PYTHON := $(shell $(SYSTEM_PYTHON) -c 'import sys, ensurepip; sys.exit(sys.version_info < (3, 11))' \
	2>/dev/null && echo $(SYSTEM_PYTHON) || echo python3)
endif

.PHONY: run test lint format bench FORCE

# Which interpreter .venv was built on: choosing another rebuilds it.
$(VENV)/interpreter: FORCE
	@echo '$(PYTHON)' | cmp -s - $@ || { rm -rf $(VENV) && mkdir -p $(VENV) && echo '$(PYTHON)' > $@; }

# setup.py compiles these in place with mypyc (its COMPILED is this list): a change to one
# needs a new build, or Python would go on importing the old one.
COMPILED := bot/quotes.py bot/quote_speakers.py

# PADDOCK_PURE_PYTHON set to anything but 0 installs without compiling, as in setup.py.
BUILD := $(if $(filter-out 0,$(PADDOCK_PURE_PYTHON)),pure,compiled)

# Which way .venv was built: switching rebuilds it.
$(VENV)/build: $(VENV)/interpreter FORCE
	@echo '$(BUILD)' | cmp -s - $@ || echo '$(BUILD)' > $@

$(BIN)/paddock: pyproject.toml setup.py $(COMPILED) $(VENV)/interpreter $(VENV)/build
	$(PYTHON) -m venv $(VENV)
# A pure build removes the compiled modules: Python would import them ahead of the source.
ifeq ($(BUILD),pure)
	rm -rf build bot/*.so
endif
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

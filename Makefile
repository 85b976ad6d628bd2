# The two commands of the README. Each sets itself up: a virtual environment in .venv
# with the package and what it needs, installed once and again when pyproject.toml changes.
PYTHON ?= python3
VENV ?= .venv
BIN = $(VENV)/bin

.PHONY: demo test lint clean

demo: $(VENV)/.installed  ## import the bundled sample class into a fresh workspace and show it
	$(BIN)/asyncmon demo

test: $(VENV)/.installed  ## the whole test suite (what .ci/run runs)
	$(BIN)/python -m pytest

lint: $(VENV)/.installed
	$(BIN)/ruff check asyncmon tests
	$(BIN)/ruff format --check asyncmon tests

$(VENV)/.installed: pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[test]'
	touch $@

clean:
	rm -rf $(VENV)

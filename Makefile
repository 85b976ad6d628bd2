# The two commands of the README. Each sets itself up: a virtual environment in .venv
# with the package and what it needs, installed once and again when pyproject.toml changes.
PYTHON ?= python3
VENV ?= .venv
BIN = $(VENV)/bin

.PHONY: demo lab test lint clean browser java

demo: $(VENV)/.installed  ## import the bundled sample class and serve its dashboard
	$(BIN)/asyncmon demo

lab: $(VENV)/.installed  ## open JupyterLab on the sample class (WORKSPACE=DIR for yours)
ifdef WORKSPACE
	$(BIN)/asyncmon lab --workspace $(WORKSPACE)
else
	test -e sample-workspace/asyncmon.sqlite \
		|| $(BIN)/asyncmon demo --no-serve --workspace sample-workspace > /dev/null
	$(BIN)/asyncmon lab --workspace sample-workspace
endif

test: $(VENV)/.installed browser java lint  ## the lint, then the whole test suite (what .ci/run runs)
	$(BIN)/python -m pytest

# The browser tests drive Chromium. Under CI (CI=true) it is installed with apt when
# missing; elsewhere they find an installed Chromium or Chrome (or ASYNCMON_CHROMIUM) and
# skip with a message when there is none.
browser:
	@if [ "$$CI" = "true" ] && ! command -v chromium >/dev/null 2>&1; then \
		apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium; \
	fi

# The Spark tests (tests/test_spark.py) need a Java runtime. Under CI (CI=true) Debian's
# OpenJDK is installed with apt when `java` is missing; elsewhere install one (17 or later):
# without it those tests fail saying so.
java:
	@if [ "$$CI" = "true" ] && ! command -v java >/dev/null 2>&1; then \
		apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq \
			openjdk-17-jre-headless; \
	fi

lint: $(VENV)/.installed  ## ruff (style and format) and mypy (types) on the package
	$(BIN)/ruff check asyncmon tests benchmarks
	$(BIN)/ruff format --check asyncmon tests
	$(BIN)/mypy

$(VENV)/.installed: pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[test]'
	touch $@

clean:
	rm -rf $(VENV)

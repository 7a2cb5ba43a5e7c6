# Two commands for a fresh machine: `make demo` and `make test`.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: demo test install lint bench golden clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip

$(STAMP): $(BIN)/python pyproject.toml
	$(BIN)/pip install --quiet -e '.[dev]'
	touch $(STAMP)

# esbuild transpiles TypeScript code tasks (see package.json).
node_modules/.package-lock.json: package.json package-lock.json
	npm ci

install: $(STAMP) node_modules/.package-lock.json

# Runs example workflows on the embedded engine: no cloud, no Docker.
demo: install
	$(BIN)/statemill run examples/hello_code.yaml -i name=Statemill
	$(BIN)/statemill run examples/squares.yaml -i count=6

test: install
	$(BIN)/python -m pytest -n 2

lint: install
	$(BIN)/ruff check .

bench: install
	$(BIN)/python bench/compile.py
	$(BIN)/python bench/engine.py

# Regenerate the golden ASL files after an intended compiler change; review the diff.
golden: install
	$(BIN)/python -m pytest tests/unit/test_golden.py --update-golden -n 0

clean:
	rm -rf $(VENV) build *.egg-info

# Two commands for a fresh machine: `make demo` and `make test`.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: demo test install lint bench golden clean layers localstack-deploy

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
	$(BIN)/python bench/webhooks.py
	$(BIN)/python bench/plugins.py

# Regenerate the golden ASL files after an intended compiler change; review the diff.
golden: install
	$(BIN)/python -m pytest tests/unit/test_golden.py --update-golden -n 0

clean:
	rm -rf $(VENV) build *.egg-info

# The functions' Lambda layer, built without Docker (wheels for the Lambda platform); CDK synth needs it.
layers: install
	$(BIN)/python layers/build.py runtime

STAGE ?= dev
CDK_CLI := npx --yes --package aws-cdk@2 --package aws-cdk-local@3.0.4
# The platform on LocalStack (docker compose -f localstack/docker-compose.yml up -d first).
localstack-deploy: layers
	AWS_ENDPOINT_URL=http://localhost:4566 AWS_DEFAULT_REGION=us-east-1 $(CDK_CLI) cdklocal bootstrap -c stage=$(STAGE)
	AWS_ENDPOINT_URL=http://localhost:4566 AWS_DEFAULT_REGION=us-east-1 $(CDK_CLI) cdklocal deploy -c stage=$(STAGE) --require-approval never

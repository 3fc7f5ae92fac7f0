# Every target sets up what it needs itself: a fresh machine needs only Python 3.11+.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed-stamp
NODE_STAMP := tests/node/node_modules/.installed-stamp
JAVA_STAMP := $(VENV)/.java-stamp

.PHONY: setup demo test lint typecheck check generate gen-check pytest node-deps java clean

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --disable-pip-version-check -e '.[dev]'
	touch $(STAMP)

setup: $(STAMP)

demo: $(STAMP)
	@echo "== a clean sample of events (every payload variant) =="
	$(BIN)/llm-hub validate examples/sample-events.ndjson
	@echo
	@echo "== a sample with planted producer mistakes (exit code 1 is the expected verdict) =="
	$(BIN)/llm-hub validate examples/sample-events-with-mistakes.ndjson; test $$? -eq 1

test: lint typecheck check gen-check pytest

lint: $(STAMP)
	$(BIN)/ruff check src tests bench

typecheck: $(STAMP)
	$(BIN)/mypy

check: $(STAMP)
	$(BIN)/llm-hub check

generate: $(STAMP)
	$(BIN)/llm-hub generate

gen-check: $(STAMP)
	$(BIN)/llm-hub generate --check

# Node tooling of tests/test_typescript.py (ajv, ajv-formats, typescript), pinned by the lock file.
$(NODE_STAMP): tests/node/package.json tests/node/package-lock.json
	npm ci --prefix tests/node --no-audit --no-fund
	touch $(NODE_STAMP)

node-deps: $(NODE_STAMP)

# Java for the local SparkSession of tests/lake (pyspark 4 needs Java 17+): Debian's package when none is there.
$(JAVA_STAMP): $(STAMP)
	@command -v java >/dev/null 2>&1 || { apt-get update -qq && \
		DEBIAN_FRONTEND=noninteractive apt-get install -y -qq openjdk-17-jre-headless; }
	touch $(JAVA_STAMP)

java: $(JAVA_STAMP)

pytest: $(STAMP) node-deps java
	$(BIN)/pytest

clean:
	rm -rf $(VENV) build dist .mypy_cache .ruff_cache .pytest_cache

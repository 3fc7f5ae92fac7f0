# Every target sets up what it needs itself: a fresh machine needs only Python 3.11+.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed-stamp
NODE_STAMP := tests/node/node_modules/.installed-stamp

.PHONY: setup demo test lint typecheck check generate gen-check pytest node-deps rust-deps clean

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

# Crates of the Rust workspace (generated/rust + tests/rust_harness), pinned by Cargo.lock; the tests
# then build offline into build/rust-target (kept between runs: a second `make test` rebuilds nothing).
CARGO ?= cargo
RUST_STAMP := build/rust-target/.fetched-stamp
$(RUST_STAMP): Cargo.lock
	mkdir -p build/rust-target
	$(CARGO) fetch
	touch $(RUST_STAMP)

rust-deps: $(RUST_STAMP)

pytest: $(STAMP) node-deps rust-deps
	$(BIN)/pytest

clean:
	rm -rf $(VENV) build dist .mypy_cache .ruff_cache .pytest_cache

# Every target sets up what it needs itself: a fresh machine needs only Python 3.11+.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed-stamp
NODE_STAMP := tests/node/node_modules/.installed-stamp
# Maven's local repository of the Java tests (git-ignored): filled once, then every build is offline.
JAVA_STAMP := build/m2/.installed-stamp
JAVA_CLASSPATH_GOAL := org.apache.maven.plugins:maven-dependency-plugin:3.8.1:build-classpath

AXE_STAMP  := tests/browser/node_modules/.installed-stamp
BROWSER_STAMP := build/.browser-installed-stamp
SUDO := $(shell [ "$$(id -u)" = 0 ] || echo sudo)

.PHONY: setup demo docs test lint typecheck check generate gen-check pytest node-deps go-toolchain java-deps browser-deps rust-deps java-runtime native native-if-possible clean
JRE_STAMP := $(VENV)/.java-runtime-stamp


$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --disable-pip-version-check -e '.[dev]'
	touch $(STAMP)

setup: $(STAMP)

demo: $(STAMP) native-if-possible
	@echo "== a clean sample of events (every payload variant) =="
	$(BIN)/llm-hub validate examples/sample-events.ndjson
	@echo
	@echo "== a sample with planted producer mistakes (exit code 1 is the expected verdict) =="
	$(BIN)/llm-hub validate examples/sample-events-with-mistakes.ndjson; test $$? -eq 1
	@echo
	@echo "== the schema browser (open build/site/index.html, or: llm-hub docs serve) =="
	$(BIN)/llm-hub docs build --out build/site

# The static schema browser, built on demand (never committed): open build/site/index.html.
docs: $(STAMP)
	$(BIN)/llm-hub docs build --out build/site

test: lint typecheck check gen-check pytest

lint: $(STAMP)
	$(BIN)/ruff check src tests bench examples

typecheck: $(STAMP)
	$(BIN)/mypy

check: $(STAMP)
	$(BIN)/llm-hub check

# The npm package's precompiled validators come from its build step (Ajv runs in Node), after generate.
TS_BUILD := NODE_PATH=tests/node/node_modules node generated/typescript/scripts/build-validators.cjs

generate: $(STAMP) node-deps
	$(BIN)/llm-hub generate
	$(TS_BUILD)

gen-check: $(STAMP) node-deps
	$(BIN)/llm-hub generate --check
	$(TS_BUILD) --check

# Node tooling of tests/test_typescript.py (ajv, ajv-formats, typescript), pinned by the lock file.
$(NODE_STAMP): tests/node/package.json tests/node/package-lock.json
	npm ci --prefix tests/node --no-audit --no-fund
	touch $(NODE_STAMP)

node-deps: $(NODE_STAMP)

# Go toolchain of tests/test_go.py: /usr/local/go/bin/go or `go` on PATH, else Debian's golang-go
# (1.24+). The generated module has no dependencies; its build cache lives in build/go-cache.
go-toolchain:
	@test -x /usr/local/go/bin/go || command -v go >/dev/null || \
		(apt-get update -qq && apt-get install -y -qq golang-go)

# Jackson and the Maven plugins of generated/java/pom.xml (pinned there), for tests/test_java.py.
$(JAVA_STAMP): generated/java/pom.xml
	rm -rf build/java-deps && mkdir -p build/java-deps && cp generated/java/pom.xml build/java-deps/
	cd build/java-deps && mvn -q -B -Dmaven.repo.local=$(CURDIR)/build/m2 compile $(JAVA_CLASSPATH_GOAL)
	touch $(JAVA_STAMP)

java-deps: $(JAVA_STAMP)

# Browser test of the schema browser (tests/test_site_browser.py): Debian's chromium and
# chromedriver from apt, axe-core from npm (pinned by tests/browser/package-lock.json).
$(BROWSER_STAMP):
	dpkg -s chromium chromium-driver >/dev/null 2>&1 || { $(SUDO) apt-get update -qq && \
	  DEBIAN_FRONTEND=noninteractive $(SUDO) apt-get install -y -qq -o DPkg::Lock::Timeout=600 chromium chromium-driver; }
	mkdir -p build && touch $(BROWSER_STAMP)

$(AXE_STAMP): tests/browser/package.json tests/browser/package-lock.json
	npm ci --prefix tests/browser --no-audit --no-fund
	touch $(AXE_STAMP)

browser-deps: $(BROWSER_STAMP) $(AXE_STAMP)

# Crates of the Rust workspace (generated/rust + tests/rust_harness), pinned by Cargo.lock; the tests
# then build offline into build/rust-target (kept between runs: a second `make test` rebuilds nothing).
CARGO ?= cargo
RUST_STAMP := build/rust-target/.fetched-stamp
$(RUST_STAMP): Cargo.lock
	mkdir -p build/rust-target
	$(CARGO) fetch
	touch $(RUST_STAMP)

rust-deps: $(RUST_STAMP)

# The native validator (native/: the generated crate's schema walk over blocks of NDJSON lines, for
# `llm-hub validate`), built into the package as src/llm_analytics_hub/_native.abi3.so (git-ignored).
# Without it (no cargo) everything works on the msgspec fast path, slower: `make demo` goes on.
NATIVE_LIB := src/llm_analytics_hub/_native.abi3.so
NATIVE_SOURCES := $(wildcard native/src/*.rs generated/rust/src/*.rs generated/rust/src/*/*.rs) \
	native/Cargo.toml generated/rust/Cargo.toml Cargo.lock
$(NATIVE_LIB): $(NATIVE_SOURCES) | $(RUST_STAMP) $(STAMP)
	CARGO_TARGET_DIR=build/rust-target PYO3_PYTHON=$(CURDIR)/$(BIN)/python $(CARGO) build --release --locked --offline -p llm-hub-native
	cp build/rust-target/release/lib_native.so $@

native: $(NATIVE_LIB)

native-if-possible:
	@if command -v $(CARGO) >/dev/null 2>&1; then $(MAKE) --no-print-directory native; \
	else echo "cargo not found: llm-hub validate runs without its native checker (slower)"; fi

# Java for the local SparkSession of tests/lake (pyspark 4 needs Java 17+): Debian's package when none is there.
$(JRE_STAMP): $(STAMP)
	@command -v java >/dev/null 2>&1 || { apt-get update -qq && \
		DEBIAN_FRONTEND=noninteractive apt-get install -y -qq openjdk-17-jre-headless; }
	touch $(JRE_STAMP)

java-runtime: $(JRE_STAMP)

# Validation rates against the orjson floor and Ajv, with the targets of issue 10 (bench/bench_validate.py;
# ~10 min on 2 cores, +30 the first time; five runs, because one run on a shared machine can be off by
# a third). A quicker subset:
#   make bench-validate BENCH_ARGS="--lines 20000 --only cli,ajv"
BENCH_ARGS ?= --rss-mb 500 --repeat 5
.PHONY: bench-validate
bench-validate: $(STAMP) node-deps native
	$(BIN)/python bench/bench_validate.py $(BENCH_ARGS)

pytest: $(STAMP) node-deps go-toolchain java-deps browser-deps rust-deps java-runtime native
	$(BIN)/pytest

clean:
	rm -rf $(VENV) build dist .mypy_cache .ruff_cache .pytest_cache $(NATIVE_LIB)

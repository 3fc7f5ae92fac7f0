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

.PHONY: setup lock dist demo docs test lint typecheck check generate gen-check pytest node-deps go-toolchain go-tools java-deps browser-deps rust-deps java-runtime native native-if-possible clean postgres-deps
JRE_STAMP := $(VENV)/.java-runtime-stamp


# The dev environment comes from the lock (requirements/dev.txt, every package pinned with its hashes), so
# nothing is resolved here; then the project itself, editable, without dependencies or build isolation
# (its build backend, hatchling, is in the lock). A lock older than pyproject.toml stops here: make lock.
LOCK := requirements/dev.txt
PIP := $(BIN)/python -m pip --quiet --disable-pip-version-check
$(STAMP): pyproject.toml $(LOCK)
	$(PYTHON) tools/lock.py --check
	$(PYTHON) -m venv $(VENV)
	$(PIP) install --require-hashes -r $(LOCK)
	$(PIP) install --no-deps --no-build-isolation -e .
	touch $(STAMP)

setup: $(STAMP)

# Refresh the lock after editing the dependencies in pyproject.toml (e.g. after a merge): pins already in
# requirements/*.txt are kept, only what is new is resolved; `make lock UPGRADE=1` moves every pin to the
# newest allowed release. uv, pinned here, resolves for Linux, macOS and Windows and Python 3.11+.
UV_VERSION := 0.13.8
UV := build/lock-tool/bin/uv
UV_STAMP := build/lock-tool/.uv-$(UV_VERSION)
$(UV_STAMP):
	$(PYTHON) -m venv build/lock-tool
	build/lock-tool/bin/python -m pip install --quiet --disable-pip-version-check uv==$(UV_VERSION)
	touch $(UV_STAMP)

lock: $(UV_STAMP)
	$(PYTHON) tools/lock.py --uv $(UV) $(if $(UPGRADE),--upgrade)

demo: $(STAMP) native-if-possible
	@echo "== a clean sample of events (every payload variant) =="
	$(BIN)/llm-hub validate examples/sample-events.ndjson
	@echo
	@echo "== a sample with planted producer mistakes (exit code 1 is the expected verdict) =="
	$(BIN)/llm-hub validate examples/sample-events-with-mistakes.ndjson; test $$? -eq 1
	@echo
	@echo "== the schema browser (open build/site/index.html, or: llm-hub docs serve) =="
	$(BIN)/llm-hub docs build --out build/site
	@echo
	@echo "== the clean sample loaded into a DuckDB file, and a TimeSeriesQuery answered from it =="
	rm -f build/demo.duckdb build/demo.duckdb.wal
	$(BIN)/llm-hub load examples/sample-events.ndjson --into duckdb:///build/demo.duckdb
	$(BIN)/llm-hub query examples/latency-query.json --from duckdb:///build/demo.duckdb --format table

# The static schema browser, built on demand (never committed): open build/site/index.html.
docs: $(STAMP)
	$(BIN)/llm-hub docs build --out build/site

test: lint typecheck check gen-check pytest

lint: $(STAMP)
	$(BIN)/ruff check src tests bench examples tools hatch_build.py

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

# staticcheck for tests/test_go_consumer.py, pinned, from the Go module proxy (checksums verified by the
# checksum database) into build/go-tools; module and build caches in build/ as for the tests.
STATICCHECK_VERSION := v0.8.2
STATICCHECK := build/go-tools/staticcheck
GO := $(shell test -x /usr/local/go/bin/go && echo /usr/local/go/bin/go || echo go)
$(STATICCHECK): | go-toolchain
	GOFLAGS= GOBIN=$(CURDIR)/build/go-tools GOPATH=$(CURDIR)/build/go-path \
		GOCACHE=$(CURDIR)/build/go-cache GOTOOLCHAIN=local GOTELEMETRY=off CGO_ENABLED=0 \
		$(GO) install honnef.co/go/tools/cmd/staticcheck@$(STATICCHECK_VERSION)

go-tools: $(STATICCHECK)

# Jackson and the Maven plugins of generated/java/pom.xml (pinned there), for tests/test_java.py and the
# Java package of `make dist`: `mvn install` of a one-class project with that pom fetches every plugin up
# to install (jar, sources and javadoc jars included); its throw-away artifact is removed again.
JAVA_FETCH := build/java-deps/src/main/java/fetch
$(JAVA_STAMP): generated/java/pom.xml
	rm -rf build/java-deps && mkdir -p $(JAVA_FETCH) && cp generated/java/pom.xml build/java-deps/
	printf 'package fetch;\n\n/** Fetches the plugins. */\npublic final class Fetch {\n    private Fetch() {}\n}\n' \
		> $(JAVA_FETCH)/Fetch.java
	cd build/java-deps && mvn -q -B -Dmaven.repo.local=$(CURDIR)/build/m2 install $(JAVA_CLASSPATH_GOAL)
	rm -rf build/m2/io/llmanalyticshub
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

# PostgreSQL for tests/test_storage_*.py (each session starts its own server with initdb in a temporary
# folder, on 127.0.0.1): Debian's package when no initdb is there.
POSTGRES_STAMP := build/.postgres-installed-stamp
$(POSTGRES_STAMP):
	ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1 || { $(SUDO) apt-get update -qq && \
	  DEBIAN_FRONTEND=noninteractive $(SUDO) apt-get install -y -qq -o DPkg::Lock::Timeout=600 postgresql; }
	mkdir -p build && touch $(POSTGRES_STAMP)

postgres-deps: $(POSTGRES_STAMP)

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
# PYO3_NO_PYTHON: abi3 needs no interpreter, and the wheel build (hatch_build.py) compiles the same way
# into the same folder, so `pip install .` after `make native` compiles nothing.
# Without it (no cargo) everything works on the msgspec fast path, slower: `make demo` goes on.
NATIVE_LIB := src/llm_analytics_hub/_native.abi3.so
NATIVE_SOURCES := $(wildcard native/src/*.rs generated/rust/src/*.rs generated/rust/src/*/*.rs) \
	native/Cargo.toml generated/rust/Cargo.toml Cargo.lock
$(NATIVE_LIB): $(NATIVE_SOURCES) | $(RUST_STAMP) $(STAMP)
	CARGO_TARGET_DIR=build/rust-target PYO3_NO_PYTHON=1 $(CARGO) build --release --locked --offline -p llm-hub-native
	cp build/rust-target/release/lib_native.so $@.tmp && mv $@.tmp $@  # a rename: a running llm-hub keeps the old one

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

# Release artifacts of every language, one project version, into dist/ (tools/dist.py: the sdist, the
# manylinux abi3 wheel and the pure wheel, the .crate, the Go module by its generated/go/vX.Y.Z tag, the
# Maven jars, the npm tarball; SHA256SUMS in each folder). Offline but for `cargo publish --dry-run`.
dist: $(STAMP) rust-deps java-deps node-deps go-toolchain
	$(BIN)/python tools/dist.py

# Issue 23's rows: `pip install .` from this checkout (pip builds the wheel, cargo compiling the native
# checker) next to the release wheel of `make dist` (its Python part), each in a fresh virtualenv, timed in
# one run with the floor and the development CLI on the three inputs of bench_validate.py. 1,000,000 lines
# (~625 MB each, as issue 10's rates): the CLI's fixed cost (interpreter start, imports, worker processes,
# ~0.2 s) is ~8 % of a run there, but a third of one on 200,000 lines. BENCH_INSTALL_ARGS to change it.
BENCH_VENVS := build/bench-venvs
BENCH_INSTALL_ARGS ?= --lines 1000000 --repeat 3 --only cli
.PHONY: bench-install
bench-install: $(STAMP) native rust-deps
	$(BIN)/python tools/dist.py --only python
	rm -rf $(BENCH_VENVS)
	$(PYTHON) -m venv $(BENCH_VENVS)/source
	$(BENCH_VENVS)/source/bin/python -m pip install --quiet --disable-pip-version-check .
	$(PYTHON) -m venv $(BENCH_VENVS)/wheel
	$(BENCH_VENVS)/wheel/bin/python -m pip install --quiet --disable-pip-version-check dist/python/*-manylinux_*.whl
	$(BIN)/python bench/bench_validate.py $(BENCH_INSTALL_ARGS) \
		--venv 'pip install .=$(BENCH_VENVS)/source' --venv 'release wheel=$(BENCH_VENVS)/wheel'

pytest: $(STAMP) node-deps go-toolchain go-tools java-deps browser-deps rust-deps java-runtime native postgres-deps
	$(BIN)/pytest

clean:
	rm -rf $(VENV) build dist .mypy_cache .ruff_cache .pytest_cache $(NATIVE_LIB)

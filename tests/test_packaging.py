"""Every release artifact, installed as its ecosystem installs it into a fresh consumer, validates the
sample events and gets the counts of `llm-hub validate` (issue 23).

`tools/dist.py` (what `make dist` runs) builds every artifact once per session into build/test-dist; the
consumers live under build/pkg-tests (made anew each session). Caches that outlive a session: cargo's
target folder (build/rust-target: make native's, which the sdist's build reuses, and the .crate's dependencies),
Go's build cache, build/m2, the npm cache and build/wheelhouse (the locked runtime and build packages, for installs
with --no-index). The Python consumers install with pip from that wheelhouse and nothing else.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
import shutil
import subprocess
import sys
import tarfile
import time
import tomllib
import zipfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from go_support import go_binary

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "tools"))
import dist as dist_tool  # tools/dist.py, what make dist runs

ROOT = Path(__file__).resolve().parent.parent
BUILD = ROOT / "build"
DIST = BUILD / "test-dist"
CONSUMERS = BUILD / "pkg-tests"
SAMPLES = [ROOT / "examples" / "sample-events.ndjson", ROOT / "examples" / "sample-events-with-mistakes.ndjson"]
GO_MODULE = "github.com/llm-analytics-hub/llm-analytics-hub/generated/go"
DURATIONS: dict[str, float] = {}  # printed at the end of the session: what each artifact costs


def run(command: list[str], cwd: Path = ROOT, env: dict[str, str] | None = None, timeout: int = 1800,
        label: str | None = None) -> str:
    started = time.perf_counter()
    done = subprocess.run(command, cwd=cwd, env=env, capture_output=True, text=True, timeout=timeout, check=False)
    if label:
        DURATIONS[label] = DURATIONS.get(label, 0.0) + time.perf_counter() - started
    assert done.returncode == 0, f"{' '.join(command)} failed ({done.returncode}):\n{done.stdout[-4000:]}\n" \
                                 f"{done.stderr[-6000:]}"
    return done.stdout


def clean_env(**extra: str) -> dict[str, str]:
    """This process's environment without what points into the checkout (PYTHONPATH, LLM_HUB_*)."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(("PYTHON", "LLM_HUB", "VIRTUAL_ENV"))}
    return {**env, **extra}


def fresh(folder: Path) -> Path:
    shutil.rmtree(folder, ignore_errors=True)
    folder.mkdir(parents=True)
    return folder


@pytest.fixture(scope="session", autouse=True)
def report_durations() -> Iterator[None]:
    yield
    if DURATIONS:
        print("\npackaging test durations: " + ", ".join(f"{k} {v:.0f} s" for k, v in DURATIONS.items()))


@pytest.fixture(scope="session")
def dist() -> Path:
    """Every artifact, built once per session by tools/dist.py (= make dist) into build/test-dist."""
    run([sys.executable, str(ROOT / "tools" / "dist.py"), "--out", str(DIST)], timeout=3600, label="make dist")
    return DIST


@pytest.fixture(scope="session")
def expected() -> dict[str, dict[str, int]]:
    """{sample name: the summary of `llm-hub validate --format json`} from the development install."""
    found = {}
    for sample in SAMPLES:
        done = subprocess.run([str(Path(sys.executable).with_name("llm-hub")), "validate", "--format", "json",
                               str(sample)], capture_output=True, text=True, timeout=300, check=False)
        assert done.returncode in (0, 1), done.stderr
        found[sample.name] = json.loads(done.stdout.splitlines()[-1])["summary"]
    assert found["sample-events-with-mistakes.ndjson"]["invalid"] > 0, found
    return found


@pytest.fixture(scope="session")
def wheelhouse() -> Path:
    """The locked runtime dependencies and build backend as files, fetched once per lock (pip download)."""
    folder = BUILD / "wheelhouse"
    locks = [ROOT / "requirements" / "runtime.txt", ROOT / "requirements" / "build.txt"]
    digest = hashlib.sha256(b"".join(p.read_bytes() for p in locks)).hexdigest()
    marker = folder / ".lock-sha256"
    if not marker.is_file() or marker.read_text() != digest:
        fresh(folder)
        run([sys.executable, "-m", "pip", "download", "--quiet", "--disable-pip-version-check", "--require-hashes",
             "-d", str(folder), *[arg for lock in locks for arg in ("-r", str(lock))]], label="wheelhouse")
        marker.write_text(digest)
    return folder


def python_consumer(name: str, artifact: Path, wheelhouse: Path, **env: str) -> Path:
    """A new virtualenv with `artifact` installed by pip from the wheelhouse alone; its bin folder."""
    folder = fresh(CONSUMERS / name)
    run([sys.executable, "-m", "venv", str(folder)])
    pip = [str(folder / "bin" / "python"), "-m", "pip", "install", "--quiet", "--disable-pip-version-check"]
    run([*pip, "--no-index", "--find-links", str(wheelhouse), str(artifact)], env=clean_env(**env), label=name)
    return folder / "bin"


def counts_of(llm_hub: Path, workdir: Path) -> dict[str, dict[str, int]]:
    found = {}
    for sample in SAMPLES:
        done = subprocess.run([str(llm_hub), "validate", "--format", "json", str(sample)], capture_output=True,
                              text=True, cwd=workdir, env=clean_env(), timeout=300, check=False)
        assert done.returncode in (0, 1), done.stderr
        found[sample.name] = json.loads(done.stdout.splitlines()[-1])["summary"]
    return found


def doctor(bin_folder: Path) -> dict[str, Any]:
    done = subprocess.run([str(bin_folder / "llm-hub"), "doctor", "--format", "json"], capture_output=True,
                          text=True, cwd=bin_folder, env=clean_env(), timeout=120, check=True)
    report: dict[str, Any] = json.loads(done.stdout)
    assert report["package"].startswith(str(bin_folder.parent)), report["package"]  # not the checkout
    return report


def touch_tree(folder: Path) -> None:
    """Give every file under `folder` the present time: unpacked from a .crate, files carry the archive's
    timestamps, and cargo, which compares them with its last build of a crate at the same place in the
    same target folder (kept between sessions), would take a stale build for fresh."""
    now = time.time()
    for path in folder.rglob("*"):
        os.utime(path, (now, now))


def only(folder: Path, pattern: str) -> Path:
    (found,) = folder.glob(pattern)
    return found


def test_manylinux_wheel_installs_with_the_native_checker(dist: Path, wheelhouse: Path,
                                                          expected: dict[str, Any]) -> None:
    wheel = only(dist / "python", "*-cp311-abi3-manylinux_*_x86_64.whl")
    with zipfile.ZipFile(wheel) as archive:
        assert "llm_analytics_hub/_native.abi3.so" in archive.namelist()
    bin_folder = python_consumer("venv-wheel", wheel, wheelhouse)
    report = doctor(bin_folder)
    assert report["native"]["in_use"] and report["native"]["covers"] == report["schema_versions"], report
    assert report["build"]["native"] is True
    assert counts_of(bin_folder / "llm-hub", bin_folder) == expected
    version = subprocess.run([str(bin_folder / "llm-hub"), "--version"], capture_output=True, text=True,
                             env=clean_env(), check=True).stdout
    assert "native checker: in use (interface 2; covers schema versions 1.0.0, 1.1.0" in version, version


def test_sdist_compiles_the_native_checker_when_pip_installs_it(dist: Path, wheelhouse: Path,
                                                                expected: dict[str, Any]) -> None:
    sdist = only(dist / "python", "*.tar.gz")
    # pip unpacks the sdist and its build hook runs cargo there, into build/rust-target (make native's):
    # tools/dist.py compiled the checkout's native checker into it and checked that the sdist carries the
    # same Rust sources, so cargo finds the crates of the unpacked workspace fresh (same sources at the same
    # places in the workspace) instead of compiling them in release again (~4 minutes on 2 cores). A file
    # the build needs and the sdist lacks still fails it: cargo loads the whole workspace and stats every
    # source file of the build.
    assert not dist_tool.rust_sources_differ(sdist)
    dist_tool.compile_checkout_native()  # nothing to do unless a test since dist.py compiled other sources
    bin_folder = python_consumer("venv-sdist", sdist, wheelhouse, LLM_HUB_BUILD_NATIVE="1",
                                 CARGO_TARGET_DIR=str(BUILD / "rust-target"))
    report = doctor(bin_folder)
    assert report["native"]["in_use"] and not report["native"]["not_covered"], report
    assert counts_of(bin_folder / "llm-hub", bin_folder) == expected


def test_pure_wheel_says_it_has_no_native_checker_and_validates_alike(dist: Path, wheelhouse: Path,
                                                                      expected: dict[str, Any]) -> None:
    wheel = only(dist / "python", "*-py3-none-any.whl")
    bin_folder = python_consumer("venv-pure", wheel, wheelhouse)
    report = doctor(bin_folder)
    assert not report["native"]["in_use"]
    assert report["native"]["reason"].startswith("not built (built with LLM_HUB_BUILD_NATIVE=0"), report
    assert counts_of(bin_folder / "llm-hub", bin_folder) == expected


def test_a_build_without_cargo_gives_the_pure_wheel_and_says_so(tmp_path: Path) -> None:
    """No cargo on PATH, no CARGO, no ~/.cargo/bin: the pure wheel and the one line, not a failure."""
    path = os.pathsep.join(p for p in os.environ.get("PATH", "").split(os.pathsep)
                           if p and not (Path(p) / "cargo").exists())
    path = os.pathsep.join([str(Path(sys.executable).parent), path])
    env = {k: v for k, v in clean_env(PATH=path, HOME=str(tmp_path)).items() if k not in ("CARGO",)}
    done = subprocess.run([sys.executable, "-m", "build", "--no-isolation", "--wheel", "--outdir", str(tmp_path),
                           str(ROOT)], capture_output=True, text=True, env=env, timeout=600, check=False)
    assert done.returncode == 0, done.stdout + done.stderr
    said = [line for line in (done.stdout + done.stderr).splitlines() if "cargo not found" in line]
    assert len(said) == 1 and "building the pure package" in said[0], done.stdout + done.stderr
    wheel = only(tmp_path, "*.whl")
    assert wheel.name.endswith("-py3-none-any.whl")
    with zipfile.ZipFile(wheel) as archive:
        info = json.loads(archive.read("llm_analytics_hub/_build_info.json"))
        assert not any(name.endswith((".so", ".pyd")) for name in archive.namelist())
    assert info == {"native": False, "reason": "cargo was not found when the package was built"}


def test_every_package_carries_the_one_project_version_and_lists_its_schema_versions(dist: Path) -> None:
    from llm_analytics_hub import __version__

    schema_versions = sorted(p.name for p in (ROOT / "schemas").iterdir() if re.fullmatch(r"\d+\.\d+\.\d+", p.name))
    listed = ", ".join(schema_versions)
    for wheel in (dist / "python").glob("*.whl"):
        with zipfile.ZipFile(wheel) as archive:
            metadata = archive.read(f"llm_analytics_hub-{__version__}.dist-info/METADATA").decode()
        assert f"\nVersion: {__version__}\n" in metadata and f"(schema versions {listed})" in metadata, wheel.name
    crate = only(dist / "rust", f"llm-analytics-hub-schemas-{__version__}.crate")
    with tarfile.open(crate) as packed:
        member = packed.extractfile(f"llm-analytics-hub-schemas-{__version__}/Cargo.toml")
        readme = packed.extractfile(f"llm-analytics-hub-schemas-{__version__}/README.md")
        assert member is not None and readme is not None
        cargo = tomllib.loads(member.read().decode())
        crate_readme = readme.read().decode()
    assert cargo["package"]["version"] == __version__
    # the features docs.rs documents (all-features) are the ones the README lists, none when it says none
    features = sorted(set(cargo.get("features", {})) - {"default"})
    said = crate_readme.split("Cargo features:", 1)[1].split("\n\n", 1)[0]
    in_readme = sorted(re.findall(r"^- `([\w-]+)`", said, re.M))
    assert in_readme == features and (features or said.lstrip().startswith("none.")), (features, said)
    assert cargo["package"]["metadata"]["llm-analytics-hub"]["schema-versions"] == schema_versions
    assert cargo["package"]["metadata"]["docs"]["rs"]["all-features"] is True
    with tarfile.open(only(dist / "npm", "*.tgz")) as packed:
        member = packed.extractfile("package/package.json")
        assert member is not None
        npm = json.loads(member.read())
    assert npm["version"] == __version__ and npm["llmAnalyticsHub"]["schemaVersions"] == schema_versions
    with zipfile.ZipFile(only(dist / "java", f"llm-analytics-hub-schemas-{__version__}.jar")) as jar:
        manifest = jar.read("META-INF/MANIFEST.MF").decode()
        resources = [n for n in jar.namelist() if n.startswith("io/llmanalyticshub/schemas/jsonschema/")]
    assert f"Implementation-Version: {__version__}" in manifest and f"Schema-Versions: {listed}" in manifest
    assert any(n.endswith("1.1.0/events/AnalyticsEvent.json") for n in resources)
    for kind in ("sources", "javadoc"):
        assert (dist / "java" / f"llm-analytics-hub-schemas-{__version__}-{kind}.jar").is_file()
    go_readme = (ROOT / "generated" / "go" / "README.md").read_text(encoding="utf-8")
    assert f"go get {GO_MODULE}@v{__version__}" in go_readme and f"carries schema versions {listed}" in go_readme
    assert (dist / "go" / "TAG").read_text().strip() == f"generated/go/v{__version__}"
    for folder in ("python", "rust", "java", "npm"):
        sums = (dist / folder / "SHA256SUMS").read_text().splitlines()
        for line in sums:
            digest, name = line.split("  ")
            assert hashlib.sha256((dist / folder / name).read_bytes()).hexdigest() == digest


RUST_MAIN = """use std::io::BufRead;

fn main() {
    let path = std::env::args().nth(1).expect("a file");
    let (mut documents, mut valid) = (0, 0);
    for line in std::io::BufReader::new(std::fs::File::open(path).unwrap()).lines() {
        let line = line.unwrap();
        if line.trim().is_empty() {
            continue;
        }
        documents += 1;
        let findings = llm_analytics_hub_schemas::validate_json(None, "AnalyticsEvent", &line).unwrap();
        valid += usize::from(findings.is_empty());
    }
    println!("{{\\"documents\\": {documents}, \\"valid\\": {valid}, \\"invalid\\": {}}}", documents - valid);
}
"""


def test_crate_from_its_packaged_file_in_a_new_cargo_project(dist: Path, expected: dict[str, Any]) -> None:
    crate = only(dist / "rust", "*.crate")
    unpacked = fresh(CONSUMERS / "crate")
    with tarfile.open(crate) as packed:
        packed.extractall(unpacked, filter="data")
    (source,) = unpacked.iterdir()
    touch_tree(source)  # the crate itself is compiled anew each session
    project = fresh(CONSUMERS / "rust-consumer")
    (project / "src").mkdir()
    (project / "Cargo.toml").write_text(
        '[package]\nname = "consumer"\nversion = "0.0.0"\nedition = "2021"\npublish = false\n\n'
        f'[dependencies]\nllm-analytics-hub-schemas = {{ path = "{source}" }}\n\n[workspace]\n', encoding="utf-8")
    (project / "src" / "main.rs").write_text(RUST_MAIN, encoding="utf-8")
    # the crate's dependencies at the versions of the repository's lock (cargo drops the packages it does not
    # need), built in the target folder of make dist, where `cargo package` compiled them for the packed
    # crate with the same (default) profile: only the crate and the consumer are compiled here
    shutil.copy(ROOT / "Cargo.lock", project / "Cargo.lock")
    target = BUILD / "rust-target"
    env = {k: v for k, v in os.environ.items()
           if not k.startswith(("RUSTFLAGS", "CARGO_TARGET_DIR", "CARGO_PROFILE_", "CARGO_BUILD_"))}
    run(["cargo", "build", "--offline", "-q"], cwd=project, env={**env, "CARGO_TARGET_DIR": str(target)},
        label="crate consumer")
    binary = target / "debug" / "consumer"
    assert {s.name: json.loads(run([str(binary), str(s)])) for s in SAMPLES} == expected


GO_MAIN = """package main

import (
	"bufio"
	"fmt"
	"os"
	"strings"

	schemas "MODULE"
)

func main() {
	file, err := os.Open(os.Args[1])
	if err != nil {
		panic(err)
	}
	defer file.Close()
	lines := bufio.NewScanner(file)
	lines.Buffer(make([]byte, 1<<20), 1<<24)
	documents, valid := 0, 0
	for lines.Scan() {
		if strings.TrimSpace(lines.Text()) == "" {
			continue
		}
		documents++
		if len(schemas.ValidateJSON("", "events.AnalyticsEvent", lines.Bytes())) == 0 {
			valid++
		}
	}
	fmt.Printf("{\\"documents\\": %d, \\"valid\\": %d, \\"invalid\\": %d}\\n", documents, valid, documents-valid)
}
"""


def test_go_module_by_its_tag_from_a_module_proxy(dist: Path, expected: dict[str, Any]) -> None:
    """dist/go/proxy holds what the go command fetched through the generated/go/vX.Y.Z tag; a new module
    requires that version from it as from any proxy (GOPROXY=file://), then vets and runs."""
    from llm_analytics_hub import __version__

    project = fresh(CONSUMERS / "go-consumer")
    (project / "go.mod").write_text("module example.com/consumer\n\ngo 1.24\n", encoding="utf-8")
    (project / "main.go").write_text(GO_MAIN.replace("MODULE", GO_MODULE), encoding="utf-8")
    env = {**os.environ, "GOPROXY": f"file://{dist / 'go' / 'proxy'}", "GONOSUMDB": "github.com/llm-analytics-hub",
           "GOPRIVATE": "", "GONOPROXY": "", "GOFLAGS": "-mod=mod -modcacherw", "GOTOOLCHAIN": "local",
           "GOMODCACHE": str(fresh(CONSUMERS / "go-modcache")), "GOCACHE": str(BUILD / "go-cache"),
           "GOPATH": str(CONSUMERS / "go-path"), "GOTELEMETRY": "off", "CGO_ENABLED": "0"}
    go = go_binary()
    run([go, "get", f"{GO_MODULE}@v{__version__}"], cwd=project, env=env, label="go consumer")
    assert f"{GO_MODULE} v{__version__}" in (project / "go.mod").read_text()
    run([go, "vet", "./..."], cwd=project, env=env, label="go consumer")
    run([go, "build", "-o", "consumer", "."], cwd=project, env=env, label="go consumer")
    assert {s.name: json.loads(run([str(project / "consumer"), str(s)])) for s in SAMPLES} == expected


JAVA_MAIN = """import io.llmanalyticshub.schemas.Validator;
import java.nio.file.Files;
import java.nio.file.Path;

public final class Main {
    public static void main(String[] args) throws Exception {
        int documents = 0;
        int valid = 0;
        for (String line : Files.readAllLines(Path.of(args[0]))) {
            if (line.isBlank()) {
                continue;
            }
            documents++;
            if (Validator.validateJson(null, "events.AnalyticsEvent", line).isEmpty()) {
                valid++;
            }
        }
        System.out.printf("{\\"documents\\": %d, \\"valid\\": %d, \\"invalid\\": %d}%n", documents, valid,
                          documents - valid);
    }
}
"""


def test_jar_from_the_local_maven_repository_in_a_new_maven_project(dist: Path, expected: dict[str, Any]) -> None:
    from java_build import CLASSPATH_GOAL, M2

    from llm_analytics_hub import __version__

    package_pom = (ROOT / "generated" / "java" / "pom.xml").read_text(encoding="utf-8")
    plugins = dict(re.findall(r"<artifactId>(maven-[a-z]+-plugin)</artifactId>\s*<version>([^<]+)</version>",
                              package_pom))
    project = fresh(CONSUMERS / "java-consumer")
    source = project / "src" / "main" / "java"
    source.mkdir(parents=True)
    (source / "Main.java").write_text(JAVA_MAIN, encoding="utf-8")
    (project / "pom.xml").write_text(f"""<?xml version="1.0" encoding="UTF-8"?>
<project xmlns="http://maven.apache.org/POM/4.0.0">
  <modelVersion>4.0.0</modelVersion>
  <groupId>example</groupId>
  <artifactId>consumer</artifactId>
  <version>0.0.0</version>
  <properties>
    <maven.compiler.release>17</maven.compiler.release>
    <project.build.sourceEncoding>UTF-8</project.build.sourceEncoding>
  </properties>
  <dependencies>
    <dependency>
      <groupId>io.llmanalyticshub</groupId>
      <artifactId>llm-analytics-hub-schemas</artifactId>
      <version>{__version__}</version>
    </dependency>
  </dependencies>
  <build>
    <plugins>
      <plugin><artifactId>maven-resources-plugin</artifactId><version>{plugins['maven-resources-plugin']}</version></plugin>
      <plugin><artifactId>maven-compiler-plugin</artifactId><version>{plugins['maven-compiler-plugin']}</version></plugin>
    </plugins>
  </build>
</project>
""", encoding="utf-8")
    classpath = project / "classpath.txt"
    run(["mvn", "-o", "-q", "-B", f"-Dmaven.repo.local={M2}", "compile", CLASSPATH_GOAL,
         f"-Dmdep.outputFile={classpath}"], cwd=project, label="java consumer")
    jars = classpath.read_text(encoding="utf-8").strip()
    assert f"{M2}/io/llmanalyticshub/llm-analytics-hub-schemas/{__version__}/" in jars, jars
    command = ["java", "-cp", f"{project / 'target' / 'classes'}{os.pathsep}{jars}", "Main"]
    assert {s.name: json.loads(run([*command, str(s)], label="java consumer")) for s in SAMPLES} == expected


COUNT_TS = """import { validateJSON, versions, type ValidationResult } from "@llm-analytics-hub/schemas";
import type { v1_0_0 } from "@llm-analytics-hub/schemas";
import type { AnalyticsEvent } from "@llm-analytics-hub/schemas/types/1.1.0/events";

export interface Counts {
  documents: number;
  valid: number;
  invalid: number;
}

export function count(lines: readonly string[]): Counts {
  let documents = 0;
  let valid = 0;
  for (const line of lines) {
    if (line.trim() === "") continue;
    documents += 1;
    const result: ValidationResult = validateJSON(line);
    if (result.valid) {
      valid += 1;
      const event = JSON.parse(line) as v1_0_0.events.AnalyticsEvent | AnalyticsEvent;
      const source: string = event.source_module;
      void source;
    } else {
      const where: string[] = result.errors.map((e) => `${e.instance_path} ${e.keyword}`);
      void where;
    }
  }
  return { documents, valid, invalid: documents - valid };
}

// the declarations are real types, not `any`: a wrong member type does not compile
// @ts-expect-error severity is a string enum
export const wrong: Partial<AnalyticsEvent> = { severity: 5 };
export const known: readonly string[] = versions;
"""

RUN_JS = """const fs = require("fs");
const { count } = require("./out/count.js");
console.log(JSON.stringify(count(fs.readFileSync(process.argv[2], "utf8").split("\\n"))));
"""


def test_npm_tarball_in_a_new_project_with_a_typescript_type_check(dist: Path, expected: dict[str, Any]) -> None:
    tarball = only(dist / "npm", "*.tgz")
    tsc = ROOT / "tests" / "node" / "node_modules" / "typescript" / "bin" / "tsc"
    assert tsc.is_file(), "TypeScript is missing: run `make node-deps`"
    project = fresh(CONSUMERS / "npm-consumer")
    (project / "package.json").write_text(json.dumps({
        "name": "consumer", "private": True, "dependencies": {"@llm-analytics-hub/schemas": f"file:{tarball}"}}),
        encoding="utf-8")
    (project / "tsconfig.json").write_text(json.dumps({
        "compilerOptions": {"strict": True, "module": "node16", "moduleResolution": "node16", "target": "es2022",
                            "outDir": "out", "types": [], "noEmitOnError": True},
        "files": ["count.ts"]}), encoding="utf-8")
    (project / "count.ts").write_text(COUNT_TS, encoding="utf-8")
    (project / "run.js").write_text(RUN_JS, encoding="utf-8")
    # ajv and ajv-formats from npm's cache when `make node-deps` put them there
    run(["npm", "install", "--prefer-offline", "--no-audit", "--no-fund"], cwd=project, label="npm consumer")
    run(["node", str(tsc), "-p", "tsconfig.json"], cwd=project, label="npm consumer")
    installed = project / "node_modules" / "@llm-analytics-hub" / "schemas"
    assert (installed / "validators" / "1.1.0" / "events" / "AnalyticsEvent.js").is_file()
    # the precompiled validators do the work: Node refuses `new Function`/eval, which compiling a schema needs
    node = ["node", "--disallow-code-generation-from-strings", "run.js"]
    assert {s.name: json.loads(run([*node, str(s)], cwd=project)) for s in SAMPLES} == expected


def test_the_lock_was_resolved_from_the_current_pyproject() -> None:
    done = subprocess.run([sys.executable, str(ROOT / "tools" / "lock.py"), "--check"], capture_output=True,
                          text=True, check=False)
    assert done.returncode == 0, done.stderr

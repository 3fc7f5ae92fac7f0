"""Builds the generated Java package (generated/java) and the agreement harness once per test run.

Maven runs offline against the repository build/m2, which `make java-deps` fills (pinned versions of
generated/java/pom.xml); the sources are copied to build/java first so that no target/ appears
under generated/. A missing JDK, Maven or dependency fails the tests, never skips them.
"""

from __future__ import annotations

import shutil
import subprocess
import time
from dataclasses import dataclass
from functools import cache
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PACKAGE = ROOT / "generated" / "java"
M2 = ROOT / "build" / "m2"
BUILD = ROOT / "build" / "java"
HARNESS_SOURCE = ROOT / "tests" / "java" / "Harness.java"
MAVEN = ["mvn", "-o", "-q", "-B", f"-Dmaven.repo.local={M2}"]
CLASSPATH_GOAL = "org.apache.maven.plugins:maven-dependency-plugin:3.8.1:build-classpath"  # as in the Makefile


@dataclass(frozen=True)
class JavaBuild:
    classpath: str  # the package's classes, the harness and the Jackson jars
    seconds: float  # maven compile + javac of the harness


def run(command: list[str], **kwargs: object) -> subprocess.CompletedProcess[str]:
    return subprocess.run(command, capture_output=True, text=True, check=False, **kwargs)  # type: ignore[call-overload, no-any-return]


def build(project: Path = PACKAGE, into: Path = BUILD) -> JavaBuild:
    """Compile `project` (a copy of it under `into`) with Maven, then the harness against it."""
    for tool in ("java", "javac", "mvn"):
        if shutil.which(tool) is None:
            raise AssertionError(f"{tool} is not on PATH: the Java tests need a JDK 17 and Maven")
    if not M2.is_dir():
        raise AssertionError(f"{M2} is missing: run `make java-deps` (it fetches the pinned Jackson and plugins)")
    started = time.perf_counter()
    shutil.rmtree(into, ignore_errors=True)
    shutil.copytree(project, into, ignore=shutil.ignore_patterns("target"))
    done = run([*MAVEN, "-Dmaven.compiler.failOnWarning=true", "compile"], cwd=into, timeout=900)
    if done.returncode != 0:
        raise AssertionError(f"mvn compile of {project} failed:\n{done.stdout[-6000:]}\n{done.stderr[-3000:]}")
    listed = run([*MAVEN, CLASSPATH_GOAL, f"-Dmdep.outputFile={into / 'classpath.txt'}"],
                 cwd=into, timeout=300)
    if listed.returncode != 0:
        raise AssertionError(f"mvn dependency:build-classpath failed:\n{listed.stdout[-3000:]}")
    jars = (into / "classpath.txt").read_text(encoding="utf-8").strip()
    harness = into / "harness"
    harness.mkdir()
    classpath = f"{into / 'target' / 'classes'}:{harness}:{jars}"
    compiled = run(["javac", "-Xlint:all", "-Werror", "-d", str(harness), "-cp", classpath, str(HARNESS_SOURCE)],
                   timeout=300)
    if compiled.returncode != 0:
        raise AssertionError(f"javac of the harness failed:\n{compiled.stderr}")
    return JavaBuild(classpath, time.perf_counter() - started)


@cache
def session_build() -> JavaBuild:
    """The one build of generated/java shared by every test of a run."""
    return build()


def javac(sources: list[Path], into: Path, classpath: str) -> None:
    """Compile `sources` with javac (all warnings on, none allowed) into `into`."""
    into.mkdir(parents=True, exist_ok=True)
    done = run(["javac", "-Xlint:all,-serial", "-Werror", "-d", str(into), "-cp", classpath,
                *map(str, sources)], timeout=600)
    if done.returncode != 0:
        raise AssertionError(f"javac failed:\n{done.stdout}{done.stderr[-6000:]}")

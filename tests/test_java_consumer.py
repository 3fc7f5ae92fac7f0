"""The generated Java package as its users use it: tests/java_consumer is a Maven project with an ordinary
dependency on io.llmanalyticshub:llm-analytics-hub-schemas, compiled with javac -Xlint:all -Werror. It is
built here against the package's build output, as a Maven reactor of the two projects (an aggregator pom
listing both; Maven resolves the dependency to the sibling module's classes, no install), offline against
build/m2. Run on examples/sample-events.ndjson it decodes every event, switches on the payload variant,
builds an event, writes it, reads it back and gets an error naming the member for each planted bad value.
"""

from __future__ import annotations

import json
import re
import shutil
from pathlib import Path

import pytest
from java_build import M2, MAVEN, PACKAGE, run, session_build

ROOT = Path(__file__).resolve().parent.parent
CONSUMER = ROOT / "tests" / "java_consumer"
SAMPLES = ROOT / "examples" / "sample-events.ndjson"

AGGREGATOR = """<?xml version="1.0" encoding="UTF-8"?>
<project xmlns="http://maven.apache.org/POM/4.0.0">
  <modelVersion>4.0.0</modelVersion>
  <groupId>com.example</groupId>
  <artifactId>reactor</artifactId>
  <version>1.0.0</version>
  <packaging>pom</packaging>
  <modules>
    <module>schemas</module>
    <module>consumer</module>
  </modules>
</project>
"""


@pytest.fixture(scope="module")
def consumer_classpath(tmp_path_factory: pytest.TempPathFactory) -> str:
    jars = session_build().classpath.split(":", 2)[2]  # the Jackson jars of the package's own build
    if not M2.is_dir():
        pytest.fail(f"{M2} is missing: run `make java-deps`", pytrace=False)
    reactor = tmp_path_factory.mktemp("java-consumer")
    shutil.copytree(PACKAGE, reactor / "schemas", ignore=shutil.ignore_patterns("target"))
    shutil.copytree(CONSUMER, reactor / "consumer", ignore=shutil.ignore_patterns("target"))
    (reactor / "pom.xml").write_text(AGGREGATOR, encoding="utf-8")
    version = re.search(r"<version>([^<]+)</version>", (PACKAGE / "pom.xml").read_text(encoding="utf-8"))
    assert version
    done = run([*MAVEN, f"-Dhub.version={version.group(1)}", "compile"], cwd=reactor, timeout=900)
    assert done.returncode == 0, f"mvn compile of the consumer failed:\n{done.stdout[-6000:]}\n{done.stderr[-2000:]}"
    return f"{reactor / 'consumer' / 'target' / 'classes'}:{reactor / 'schemas' / 'target' / 'classes'}:{jars}"


def test_consumer_pom_asks_for_every_warning_as_an_error() -> None:
    pom = (CONSUMER / "pom.xml").read_text(encoding="utf-8")
    assert "<arg>-Xlint:all</arg>" in pom and "<arg>-Werror</arg>" in pom
    assert "<artifactId>llm-analytics-hub-schemas</artifactId>" in pom


def test_consumer_reads_switches_builds_writes_and_is_refused_bad_values(consumer_classpath: str) -> None:
    lines = SAMPLES.read_text(encoding="utf-8").splitlines()
    done = run(["java", "-cp", consumer_classpath, "com.example.consumer.EventService"],
               input="\n".join(lines) + "\n", timeout=300)
    assert done.returncode == 0, done.stdout + done.stderr
    out = done.stdout.splitlines()
    described = [line for line in out if line.startswith("line ")]
    assert len(described) == len(lines) and not [d for d in described if "refused" in d], described
    assert any("latency gpt" in d for d in described) and any(": security " in d for d in described)
    written = json.loads(next(line for line in out if line.startswith("written: "))[len("written: "):])
    assert written["payload"] == {"payload_type": "telemetry", "data": {
        "telemetry_type": "latency", "model_id": "gpt-4o", "request_id": "req-1", "total_latency_ms": 812.5,
        "ttft_ms": 180.5}}
    assert written["timestamp"] == "2024-01-15T10:30:00.412Z" and written["schema_version"] == "1.0.0"
    assert "read back: latency gpt-4o 812.5 ms at 2024-01-15T10:30:00.412Z, equal" in out
    assert "NaN latency: /payload/data/total_latency_ms encode" in out
    assert "no environment:  required" in out
    assert "unknown version: /schema_version schema_version" in out

"""Safety of the Java package: hostile schema text (comment terminators, unicode escapes that javac
reads even inside comments, quotes, backslashes, odd Unicode) never becomes code; the package still
compiles with javac and keeps every value exactly."""

from __future__ import annotations

import json
from pathlib import Path

from java_build import javac, run, session_build
from test_generate_safety import NASTY, VALUES, schema_folder

from llm_analytics_hub.codegen.writer import generate

JAVA_NASTY = NASTY + ' */ class X {} /* \\u000a static { System.exit(3); } \\u002a/ \u2028 @param {@code x} <b> \\'
JAVA_VALUES = [*VALUES, "*/", "\\u000a", "\\u0022", "a\u2028b", "\U0001f600", "\\", "\\\\u000a", "x\ry"]


def hostile_tree(root: Path) -> Path:
    schemas = schema_folder(root)
    choice = schemas / "1.0.0" / "events" / "Choice.json"
    document = json.loads(choice.read_text(encoding="utf-8"))
    document.update(description=JAVA_NASTY, enum=JAVA_VALUES, examples=JAVA_VALUES)
    choice.write_text(json.dumps(document), encoding="utf-8")
    weird = schemas / "1.0.0" / "events" / "Weird.json"
    document = json.loads(weird.read_text(encoding="utf-8"))
    for prop in document["properties"].values():
        prop["description"] = JAVA_NASTY
    weird.write_text(json.dumps(document), encoding="utf-8")
    return schemas


def test_hostile_schema_text_compiles_to_inert_java(tmp_path: Path) -> None:
    out = tmp_path / "generated"
    generate(hostile_tree(tmp_path), out)
    # javac against the Jackson jars of the shared build (Maven is proven by the main build).
    jars = session_build().classpath.split(":", 2)[2]
    sources = sorted((out / "java" / "src" / "main" / "java").rglob("*.java"))
    javac(sources, tmp_path / "classes", jars)
    classpath = f"{tmp_path / 'classes'}:{out / 'java' / 'src' / 'main' / 'resources'}:{jars}"
    probe = tmp_path / "Probe.java"
    probe.write_text("""
import com.fasterxml.jackson.databind.ObjectMapper;
import io.llmanalyticshub.schemas.Hub;
import io.llmanalyticshub.schemas.v1_0_0.events.Choice;
public class Probe {
    public static void main(String[] args) throws Exception {
        StringBuilder out = new StringBuilder("[");
        ObjectMapper mapper = Hub.newObjectMapper();
        for (Choice c : Choice.values()) {
            out.append(out.length() > 1 ? "," : "").append(mapper.writeValueAsString(c));
        }
        System.out.println(out.append("]"));
    }
}
""", encoding="utf-8")
    javac([probe], tmp_path / "probe", classpath)
    done = run(["java", "-cp", f"{tmp_path / 'probe'}:{classpath}", "Probe"], timeout=120)
    assert done.returncode == 0, done.stderr
    assert json.loads(done.stdout) == JAVA_VALUES
    sources = "\n".join(p.read_text(encoding="utf-8") for p in (out / "java").rglob("*.java"))
    assert "&#92;u000a static &#123; System.exit(3); &#125;" in sources  # kept in the Javadoc, inert
    assert "\\u000a static" not in sources

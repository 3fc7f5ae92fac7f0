"""One verdict per text in Java: `Validator.validateJson` on the raw texts of tests/data/raw_texts.ndjson,
fed as they are, must give the verdict, the instance locations and the `parse` keyword of
`llm-hub validate` on a file holding the text (raw_text_cases.cli_outcomes): duplicate member names,
numbers beyond the double range, nesting beyond 1024 levels, lone surrogates, a byte order mark. A
valid text must also decode with Hub.decode and be written back by Hub.encode, except a number Jackson
will not bind to an integer type (403.0, 4.03e2: test_java.INHERENT_DIFFERENCES["integral floats"]).

A String holding a raw lone surrogate (what bytes that are not UTF-8 become in Java) is checked in
tests/java/ApiCheck.java.
"""

from __future__ import annotations

from pathlib import Path

from agreement_cases import read_results
from java_build import JavaBuild, run, session_build
from raw_text_cases import raw_texts, text_disagreements, write_texts


def test_java_gives_every_raw_text_the_commands_verdict(tmp_path: Path) -> None:
    java: JavaBuild = session_build()
    every = raw_texts(utf8=True)  # the harness protocol carries JSON strings
    path = tmp_path / "texts.ndjson"
    write_texts(path, every)
    with path.open(encoding="utf-8") as stdin:
        done = run(["java", "-cp", java.classpath, "Harness", "refined"], stdin=stdin, timeout=300)
    assert done.returncode == 0, done.stderr[-4000:]
    results = read_results(done.stdout, len(every))
    problems = text_disagreements(every, results)
    assert not problems, f"{len(problems)} of {len(every)} texts disagree:\n" + "\n".join(problems)
    undecoded = [f"{raw.note}: {result.get('decode_error')}" for raw, result in zip(every, results, strict=True)
                 if result["valid"] and result["reserialized"] is None and "Floating-point" not in
                 str(result["decode_error"])]
    assert not undecoded, "\n".join(undecoded)
    assert sum(not r["valid"] for r in results) > 20 and sum(r["valid"] for r in results) > 15

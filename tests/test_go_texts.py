"""One verdict per text in Go: `validation.Check` (= `ValidateJSON`) on the raw texts of
tests/data/raw_texts.ndjson, fed as they are, must give the verdict, the instance locations and the
`parse` keyword of `llm-hub validate` on a file holding the text (raw_text_cases.cli_outcomes):
duplicate member names, numbers beyond the float64 range, nesting beyond 1024 levels, lone surrogate
escapes, a byte order mark. A valid text must also decode into its Go type and be written back,
except a number encoding/json will not put into an integer type (403.0, 4.03e2, -0 for an unsigned
member: test_go.INHERENT_DIFFERENCES["integers written as floats"]).

Texts the shared corpus cannot carry (bytes that are not UTF-8) are in tests/go/api_test.go.
"""

from __future__ import annotations

import subprocess
from pathlib import Path

from agreement_cases import read_results
from raw_text_cases import raw_texts, text_disagreements, write_texts
from test_go import harness  # noqa: F401  (the session fixture that builds the harness)


def test_go_gives_every_raw_text_the_commands_verdict(harness: str, tmp_path: Path) -> None:  # noqa: F811
    every = raw_texts(utf8=True)  # the harness protocol carries JSON strings
    path = tmp_path / "texts.ndjson"
    write_texts(path, every)
    with path.open("rb") as stdin:
        done = subprocess.run([harness], stdin=stdin, capture_output=True, check=False, timeout=300)
    assert done.returncode == 0, done.stderr.decode()
    results = read_results(done.stdout.decode(), len(every))
    problems = text_disagreements(every, results)
    assert not problems, f"{len(problems)} of {len(every)} texts disagree:\n" + "\n".join(problems)
    undecoded = [f"{raw.note}: {result.get('decode_error')}" for raw, result in zip(every, results, strict=True)
                 if result["valid"] and result["reserialized"] is None
                 and "cannot unmarshal number" not in result["decode_error"]]
    assert not undecoded, "\n".join(undecoded)
    assert sum(not r["valid"] for r in results) > 20 and sum(r["valid"] for r in results) > 15

"""--valid-out / --invalid-out on one machine: every document lands in exactly one output, unchanged."""

from __future__ import annotations

import gzip
import json
import subprocess
import sys
from pathlib import Path

from lake_inputs import INVALID, VALID, documents_in

from llm_analytics_hub.validation.quarantine import output_names, part_name


def cli(*args: str | Path, stdin: bytes | None = None) -> subprocess.CompletedProcess[bytes]:
    done = subprocess.run([sys.executable, "-m", "llm_analytics_hub.cli", "validate", *map(str, args)], input=stdin,
                          capture_output=True, timeout=300, check=False)
    assert b"Traceback" not in done.stderr, done.stderr
    return done


def test_every_document_lands_in_one_output_unchanged(tmp_path: Path) -> None:
    lines = [VALID, "", INVALID, "not json", VALID.replace(", ", ",  ") + "\r", "   ", VALID]
    plain = tmp_path / "in" / "dt=1" / "a.ndjson"
    plain.parent.mkdir(parents=True)
    plain.write_text("\n".join(lines) + "\n")
    packed = tmp_path / "in" / "dt=1" / "a.ndjson.gz"
    packed.write_bytes(gzip.compress(plain.read_bytes()))
    single = tmp_path / "in" / "one.json"
    single.write_text(json.dumps(json.loads(VALID), indent=2))
    done = cli("--format", "json", "--valid-out", tmp_path / "valid", "--invalid-out", tmp_path / "invalid",
               plain, packed, single, "-", stdin=(INVALID + "\n" + VALID + "\n").encode())
    assert done.returncode == 1
    summary = json.loads(done.stdout.splitlines()[-1])["summary"]
    valid, invalid = documents_in(tmp_path / "valid"), documents_in(tmp_path / "invalid")
    assert len(valid) + len(invalid) == summary["documents"] == 13
    assert len(invalid) == summary["invalid"] == 5
    assert (tmp_path / "valid" / "dt=1" / "a.ndjson").read_bytes() == \
        "".join(line + "\n" for line in (VALID, VALID.replace(", ", ",  ") + "\r", VALID)).encode()
    assert (tmp_path / "valid" / "dt=1" / "a.ndjson.gz.ndjson").exists()  # a.ndjson was taken
    assert (tmp_path / "valid" / "one.json").read_bytes() == single.read_bytes() + b"\n"  # as is, then a line break
    records = [json.loads(line) for line in (tmp_path / "invalid" / "dt=1" / "a.ndjson").read_text().splitlines()]
    assert [(r["line"], r["label"], r["document"]) for r in records] == [(3, "telemetry/latency", INVALID),
                                                                         (4, "(not JSON)", "not json")]
    assert records[0]["errors"][0]["keyword"] == "unevaluatedProperties"
    assert (tmp_path / "invalid" / "stdin.ndjson").exists()


def test_output_names_mirror_the_inputs_and_stay_distinct() -> None:
    names = output_names(["s3://b/ev/dt=1/p.ndjson.gz", "s3://b/ev/dt=2/p.ndjson", "s3://b/ev/dt=2/p.ndjson.gz",
                          "s3://b/ev/x.json"])
    assert names["s3://b/ev/dt=1/p.ndjson.gz"] == ("dt=1/p.ndjson", "dt=1/p.ndjson")
    assert names["s3://b/ev/dt=2/p.ndjson.gz"] == ("dt=2/p.ndjson.gz.ndjson", "dt=2/p.ndjson.gz.ndjson")
    assert names["s3://b/ev/x.json"] == ("x.json", "x.ndjson")
    assert part_name("dt=1/p.ndjson", 3, 10) == "dt=1/p.part-00003.ndjson"
    assert part_name("dt=1/p.ndjson", 0, 1) == "dt=1/p.ndjson"


def test_an_output_that_cannot_be_written_is_one_line_and_exit_2(tmp_path: Path) -> None:
    source = tmp_path / "a.ndjson"
    source.write_text(f"{VALID}\n{INVALID}\n")
    blocked = tmp_path / "file-not-folder"
    blocked.write_text("")
    done = cli("--valid-out", blocked, source)
    assert done.returncode == 2
    [line] = done.stderr.decode().splitlines()
    assert line.startswith(f"llm-hub: error: {blocked / 'a.ndjson'}: cannot write: ")

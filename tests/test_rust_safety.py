"""Safety of the Rust emitter: hostile schema text (quotes, backslashes, newlines, code fences, indented
code, HTML, bidi controls, Rust keywords as names) never becomes Rust code or a doc-test. The crate
generated from a hostile schema tree must build with -D warnings, document with -D warnings, run no
doc-test, and keep every wire name and enum value exactly (checked through the harness protocol)."""

from __future__ import annotations

import json
import shutil
import subprocess
from pathlib import Path

from test_generate_safety import NASTY, VALUES, schema_folder
from test_rust import ENV, ROOT, harness  # noqa: F401 (the session fixture builds the shared dependencies)

from llm_analytics_hub.codegen.writer import generate

RUSTY = ("```rust\npanic!(\"a doc-test ran\");\n```\n    panic!(\"an indented doc-test ran\");\n"
         "*/ /* <script>alert(1)</script> [link](https://x.invalid/a_b) \u202eevil\u202c \r\n#![deny(x)]"
         " \\u{0} \" ~~~\n~~~\nunsafe { }")
HOSTILE = "hostile-schemas"
KEYWORD_MEMBERS = ["type", "self", "Self", "super", "r#raw", "crate", "fn", "match", "__", ""]
ODD_VALUES = ["\u202eright-to-left", "tab\there", "\\u{41}", "}\"; panic!(); \"", "Ω", "SCREAMING", "screaming"]


def hostile_tree(root: Path) -> Path:
    schemas = schema_folder(root)
    base = "https://llm-analytics-hub.invalid/schemas/1.0.0/"
    (schemas / "1.0.0" / "events" / "Rusty.json").write_text(json.dumps({
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "$id": base + "events/Rusty.json",
        "title": "Rusty", "description": RUSTY,
        "type": "object",
        "properties": {name: {"description": RUSTY, "type": "string", "enum": ODD_VALUES} for name in KEYWORD_MEMBERS},
        "required": ["type"],
        "additionalProperties": False,
        "examples": [{name: value for name, value in zip(KEYWORD_MEMBERS, ODD_VALUES * 2, strict=False)}],
    }), encoding="utf-8")
    return schemas


def test_hostile_schemas_give_a_safe_crate(harness: Path, tmp_path: Path) -> None:  # noqa: F811
    out = tmp_path / "generated"
    generate(hostile_tree(tmp_path), out)
    source = (out / "rust/src/v1_0_0/events.rs").read_text(encoding="utf-8")
    assert "\u202e" not in source and "\r" not in source and "```" not in source
    assert "{{ 7\\*7 }} {% raw %}" in source  # Jinja syntax in schema text stays (escaped markdown) text
    # The project's workspace manifest (its profiles too, so the shared dependencies are reused as built).
    workspace = (ROOT / "Cargo.toml").read_text(encoding="utf-8")
    assert '"tests/rust_harness"' in workspace
    (tmp_path / "Cargo.toml").write_text(workspace.replace('"tests/rust_harness"', '"check"').replace(
        ', "native"', ""), encoding="utf-8")  # the Python extension is not part of this check
    shutil.copy(ROOT / "Cargo.lock", tmp_path / "Cargo.lock")
    (tmp_path / "check" / "src").mkdir(parents=True)
    manifest = (ROOT / "tests/rust_harness/Cargo.toml").read_text(encoding="utf-8")
    # Own package and crate names: cargo names a workspace crate's artifacts (and its rustdoc folder) by
    # name, version and path within the workspace, which are the same here; in the shared target folder
    # the hostile crate would otherwise replace the real one.
    crate_manifest = out / "rust" / "Cargo.toml"
    crate_manifest.write_text(crate_manifest.read_text(encoding="utf-8").replace(
        'name = "llm-analytics-hub-schemas"', f'name = "{HOSTILE}"', 1), encoding="utf-8")
    runtime = out / "rust" / "src" / "formats.rs"  # its doc-test names the crate
    runtime.write_text(runtime.read_text(encoding="utf-8").replace("llm_analytics_hub_schemas::",
                                                                   "hostile_schemas::"), encoding="utf-8")
    manifest = manifest.replace("../../generated/rust", "../generated/rust").replace(
        '"rust-harness"', '"hostile-harness"').replace(
        'llm-analytics-hub-schemas = { path', f'llm-analytics-hub-schemas = {{ package = "{HOSTILE}", path')
    (tmp_path / "check" / "Cargo.toml").write_text(manifest, encoding="utf-8")
    shutil.copy(ROOT / "tests/rust_harness/src/main.rs", tmp_path / "check/src/main.rs")

    def cargo(*args: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run(["cargo", *args, "--offline"], cwd=tmp_path, env=ENV, capture_output=True, text=True,
                              timeout=1800, check=False)

    built = cargo("build", "-p", "hostile-harness")
    assert built.returncode == 0, built.stderr[-5000:]
    doc = cargo("doc", "--no-deps", "-p", HOSTILE)
    assert doc.returncode == 0, doc.stderr[-5000:]
    doctests = cargo("test", "--doc", "-p", HOSTILE)
    assert doctests.returncode == 0, doctests.stdout[-3000:] + doctests.stderr[-3000:]
    ran = [line for line in doctests.stdout.splitlines() if line.startswith("test ") and " ... " in line]
    assert ran and all(line.startswith("test generated/rust/src/formats.rs") for line in ran), \
        "schema text became a doc-test:\n" + doctests.stdout

    weird = json.loads((tmp_path / "schemas/1.0.0/events/Weird.json").read_text(encoding="utf-8"))
    rusty = json.loads((tmp_path / "schemas/1.0.0/events/Rusty.json").read_text(encoding="utf-8"))
    documents = [("events." + weird["title"], weird["examples"][0]), ("events.Rusty", rusty["examples"][0])]
    documents += [("events.Choice", value) for value in VALUES]
    documents += [("events.Rusty", {"type": value}) for value in ODD_VALUES]
    documents += [("metrics.class", {"def": 1.5, "while": 2.0, '"}': 3})]
    invalid = [("events.Choice", "a\"b "), ("events.Rusty", {"type": "screaming", "selfx": "Ω"})]
    lines = "".join(json.dumps({"version": "1.0.0", "type": t, "text": json.dumps(d)}) + "\n"
                    for t, d in documents + invalid)
    binary = str(Path(ENV["CARGO_TARGET_DIR"]) / "debug" / "hostile-harness")
    ran = subprocess.run([binary], input=lines, capture_output=True, text=True, timeout=60, check=False)
    assert ran.returncode == 0, ran.stderr
    answers = [json.loads(line) for line in ran.stdout.splitlines()]
    for (type_name, document), answer in zip(documents, answers, strict=False):
        assert answer["valid"], (type_name, document, answer)
        assert json.loads(answer["reserialized"]) == document, (type_name, document, answer)
    assert [a["valid"] for a in answers[len(documents):]] == [False, False]
    assert answers[-1]["errors"][0]["instance_path"] == ""
    assert NASTY  # the descriptions of test_generate_safety are in the tree too

    # The lenient reading is an option of each call (`Options::LENIENT`), not a cargo feature: the same
    # build validates and decodes strictly (above) and leniently (the undeclared member dropped).
    extra = json.dumps({"version": "1.0.0", "type": "events.Rusty", "text": json.dumps(invalid[1][1])}) + "\n"
    done = subprocess.run([binary, "--lenient"], input=extra, capture_output=True, text=True, timeout=60, check=False)
    assert done.returncode == 0, done.stderr
    relaxed = json.loads(done.stdout)
    assert relaxed["valid"] and json.loads(relaxed["reserialized"]) == {"type": "screaming"}

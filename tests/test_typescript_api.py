"""The npm package as its users meet it (tests/test_typescript.py holds the agreement on documents):

- the raw-text corpus (tests/data/raw_texts.ndjson) through `validateJSON`, as a string and as UTF-8
  bytes: the CLI's verdict on every text;
- nothing is compiled at run time: the package validates in a Node that refuses code generation from
  strings (what a Content-Security-Policy without 'unsafe-eval' refuses), and every module is reached
  by a literal require path (bundlers see them all);
- the precompiled validators are what the build step gives for the committed bundles (drift check);
- a consumer project (tests/node/consumer) installs the packed .tgz, compiles with `tsc --strict`
  (literal schema and version names, the result union, the type guard) and runs.
"""

from __future__ import annotations

import json
import re
import shutil
from pathlib import Path
from typing import Any

import pytest
from raw_text_cases import disagreements, raw_texts
from test_typescript import NODE_DIR, NODE_MODULES, PACKAGE, _run, node_env  # noqa: F401 (node_env: fixture)

from llm_analytics_hub.schema_store import load_version

BUILD = PACKAGE / "scripts" / "build-validators.cjs"
CONSUMER = NODE_DIR / "consumer"


def test_validate_json_gives_the_cli_verdict_on_every_raw_text(node_env: dict[str, str], tmp_path: Path) -> None:  # noqa: F811
    cases = []
    for raw in raw_texts():
        base = {"raw": True, "type": raw.type_name, "version": raw.version}
        cases += [{**base, "text": raw.text}, {**base, "hex": raw.data.hex()}]
    cases_file = tmp_path / "raw.json"
    cases_file.write_text(json.dumps(cases), encoding="utf-8")
    done = _run(["node", str(NODE_DIR / "agreement.mjs"), str(cases_file), str(PACKAGE)], env=node_env, timeout=300)
    assert done.returncode == 0, done.stderr
    answers = json.loads(done.stdout)
    for how, offset in (("validateJSON(string)", 0), ("validateJSON(bytes)", 1)):
        picked = [(a["text"]["valid"], a["text"]["paths"]) for a in answers[offset::2]]
        problems = disagreements(picked, how)
        assert not problems, f"{len(problems)} disagreement(s):\n" + "\n".join(problems)


def test_the_validators_are_the_build_steps_output(node_env: dict[str, str]) -> None:  # noqa: F811
    """The committed validators/ equal what scripts/build-validators.cjs builds from the committed bundles
    with the pinned Ajv (the drift check of `make gen-check` and `npm pack`)."""
    done = _run(["node", str(BUILD), "--check"], env=node_env, timeout=600)
    assert done.returncode == 0, done.stdout + done.stderr
    manifest = json.loads((PACKAGE / "package.json").read_text(encoding="utf-8"))
    pinned = json.loads((NODE_DIR / "package.json").read_text(encoding="utf-8"))["dependencies"]
    assert manifest["devDependencies"] == {"ajv": pinned["ajv"], "ajv-formats": pinned["ajv-formats"]}


NO_EVAL = """
const hub = require(process.argv[1]);
const line = process.argv[2];
const ok = hub.validateJSON(line);
const bad = hub.validateJSON(line.replace("total_latency_ms", "total_latency"));
let evalRefused = false;
try { new Function("return 1"); } catch (error) { evalRefused = true; }
const compiler = Object.keys(require.cache).filter((p) => /ajv[\\\\/]dist[\\\\/](core|compile|2020)/.test(p));
const bad_paths = bad.errors.map((e) => e.instance_path);
process.stdout.write(JSON.stringify({ ok: ok.valid, bad: bad_paths, evalRefused, compiler }));
"""


def test_nothing_is_compiled_at_run_time(node_env: dict[str, str]) -> None:  # noqa: F811
    event = next(e for e in load_version("1.0.0").lookup("events.AnalyticsEvent").examples
                 if e["payload"]["data"].get("telemetry_type") == "latency")
    done = _run(["node", "--disallow-code-generation-from-strings", "-e", NO_EVAL, str(PACKAGE), json.dumps(event)],
                env=node_env, timeout=60)
    assert done.returncode == 0, done.stderr
    out = json.loads(done.stdout)
    assert out == {"ok": True, "bad": ["/payload/data", "/payload/data"], "evalRefused": True, "compiler": []}, out


def test_every_module_is_reached_by_a_literal_path() -> None:
    sources = [PACKAGE / name for name in ("index.js", "errors.js", "hints.js")]
    sources += sorted((PACKAGE / "validators").rglob("*.js"))
    assert len(sources) > 300
    for path in sources:
        for call in re.findall(r"\brequire\(([^)]*)\)", path.read_text(encoding="utf-8")):
            assert re.fullmatch(r'"[^"]+"', call), f"{path.relative_to(PACKAGE)}: require({call})"
    index = (PACKAGE / "index.js").read_text(encoding="utf-8")
    manifest = json.loads((PACKAGE / "schemas" / "index.json").read_text(encoding="utf-8"))
    for row in manifest["types"]:
        assert f'require("./validators/{row["path"].removesuffix(".json")}.js")' in index, row["path"]


# The README's TypeScript example uses `line` (an NDJSON line) and `body` (a request body) as givens.
README_PRELUDE = "declare const line: string;\ndeclare const body: string;\n"


def readme_block() -> str:
    text = (PACKAGE.parents[1] / "README.md").read_text(encoding="utf-8")
    (block,) = re.findall(r"```ts\n(.*?)```", text, flags=re.S)
    return block


@pytest.fixture(scope="module")
def consumer(node_env: dict[str, str], tmp_path_factory: pytest.TempPathFactory) -> Path:  # noqa: F811
    """The consumer project in a temporary folder with the packed package installed (npm install of the
    .tgz; its dependencies ajv and ajv-formats come from npm's cache or the registry)."""
    folder = tmp_path_factory.mktemp("ts-consumer")
    packed = _run(["npm", "pack", "--json", "--pack-destination", str(folder)], cwd=PACKAGE, env=node_env,
                  timeout=300)
    assert packed.returncode == 0, packed.stderr
    tarball = folder / json.loads(packed.stdout)[0]["filename"]
    project = folder / "hub-consumer"
    shutil.copytree(CONSUMER, project, ignore=shutil.ignore_patterns("node_modules", "dist"))
    (project / "src" / "readme.ts").write_text(README_PRELUDE + readme_block(), encoding="utf-8")
    installed = _run(["npm", "install", "--no-audit", "--no-fund", "--prefer-offline", str(tarball)], cwd=project,
                     env={k: v for k, v in node_env.items() if k != "NODE_PATH"}, timeout=600)
    assert installed.returncode == 0, installed.stdout + installed.stderr
    return project


def test_the_consumer_compiles_with_tsc_strict(consumer: Path, node_env: dict[str, str]) -> None:  # noqa: F811
    tsc = NODE_MODULES / "typescript" / "bin" / "tsc"
    done = _run(["node", str(tsc), "-p", ".", "--pretty", "false"], cwd=consumer, env=node_env, timeout=300)
    assert done.returncode == 0, done.stdout + done.stderr


def test_the_consumer_reads_narrows_writes_and_is_refused_a_bad_value(consumer: Path,
                                                                       node_env: dict[str, str]) -> None:  # noqa: F811
    if not (consumer / "dist" / "main.js").is_file():
        pytest.fail("the consumer did not compile (test_the_consumer_compiles_with_tsc_strict)", pytrace=False)
    examples = load_version("1.0.0").lookup("events.AnalyticsEvent").examples
    latency = next(e for e in examples if e["payload"]["data"].get("telemetry_type") == "latency")
    lines = "\n".join([json.dumps(latency), json.dumps(latency).replace("total_latency_ms", "total_latency"),
                       json.dumps(latency)[:-1] + ', "severity": "info"}', "{not json"]) + "\n"
    env: dict[str, Any] = {k: v for k, v in node_env.items() if k != "NODE_PATH"}  # its own node_modules only
    done = _run(["node", "dist/main.js"], cwd=consumer, input=lines, env=env, timeout=60)
    assert done.returncode == 0, done.stdout + done.stderr
    out = done.stdout.splitlines()
    assert out[0] == f"line 1: {latency['payload']['data']['model_id']} took " \
                     f"{latency['payload']['data']['total_latency_ms']} ms", out
    assert any(line.startswith("line 2: invalid: /payload/data ") for line in out), out
    assert any(line.startswith("line 3: invalid:  parse not valid JSON: duplicate member") for line in out), out
    assert any(line.startswith("line 4: invalid:  parse ") for line in out), out
    assert f"guarded: {latency['source_module']} telemetry" in out
    assert any(line.startswith('wrote and read back: {"event_id"') for line in out), out
    assert out[-1] == "refused on write: /payload/data/cost_per_request type", out


def test_the_readme_example_compiles_and_runs(consumer: Path, node_env: dict[str, str]) -> None:  # noqa: F811
    """The README's block is part of the consumer (src/readme.ts), so tsc --strict above checked it; here it
    runs on a refused event and a valid TimeWindow body."""
    if not (consumer / "dist" / "readme.js").is_file():
        pytest.fail("the README example did not compile (test_the_consumer_compiles_with_tsc_strict)", pytrace=False)
    version = load_version("1.0.0")
    latency = next(e for e in version.lookup("events.AnalyticsEvent").examples
                   if e["payload"]["data"].get("telemetry_type") == "latency")
    window = version.lookup("correlation.TimeWindow").examples[0]
    givens = {"line": json.dumps(latency).replace("total_latency_ms", "total_latency"), "body": json.dumps(window)}
    script = f"Object.assign(globalThis, {json.dumps(givens)}); await import('./dist/readme.js');"
    env: dict[str, Any] = {k: v for k, v in node_env.items() if k != "NODE_PATH"}
    done = _run(["node", "--input-type=module", "-e", script], cwd=consumer, env=env, timeout=60)
    assert done.returncode == 0, done.stdout + done.stderr
    out = done.stdout.splitlines()
    assert any(line.startswith("/payload/data unevaluatedProperties ") for line in out), out
    assert out[-1] == window["start"], out

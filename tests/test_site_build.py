"""The schema browser as files: complete, every link lands, byte-deterministic, small, safe against
hostile schema text, and `llm-hub docs build` / `docs serve` fail in one line on bad input.
(What it does in a browser is tests/test_site_browser.py.)"""

from __future__ import annotations

import json
import os
import shutil
import socket
import subprocess
from html.parser import HTMLParser
from pathlib import Path
from typing import Any
from urllib.parse import unquote, urldefrag

import pytest
from hub_runner import Hub
from test_generate_safety import NASTY, PROPS, VALUES, schema_folder

from llm_analytics_hub.codegen.ir import ObjectType
from llm_analytics_hub.codegen.site import paths
from llm_analytics_hub.codegen.site.catalog import Catalog, load_catalog
from llm_analytics_hub.codegen.site.render import render_site
from llm_analytics_hub.codegen.site.spelling import prose

ROOT = Path(__file__).resolve().parent.parent
SEARCH_PREFIX = "window.HUB_SEARCH_INDEX = "
# Budgets that keep the site small; raise them deliberately, with the size in the commit message.
MAX_SITE_BYTES = 8_000_000
MAX_INDEX_BYTES = 400_000


class Page(HTMLParser):
    """The ids, links and scripts of one HTML page, and its text."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.ids: set[str] = set()
        self.links: list[str] = []
        self.scripts: list[dict[str, str | None]] = []
        self.handlers: list[tuple[str, str]] = []
        self.text: list[str] = []
        self.attributes: list[tuple[str, str]] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = dict(attrs)
        if values.get("id"):
            self.ids.add(str(values["id"]))
        for name in ("href", "src"):
            if values.get(name):
                self.links.append(str(values[name]))
        if tag == "script":
            self.scripts.append(values)
        self.handlers += [(tag, name) for name, _ in attrs if name.startswith("on")]
        self.attributes += [(name, value) for name, value in attrs if value]

    def handle_data(self, data: str) -> None:
        self.text.append(data)


def parse(path: Path) -> Page:
    page = Page()
    page.feed(path.read_text(encoding="utf-8"))
    return page


def search_index(site: Path) -> dict[str, Any]:
    text = (site / "assets" / "search-index.js").read_text(encoding="utf-8")
    assert text.startswith(SEARCH_PREFIX) and text.endswith(";\n")
    data: dict[str, Any] = json.loads(text[len(SEARCH_PREFIX):-2])
    return data


def build(hub: Hub, out: Path, schemas: Path | None = None,
          env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    extra = ["--schemas", str(schemas)] if schemas is not None else []
    return hub("docs", "build", "--out", out, *extra, cwd=ROOT, env=env)


def error_line(result: subprocess.CompletedProcess[str]) -> str:
    """The one error line of a failed command (after the line naming the schemas it chose)."""
    assert result.returncode == 2 and "Traceback" not in result.stderr
    lines = result.stderr.splitlines()
    assert len(lines) == 2 and lines[0].startswith("llm-hub: schemas "), result.stderr
    return lines[1]


def tree(folder: Path) -> dict[str, bytes]:
    return {p.relative_to(folder).as_posix(): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


@pytest.fixture(scope="module")
def catalog() -> Catalog:
    return load_catalog(ROOT / "schemas")


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory, hub: Hub) -> Path:
    out = tmp_path_factory.mktemp("site") / "site"
    result = build(hub, out)
    assert result.returncode == 0, result.stderr
    assert result.stdout.startswith("wrote ") and str(out) in result.stdout
    return out


def test_every_type_of_every_version_has_a_page_with_its_members(site: Path, catalog: Catalog) -> None:
    for version in catalog.versions:
        for area in version.areas:
            for typedef in area.types:
                page = parse(site / catalog.page(version.version, typedef))
                assert typedef.name in "".join(page.text)
                if isinstance(typedef, ObjectType):
                    rows = [i for i in page.ids if i.startswith("field-")]
                    assert sorted(rows) == sorted(f"field-{f.wire}" for f in typedef.fields), typedef.name


def test_every_link_and_fragment_lands(site: Path) -> None:
    pages = {p.relative_to(site).as_posix(): parse(p) for p in site.rglob("*.html")}
    checked = 0
    for name, page in pages.items():
        for link in page.links:
            if link.startswith(("data:", "http://", "https://")):
                continue
            target, fragment = urldefrag(link)
            resolved = (site / name).parent / unquote(target) if target else site / name
            relative = resolved.resolve().relative_to(site.resolve()).as_posix()
            assert resolved.is_file(), f"{name}: broken link {link}"
            if fragment:
                assert unquote(fragment) in pages[relative].ids, f"{name}: {link} has no #{fragment}"
            checked += 1
    assert checked > 5_000  # the check really ran over the site


def test_the_search_index_points_at_real_pages_members_and_values(site: Path, catalog: Catalog) -> None:
    index = search_index(site)
    assert index["versions"] == list(reversed(catalog.names))
    assert len(index["types"]) == sum(1 for v in catalog.versions for a in v.areas for t in a.types if not t.synthetic)
    for entry in index["types"]:
        page = parse(site / entry["u"])
        assert {f"field-{f[0]}" for f in entry["f"]} <= page.ids
        assert {anchor for _, anchor in entry["e"]} <= page.ids
    latency = [e for e in index["types"] if e["n"] == "LatencyMetrics"]
    assert [e["v"] for e in latency] == ["1.1.0", "1.0.0"]
    assert "total_latency_ms" in [f[0] for f in latency[0]["f"]]


def test_builds_are_byte_identical_across_runs_and_hash_seeds(site: Path, tmp_path: Path, hub: Hub) -> None:
    first = tree(site)
    assert render_site(ROOT / "schemas") == {k: v.decode("utf-8") for k, v in first.items() if k != ".llm-hub-site"}
    for seed in ("0", "4242"):
        out = tmp_path / f"seed-{seed}"
        result = build(hub, out, env={**os.environ, "PYTHONHASHSEED": seed})
        assert result.returncode == 0, result.stderr
        assert tree(out) == first, f"PYTHONHASHSEED={seed} gave other bytes"


def test_the_site_stays_small(site: Path) -> None:
    total = sum(p.stat().st_size for p in site.rglob("*") if p.is_file())
    index = (site / "assets" / "search-index.js").stat().st_size
    assert total < MAX_SITE_BYTES, f"site is {total} bytes"
    assert index < MAX_INDEX_BYTES, f"search index is {index} bytes"


HTML_NASTY = '</script><script>alert(1)</script> "><img src=x onerror=alert(2)> \u2028 &amp; <!-- -->'


def hostile_schemas(root: Path) -> Path:
    """The generator's hostile schemas (quotes, Jinja, keywords, odd member names) plus HTML attacks."""
    schemas = schema_folder(root)
    path = schemas / "1.0.0" / "events" / "Weird.json"
    schema = json.loads(path.read_text(encoding="utf-8"))
    schema["description"] = NASTY + HTML_NASTY
    schema["properties"][HTML_NASTY] = {"description": HTML_NASTY, "type": "string"}
    schema["examples"][0][HTML_NASTY] = HTML_NASTY
    path.write_text(json.dumps(schema), encoding="utf-8")
    return schemas


def test_hostile_schema_text_stays_text(tmp_path: Path, hub: Hub) -> None:
    out = tmp_path / "site"
    result = build(hub, out, hostile_schemas(tmp_path))
    assert result.returncode == 0, result.stderr
    pages = list(out.rglob("*.html"))
    assert pages
    for path in pages:
        page = parse(path)
        assert [str(s.get("src")).rsplit("/", 1)[-1] for s in page.scripts] == ["search-index.js", "site.js"]
        assert page.handlers == [], f"{path}: event handler attributes {page.handlers}"
    weird = next(p for p in (out / "1.0.0" / "events").glob("Weird*.html"))
    page = parse(weird)
    text = "".join(page.text)
    assert NASTY + HTML_NASTY in text  # the description, shown exactly as written
    assert {paths.field_anchor(name) for name in [*PROPS, HTML_NASTY]} <= page.ids
    copied = [json.loads(v) for n, v in page.attributes if n == "data-copy" and v.startswith("{")]
    assert [c[HTML_NASTY] for c in copied] == [HTML_NASTY]  # the copy button copies the example exactly
    choice = parse(out / "1.0.0" / "events" / "Choice.html")
    assert {paths.value_anchor(v) for v in VALUES} <= choice.ids
    assert all(json.dumps(v, ensure_ascii=False) in "".join(choice.text) for v in VALUES)

    node = shutil.which("node")
    assert node, "node is needed to prove the search index is a harmless script"
    script = ("global.window = {}; require(process.argv[1]);"
              "process.stdout.write(JSON.stringify(window.HUB_SEARCH_INDEX));")
    evaluated = subprocess.run([node, "-e", script, str(out / "assets" / "search-index.js")],
                               capture_output=True, text=True, check=True)
    assert json.loads(evaluated.stdout) == search_index(out)
    weird_entry = next(e for e in search_index(out)["types"] if e["n"].startswith("Weird"))
    assert HTML_NASTY in [f[0] for f in weird_entry["f"]]


def test_build_refuses_a_folder_it_did_not_write(tmp_path: Path, hub: Hub) -> None:
    keep = tmp_path / "mine" / "notes.txt"
    keep.parent.mkdir()
    keep.write_text("precious", encoding="utf-8")
    result = build(hub, keep.parent)
    assert error_line(result) == (f"llm-hub: error: {keep.parent}: not empty and not a site written by "
                                  "`llm-hub docs build`; pick an empty or new folder")
    assert keep.read_text(encoding="utf-8") == "precious"


def test_build_replaces_its_own_earlier_build(tmp_path: Path, hub: Hub) -> None:
    out = tmp_path / "site"
    assert build(hub, out).returncode == 0
    stale = out / "1.0.0" / "events" / "Gone.html"
    stale.write_text("old", encoding="utf-8")
    assert build(hub, out).returncode == 0
    assert not stale.exists() and (out / "index.html").is_file()


def test_build_without_schema_versions_is_one_line(tmp_path: Path, hub: Hub) -> None:
    (tmp_path / "schemas").mkdir()
    result = build(hub, tmp_path / "site", tmp_path / "schemas")
    assert "no schema version folders" in error_line(result)


def test_serve_on_a_busy_port_is_one_line(site: Path, hub: Hub) -> None:
    with socket.socket() as busy:
        busy.bind(("127.0.0.1", 0))
        busy.listen()
        port = busy.getsockname()[1]
        result = hub("docs", "serve", "--no-build", "--dir", site, "--port", str(port), timeout=60)
    assert error_line(result) == f"llm-hub: error: port {port} on 127.0.0.1 is already in use; pick another with --port"


def test_serve_without_a_site_is_a_usage_error(tmp_path: Path, hub: Hub) -> None:
    result = hub("docs", "serve", "--no-build", "--dir", tmp_path / "none", timeout=60)
    missing = tmp_path / "none"
    assert error_line(result) == (f"llm-hub: error: {missing} holds no built site; run `llm-hub docs build "
                                  f"--out {missing}` or drop --no-build")


def test_backtick_spans_in_descriptions_become_code_and_nothing_else_does() -> None:
    assert prose("the `data` member <b>") == "the <code>data</code> member &lt;b&gt;"
    assert prose("`<script>`") == "<code>&lt;script&gt;</code>"
    assert prose("one ` unpaired <i>") == "one ` unpaired &lt;i&gt;"


def test_three_versions_a_removed_member_and_a_new_type(tmp_path: Path, hub: Hub) -> None:
    """Any two versions get a diff: with 1.2.0 (a member removed, a type added) there are three pairs."""
    schemas = tmp_path / "schemas"
    shutil.copytree(ROOT / "schemas", schemas, ignore=shutil.ignore_patterns("corpus"))
    made = hub("new-version", "1.2.0", "--schemas", schemas, cwd=tmp_path)
    assert made.returncode == 0, made.stderr
    latency = schemas / "1.2.0" / "events" / "LatencyMetrics.json"
    schema = json.loads(latency.read_text(encoding="utf-8"))
    del schema["$defs"]["fields"]["properties"]["tokens_per_second"]
    for example in schema["examples"]:
        example.pop("tokens_per_second", None)
    latency.write_text(json.dumps(schema), encoding="utf-8")
    out = tmp_path / "site"
    result = build(hub, out, schemas)
    assert result.returncode == 0, result.stderr

    pairs = sorted(p.name for p in (out / "diff").iterdir())
    assert pairs == ["1.0.0--1.1.0", "1.0.0--1.2.0", "1.1.0--1.2.0"]
    for pair in pairs:
        diff = parse(out / "diff" / pair / "events" / "LatencyMetrics.html")
        text = " ".join("".join(diff.text).split())
        assert ("removed" in diff.ids) == pair.endswith("1.2.0"), pair
        if pair.endswith("1.2.0"):
            assert "Verdict: major" in text and "property-removed" in text and "tokens_per_second" in text
    added = parse(out / "diff" / "1.0.0--1.2.0" / "events" / "ModalityTokenCounts.html")
    assert "not in 1.0.0" in "".join(added.text)
    page = (out / "1.2.0" / "events" / "LatencyMetrics.html").read_text(encoding="utf-8")
    assert "field-tokens_per_second" not in page
    for pair in pairs:
        assert f"../../diff/{pair}/events/LatencyMetrics.html" in page or not pair.endswith("1.2.0")
    switcher = parse(out / "1.0.0" / "events" / "LatencyMetrics.html").links
    assert {"../../1.1.0/events/LatencyMetrics.html", "../../1.2.0/events/LatencyMetrics.html"} <= set(switcher)

"""The shape of the hand-written package (docs/architecture.md): no import cycles, the cluster runners
free of the click commands, small modules.

The import graph is read with `ast` from src/llm_analytics_hub, without importing anything. An import
at module level runs when the module loads; one inside a function runs on first call; one under
`if TYPE_CHECKING:` never runs. They are told apart, because a cycle is only safe to break along a
real seam (a shared piece moved to the module both need, a callable passed in, a module split), not
by moving one side of it into a function.
"""

from __future__ import annotations

import ast
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Literal

PACKAGE = Path(__file__).resolve().parents[1] / "src" / "llm_analytics_hub"
ROOT = PACKAGE.parent
Kind = Literal["module", "function", "type_checking"]
MAX_LINES = 400  # DESIGN.md section 6: small modules, none past ~400 lines


@dataclass
class Graph:
    modules: dict[str, Path] = field(default_factory=dict)
    packages: set[str] = field(default_factory=set)
    edges: dict[Kind, dict[str, set[str]]] = field(
        default_factory=lambda: {"module": {}, "function": {}, "type_checking": {}})

    def targets(self, *kinds: Kind) -> dict[str, set[str]]:
        merged: dict[str, set[str]] = {name: set() for name in self.modules}
        for kind in kinds:
            for source, targets in self.edges[kind].items():
                merged[source] |= targets
        return merged


def _module_name(path: Path) -> tuple[str, bool]:
    parts = list(path.relative_to(ROOT).with_suffix("").parts)
    if parts[-1] == "__init__":
        return ".".join(parts[:-1]), True
    return ".".join(parts), False


def _is_type_checking(test: ast.expr) -> bool:
    return (isinstance(test, ast.Name) and test.id == "TYPE_CHECKING") or \
        (isinstance(test, ast.Attribute) and test.attr == "TYPE_CHECKING")


def _imports(tree: ast.Module) -> Iterator[tuple[Kind, ast.Import | ast.ImportFrom]]:
    """Every import statement with where it runs: at module level, in a function, or never."""

    def walk(node: ast.AST, kind: Kind) -> Iterator[tuple[Kind, ast.Import | ast.ImportFrom]]:
        for child in ast.iter_child_nodes(node):
            if isinstance(child, ast.Import | ast.ImportFrom):
                yield kind, child
            elif isinstance(child, ast.FunctionDef | ast.AsyncFunctionDef | ast.Lambda):
                yield from walk(child, "type_checking" if kind == "type_checking" else "function")
            elif isinstance(child, ast.If) and _is_type_checking(child.test):
                for statement in child.body:
                    yield from walk(ast.Module(body=[statement], type_ignores=[]), "type_checking")
                for statement in child.orelse:
                    yield from walk(ast.Module(body=[statement], type_ignores=[]), kind)
            else:
                yield from walk(child, kind)

    yield from walk(tree, "module")


def _targets(graph: Graph, importer: str, is_package: bool, statement: ast.Import | ast.ImportFrom) -> set[str]:
    """The package modules a statement loads: the named ones and every package above them."""
    named: set[str] = set()
    if isinstance(statement, ast.Import):
        named = {alias.name for alias in statement.names}
    else:
        if statement.level:
            base = importer.split(".") if is_package else importer.split(".")[:-1]
            base = base[:len(base) - statement.level + 1]
            origin = ".".join([*base, *([statement.module] if statement.module else [])])
        else:
            origin = statement.module or ""
        for alias in statement.names:
            named.add(f"{origin}.{alias.name}" if f"{origin}.{alias.name}" in graph.modules else origin)
    # Loading a.b.c loads a and a.b first; the packages above the importer are loaded already, unless
    # named (`from .. import __version__` reads a package that may still be loading).
    above_importer = {".".join(importer.split(".")[:end]) for end in range(1, importer.count(".") + 1)}
    loaded = set(named)
    for name in named:
        parts = name.split(".")
        loaded |= {".".join(parts[:end]) for end in range(1, len(parts))} - above_importer
    return {name for name in loaded if name in graph.modules and name != importer}


def build_graph(package: Path = PACKAGE) -> Graph:
    graph = Graph()
    for path in sorted(package.rglob("*.py")):
        name, is_package = _module_name(path)
        graph.modules[name] = path
        if is_package:
            graph.packages.add(name)
    for name, path in graph.modules.items():
        tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
        for kind, statement in _imports(tree):
            found = _targets(graph, name, name in graph.packages, statement)
            if found:
                graph.edges[kind].setdefault(name, set()).update(found)
    return graph


def cycles(edges: dict[str, set[str]]) -> list[list[str]]:
    """The strongly connected components of more than one module (Tarjan), and modules importing themselves."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    found: list[list[str]] = []

    def visit(node: str) -> None:
        index[node] = low[node] = len(index)
        stack.append(node)
        on_stack.add(node)
        for target in sorted(edges.get(node, ())):
            if target not in index:
                visit(target)
                low[node] = min(low[node], low[target])
            elif target in on_stack:
                low[node] = min(low[node], index[target])
        if low[node] == index[node]:
            component = []
            while True:
                member = stack.pop()
                on_stack.discard(member)
                component.append(member)
                if member == node:
                    break
            if len(component) > 1 or node in edges.get(node, ()):
                found.append(sorted(component))

    for node in sorted(edges):
        if node not in index:
            visit(node)
    return found


def _describe(found: list[list[str]], graph: Graph, kinds: tuple[Kind, ...]) -> str:
    lines = []
    for component in found:
        members = set(component)
        lines.append("cycle: " + ", ".join(component))
        for kind in kinds:
            for source in component:
                for target in sorted(graph.edges[kind].get(source, set()) & members):
                    lines.append(f"    {source} -> {target} ({kind} import)")
    return "\n".join(lines)


GRAPH = build_graph()


def test_the_graph_sees_the_package() -> None:
    """The reader resolves relative imports (a broken reader would find no cycle anywhere)."""
    module_level = GRAPH.targets("module")
    assert "llm_analytics_hub.validation.inputs" in module_level["llm_analytics_hub.validation.command"]
    assert "llm_analytics_hub.runtime.binding" in module_level["llm_analytics_hub.runtime.model"]
    assert "llm_analytics_hub.codegen.ir" in module_level["llm_analytics_hub.codegen.rust"]
    planted = {"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}}
    assert cycles(planted) == [["a", "b", "c"]]


def test_no_cycle_among_module_level_imports() -> None:
    found = cycles(GRAPH.targets("module"))
    assert not found, "module-level import cycles:\n" + _describe(found, GRAPH, ("module",))


def test_no_cycle_hidden_in_a_function_or_type_checking() -> None:
    """An import deferred to a function (start-up time) or to TYPE_CHECKING must not close a cycle either."""
    kinds: tuple[Kind, ...] = ("module", "function", "type_checking")
    found = cycles(GRAPH.targets(*kinds))
    assert not found, "import cycles through deferred imports:\n" + _describe(found, GRAPH, kinds)


def _reachable(start: str, edges: dict[str, set[str]]) -> set[str]:
    seen, todo = set(), [start]
    while todo:
        for target in edges.get(todo.pop(), ()):
            if target not in seen:
                seen.add(target)
                todo.append(target)
    return seen


def test_cluster_runners_use_plain_modules_not_click_commands() -> None:
    """dask/ and spark/ run the validation core; the click commands only parse options."""
    edges = GRAPH.targets("module", "function")
    commands = {name for name in GRAPH.modules
                if name.endswith(".command") or name in ("llm_analytics_hub.cli",)}
    for name in GRAPH.modules:
        if name.startswith(("llm_analytics_hub.dask", "llm_analytics_hub.spark")):
            reached = _reachable(name, edges) & commands
            assert not reached, f"{name} imports the command module(s) {sorted(reached)}"


def test_hand_written_modules_stay_small() -> None:
    long = {str(path.relative_to(ROOT)): count for path in GRAPH.modules.values()
            if (count := len(path.read_text(encoding="utf-8").splitlines())) > MAX_LINES}
    assert not long, f"modules past {MAX_LINES} lines (split them along a real seam): {long}"


def test_each_generated_folder_has_one_target() -> None:
    """The writer owns exactly the targets' folders; no folder lies inside another's (each file has one owner)."""
    from llm_analytics_hub.codegen.registry import TARGETS

    roots = [target.root for target in TARGETS]
    names = [target.name for target in TARGETS]
    assert len(set(names)) == len(names), names
    assert len(set(roots)) == len(roots), roots
    for root in roots:
        others = [other for other in roots if other != root]
        assert not [other for other in others if f"{root}/".startswith(f"{other}/")], f"{root} overlaps {others}"

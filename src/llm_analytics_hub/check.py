"""`llm-hub check`: lint every schema version folder.

Each rule is a small function that yields findings; `check_all` runs them over every version.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from jsonschema import Draft202012Validator
from referencing.exceptions import Unresolvable

from .codegen.ir import GeneratorError, build_version
from .errors import HubError
from .schema_store import SchemaSet, TypeEntry, expected_id, file_uri, load_folder
from .schema_view import output_form, vocabulary
from .schema_view.walk import iter_subschemas
from .versions import available_versions, schemas_root

DIALECT = "https://json-schema.org/draft/2020-12/schema"
# A `$defs` entry of this name holds the members of a type that other schemas extend (a tagged
# union variant adds its tag, AnalyticsEvent adds `payload`); whoever references it closes it.
FIELDS_FRAGMENT = "fields"


@dataclass(frozen=True)
class Finding:
    path: Path
    pointer: str
    rule: str
    message: str

    def location(self, root: Path) -> str:
        try:
            shown = self.path.relative_to(root.parent)
        except ValueError:
            shown = self.path
        return f"{shown}#{self.pointer}" if self.pointer else str(shown)


Rule = Callable[[SchemaSet], Iterator[Finding]]


def rule_parse(schemas: SchemaSet) -> Iterator[Finding]:
    for problem in schemas.problems:
        yield Finding(problem.path, "", "parse", f"line {problem.line}: {problem.message}")


def rule_metaschema(schemas: SchemaSet) -> Iterator[Finding]:
    meta = Draft202012Validator(Draft202012Validator.META_SCHEMA)
    for path, document in schemas.documents.items():
        if document.get("$schema") != DIALECT:
            yield Finding(path, "/$schema", "dialect", f"$schema must be {DIALECT}")
        for error in meta.iter_errors(document):
            yield Finding(path, error.json_path[1:].replace(".", "/"), "metaschema", error.message)


def rule_ids(schemas: SchemaSet) -> Iterator[Finding]:
    for path, document in schemas.documents.items():
        want = expected_id(schemas.version, path.relative_to(schemas.folder))
        if document.get("$id") != want:
            yield Finding(path, "/$id", "id", f"$id must be {want!r} (stable, never fetched)")


def rule_refs(schemas: SchemaSet) -> Iterator[Finding]:
    for path, document in schemas.documents.items():
        base = str(document.get("$id") or file_uri(path))
        resolver = schemas.registry.resolver(base_uri=base)
        for pointer, sub in iter_subschemas(document):
            ref = sub.get("$ref")
            if ref is None:
                continue
            try:
                resolver.lookup(str(ref))
            except Unresolvable:
                yield Finding(path, pointer + "/$ref", "ref",
                              f"$ref {ref!r} does not resolve to a local schema")


def rule_titles(schemas: SchemaSet) -> Iterator[Finding]:
    seen: dict[tuple[str, str], TypeEntry] = {}
    titled_files = {t.path for t in schemas.types if not t.pointer}
    for path in schemas.documents:
        relative = path.relative_to(schemas.folder)
        if len(relative.parts) == 2 and path not in titled_files:
            yield Finding(path, "/title", "title", "a schema in an area folder needs a title")
    for entry in schemas.types:
        if not entry.pointer and entry.path.stem != entry.name:
            yield Finding(entry.path, "/title", "title",
                          f"title {entry.name!r} differs from the file name {entry.path.name!r}")
        key = (entry.area, entry.name)
        if key in seen:
            yield Finding(entry.path, entry.pointer + "/title", "title",
                          f"title {entry.name!r} is also used by {seen[key].path.name}")
        seen[key] = entry


def rule_descriptions(schemas: SchemaSet) -> Iterator[Finding]:
    for path, document in schemas.documents.items():
        for pointer, sub in iter_subschemas(document):
            if "/if" in pointer:
                continue  # `if` conditions only test a tag
            if "title" in sub and not _text(sub.get("description")):
                yield Finding(path, pointer, "description", "type without a description")
            for name, prop in (sub.get("properties") or {}).items():
                if isinstance(prop, dict) and set(prop) - {"const"} and not _text(prop.get("description")):
                    yield Finding(path, f"{pointer}/properties/{name}", "description",
                                  "property without a description")


def rule_closed_objects(schemas: SchemaSet) -> Iterator[Finding]:
    """Strict by default: every object with declared members states whether others are allowed."""
    for path, document in schemas.documents.items():
        for pointer, sub in iter_subschemas(document):
            if "properties" not in sub or "/if" in pointer or "/then" in pointer:
                continue
            if pointer.endswith(f"/$defs/{FIELDS_FRAGMENT}"):
                continue
            if _states_closure(sub) or _variants_state_closure(sub):
                continue
            yield Finding(path, pointer, "closed",
                          "object declares properties but neither additionalProperties "
                          "nor unevaluatedProperties")


def _states_closure(schema: dict[str, Any]) -> bool:
    return "additionalProperties" in schema or "unevaluatedProperties" in schema


def _variants_state_closure(schema: dict[str, Any]) -> bool:
    """An internally tagged union is closed (or explicitly opened) by each of its variants."""
    branches = [b for b in schema.get("allOf", []) if isinstance(b, dict) and "then" in b]
    return bool(branches) and all(_states_closure(b["then"]) for b in branches)


def rule_examples(schemas: SchemaSet) -> Iterator[Finding]:
    for entry in schemas.types:
        examples = entry.schema.get("examples")
        if not examples:
            yield Finding(entry.path, entry.pointer + "/examples", "examples", "type has no examples")
            continue
        validator = schemas.reference_validator(entry)
        for index, example in enumerate(examples):
            try:
                errors = list(validator.iter_errors(example))
            except Unresolvable as exc:  # the `ref` rule names the broken $ref itself
                yield Finding(entry.path, f"{entry.pointer}/examples/{index}", "example",
                              f"cannot be checked: a $ref on its way does not resolve ({exc})")
                continue
            for error in errors:
                where = "/" + "/".join(str(p) for p in error.absolute_path)
                yield Finding(entry.path, f"{entry.pointer}/examples/{index}", "example",
                              f"invalid at {where if where != '/' else '(root)'}: {error.message}")
        yield from _variant_coverage(entry, examples)


def _variant_coverage(entry: TypeEntry, examples: list[Any]) -> Iterator[Finding]:
    """Every tagged-union variant is shown by at least one example."""
    branches = [b for b in entry.schema.get("allOf", []) if isinstance(b, dict) and "if" in b]
    shown: defaultdict[str, int] = defaultdict(int)
    for branch in branches:
        (tag, condition), = branch["if"]["properties"].items()
        value = condition["const"]
        shown[f"{tag}={value}"] += sum(
            1 for ex in examples if isinstance(ex, dict) and ex.get(tag) == value
        )
    for variant, count in shown.items():
        if count == 0:
            yield Finding(entry.path, entry.pointer + "/examples", "examples",
                          f"no example shows the variant {variant}")


def rule_producer_output(schemas: SchemaSet) -> Iterator[Finding]:
    """schemas/producer-output/<version>.json says, for exactly the optional members that may be null,
    whether the producers omit them or write null (see `schema_view.output_form`)."""
    try:
        found = list(output_form.problems(schemas))
    except HubError:
        return  # a $ref that does not resolve: the `ref` rule names it
    for path, pointer, message in found:
        yield Finding(path, pointer, "producer-output", message)


def rule_otel_mapping(schemas: SchemaSet) -> Iterator[Finding]:
    """schemas/otel-mapping/<version>.json: every target member exists (read through the IR), every member
    whose description names an OpenTelemetry attribute is mapped from it (see `otel.mapping_check`)."""
    if schemas.problems:
        return
    from .otel.mapping_check import problems

    for path, pointer, message in problems(schemas):
        yield Finding(path, pointer, "otel-mapping", message)


def rule_vocabulary(schemas: SchemaSet) -> Iterator[Finding]:
    """Only keywords every engine enforces (schema_view.vocabulary), in forms the IR can carry."""
    for path, document in schemas.documents.items():
        for pointer, message in vocabulary.lint(document):
            yield Finding(path, pointer, "vocabulary", message)


def rule_ir(schemas: SchemaSet) -> Iterator[Finding]:
    """The schemas map onto the IR that every target is generated from (what `generate` would refuse)."""
    if schemas.problems:
        return
    try:
        build_version(schemas)
    except GeneratorError as exc:
        where, _, message = str(exc).partition(": ")
        relative, _, pointer = where.partition("#")
        path = schemas.folder / relative
        yield Finding(path, pointer, "vocabulary", message) if path.is_file() else \
            Finding(schemas.folder, "", "vocabulary", str(exc))
    except HubError as exc:
        yield Finding(schemas.folder, "", "vocabulary", str(exc))


def rule_timeseries_mapping(schemas: SchemaSet) -> Iterator[Finding]:
    """schemas/timeseries-mapping/<version>.json: every measurement names a payload variant, every tag and
    field a member of it of the right kind, as the storage layout holds it (storage/mapping.py)."""
    from .storage.mapping import problems

    if schemas.version is None:
        return
    try:
        found = list(problems(schemas.folder.parent, schemas.version))
    except GeneratorError:
        return  # the IR refuses the schemas: rule_ir names why
    for path, pointer, message in found:
        yield Finding(path, pointer, "timeseries-mapping", message)


def _text(value: Any) -> bool:
    return isinstance(value, str) and bool(value.strip())


RULES: tuple[Rule, ...] = (
    rule_parse, rule_metaschema, rule_ids, rule_refs, rule_titles, rule_descriptions,
    rule_closed_objects, rule_examples, rule_producer_output, rule_vocabulary, rule_otel_mapping,
)


def check_folder(folder: Path, version: str | None = None) -> list[Finding]:
    schemas = load_folder(folder, version)
    found = [finding for rule in RULES for finding in rule(schemas)]
    if not any(f.rule in ("vocabulary", "ref", "parse") for f in found):
        found += rule_ir(schemas)  # one finding per cause: the lint names a keyword better than the IR
        if not any(f.rule == "vocabulary" for f in found):
            found += rule_timeseries_mapping(schemas)
    return found


def check_all(root: Path | None = None) -> dict[str, list[Finding]]:
    base = root or schemas_root()
    results = {version: check_folder(base / version, version) for version in available_versions(base)}
    # Cross-version rules: released folders unchanged, each minor backward compatible with its predecessor.
    from .check_versions import compat_findings, release_findings

    # Compat needs readable schemas; a finding in the facts kept beside them leaves them readable.
    beside = ("producer-output", "otel-mapping", "timeseries-mapping")
    broken = frozenset(version for version, findings in results.items() if any(f.rule not in beside for f in findings))
    for source in (release_findings(base), compat_findings(base, broken)):
        for version, path, pointer, rule, message in source:
            results.setdefault(version, []).append(Finding(path, pointer, rule, message))
    return results

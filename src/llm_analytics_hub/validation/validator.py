"""Pick the schema for a document and validate it: the Python API behind `llm-hub validate`."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from functools import partial
from typing import TYPE_CHECKING, Any, Literal

from ..errors import HubError
from ..schema_store import load_version
from ..schema_view.layout import label_of
from ..versions import DEFAULT_VERSION, available_versions
from .engines import CompiledType, tidy
from .findings import Finding
from .inputs import JSON_WHITESPACE
from .native import BlockChecker, block_checker
from .native import available as native_available
from .parsing import ParseError, parse_document, text_bytes

if TYPE_CHECKING:  # msgspec and the fast paths are imported on first use: with the native checker
    from .fastpath import FastPath  # a run that meets only valid documents never needs them
    from .prover import Prover

DEFAULT_TYPE = "AnalyticsEvent"
Engine = Literal["fast", "reference"]


class Validator:
    """Validates documents of one catalogue type; reuse it, compiled schemas are cached.

    The version is `version` when given, else the document's `schema_version` (absent means
    1.0.0). A document naming an unknown version is invalid (keyword `schema_version`).
    """

    def __init__(self, schema: str | None = None, version: str | None = None, *,
                 lenient: bool = False, engine: Engine = "fast", semantic: bool = False,
                 native: bool = True) -> None:
        self.type_name = schema or DEFAULT_TYPE
        self.forced_version = version
        self.lenient = lenient
        self.engine = engine
        self.semantic = semantic  # also run the semantic lint (validation/semantic.py) on schema-valid documents
        self.known_versions = tuple(available_versions())
        self._compiled: dict[str, CompiledType | Finding] = {}
        self._prover: Prover | None = None
        self._fast_paths: dict[str, FastPath | None] = {}
        self.use_native = native  # False: never the native block checker (the tests compare against it)
        self._native: tuple[tuple[str, ...], BlockChecker | None] | None = None  # (versions planned, checker)
        self._for_objects: tuple[BlockChecker | None] | None = None  # the native checker of every version
        if version is not None:
            compiled = self._compile(version)
            if isinstance(compiled, Finding):
                raise HubError(compiled.message)
        elif not any(isinstance(self._compile(v), CompiledType) for v in self.known_versions):
            load_version(self.known_versions[-1]).lookup(self.type_name)  # raises the precise error

    def _compile(self, version: str) -> CompiledType | Finding:
        found = self._compiled.get(version)
        if found is not None:
            return found
        if version not in self.known_versions:
            known = ", ".join(self.known_versions)
            result: CompiledType | Finding = Finding(
                "/schema_version", "", "schema_version",
                f"unknown schema_version {version!r}; known versions: {known}")
        else:
            schemas = load_version(version)
            try:
                result = CompiledType(schemas, schemas.lookup(self.type_name), lenient=self.lenient)
            except HubError as exc:
                result = Finding("/schema_version", "", "schema_version", str(exc))
        self._compiled[version] = result
        return result

    def fast_label(self, raw: bytes) -> str | None:
        """The summary label of a document the fast path proves valid; None means "not proven"."""
        return self.prover()(raw)

    def prover(self) -> Prover:
        """`fast_label` as one plain function, for loops over many documents."""
        if self._prover is None:
            self._prover = self._make_prover()
        return self._prover

    def _make_prover(self) -> Prover:
        """The native checker's, when it covers every version this validator may meet; else msgspec's
        (after the native one, for the versions that one covers)."""
        native = self._object_checker()
        wanted = (self.forced_version,) if self.forced_version is not None else self.known_versions
        if native is not None and set(native.planned()) >= set(wanted):
            return native.label
        from .prover import prover

        slow = prover(self._fast_candidates())
        if native is None:
            return slow
        label = native.label
        return lambda raw: label(raw) or slow(raw)

    def compiled(self, version: str) -> CompiledType | None:
        """The compiled schema of this type in `version`; None when the version or type is unknown."""
        found = self._compile(version)
        return found if isinstance(found, CompiledType) else None

    def native_checker(self, *, all_versions: bool = False) -> BlockChecker | None:
        """The native block checker (validation/native.py) for the versions compiled so far, or for
        every known version; None without the native module or for what it does not check."""
        if not self.use_native:
            return None
        versions = ((self.forced_version,) if self.forced_version is not None
                    else self.known_versions if all_versions
                    else tuple(v for v in self.known_versions if isinstance(self._compiled.get(v), CompiledType)))
        if self._native is None or (all_versions and self._native[0] != versions):
            self._native = (versions, self._block_checker(versions))
        return self._native[1]

    def _block_checker(self, versions: tuple[str, ...]) -> BlockChecker | None:
        """The native checker does the fast engine's job only (no semantic lint)."""
        if self.engine != "fast" or self.semantic or not native_available():
            return None
        types = {version: (found.schemas, found.entry) for version in versions
                 if (found := self.compiled(version)) is not None}
        return block_checker(types, self.forced_version, self.lenient)

    def prepare(self) -> None:
        """Compile every fast path now (before worker processes fork, so that they inherit them);
        with the native checker covering every version, the bytes fast paths are left for later."""
        if self.native_checker(all_versions=True) is not None:
            return
        for _, make in self._fast_candidates():
            make()
        self.prover()

    def _fast_candidates(self) -> list[tuple[str | None, Callable[[], FastPath | None]]]:
        """(schema_version the document must declare, its fast path compiled on first call); the
        version is None when forced. None at all for the reference engine or the semantic lint."""
        if self.engine != "fast" or self.semantic:
            return []
        if self.forced_version is not None:
            return [(None, partial(self._fast_path, self.forced_version))]
        return [(version, partial(self._fast_path, version)) for version in self.known_versions]

    def _fast_path(self, version: str) -> FastPath | None:
        if version not in self._fast_paths:
            from .fastpath import compile_fast_path

            compiled = self._compile(version)
            self._fast_paths[version] = None if isinstance(compiled, Finding) else compile_fast_path(
                compiled.schemas, compiled.entry, lenient=self.lenient)
        return self._fast_paths[version]

    def version_of(self, document: Any) -> str:
        if self.forced_version is not None:
            return self.forced_version
        if isinstance(document, dict):
            declared = document.get("schema_version")
            if isinstance(declared, str):
                return declared
        return DEFAULT_VERSION

    def label(self, document: Any) -> str:
        """What a document is, for summaries (`telemetry/latency`, `LatencyMetrics`, `(no payload)`),
        read from the union layout of its version (the newest when it names an unknown one)."""
        compiled = self._compile(self.version_of(document))
        if isinstance(compiled, CompiledType):
            return label_of(compiled.schemas, compiled.entry, document)
        folder = load_version(self.known_versions[-1])
        return label_of(folder, folder.lookup(self.type_name), document)

    def check(self, document: Any) -> tuple[Finding, ...]:
        """All findings for one parsed document (empty when valid): a JSON value as a parser gives it
        (dicts, lists, str, int, float, bool, None)."""
        return self._findings(document, shortcuts=True)

    def check_json(self, text: bytes | bytearray | memoryview | str) -> tuple[Finding, ...]:
        """All findings for one JSON text (empty when valid), judged as `llm-hub validate` judges a
        .json file holding it: one leading byte order mark is skipped, and a text that breaks the
        rules of docs/errors.md ("One verdict per text": duplicate member names, numbers beyond the
        double range, nesting deeper than 1024 levels, invalid UTF-8, ...) is one `parse` finding."""
        try:
            raw = text_bytes(text)
        except ParseError as exc:
            return (Finding("", "", "parse", str(exc)),)
        if not raw.strip(JSON_WHITESPACE):
            return (Finding("", "", "parse", "empty text: no JSON document"),)
        if self.fast_label(raw) is not None:
            return ()
        try:
            document = parse_document(raw)
        except ParseError as exc:
            return (Finding("", "", "parse", str(exc)),)
        return self.check_unproven(document)

    def check_unproven(self, document: Any) -> tuple[Finding, ...]:
        """`check` for a document the bytes fast path could not prove valid: it is most likely
        invalid, so the shortcuts that would fail again are skipped and the engine reports at once."""
        return self._findings(document, shortcuts=False)

    def _findings(self, document: Any, *, shortcuts: bool) -> tuple[Finding, ...]:
        version = self.version_of(document)
        compiled = self._compiled.get(version) or self._compile(version)
        if isinstance(compiled, Finding):
            return (compiled,)
        if self.engine == "reference":
            found = tidy(list(compiled.reference_errors(document)))
        elif shortcuts and document.__class__ is dict and self._proven(document, version):
            found = ()
        else:
            found = tidy(compiled.fast_check(document, likely_invalid=not shortcuts))
        if self.semantic and not found:
            from .semantic import semantic_findings

            return tuple(semantic_findings(document, self.type_name, version))
        return found

    def _proven(self, document: dict[str, Any], version: str) -> bool:
        """The fast paths for parsed documents, one-sided like the bytes ones (False: "not proven"):
        the native checker walks the dict itself when it is built, else msgspec converts it."""
        native = self._object_checker()
        if native is not None:
            return native.proves(document)
        return self._converts(document, version)

    def _object_checker(self) -> BlockChecker | None:
        if self._for_objects is None:
            self._for_objects = (self.native_checker(all_versions=True),)
        return self._for_objects[0]

    def _converts(self, document: dict[str, Any], version: str) -> bool:
        """msgspec converts the dict into the version's Structs (every check in C, no JSON in between;
        a dict cannot hold a member twice). Lenient validators skip it (their Structs ignore undeclared
        members, which the bytes path catches by counting)."""
        fast = None if self.lenient else self._fast_path(version)
        if fast is None:
            return False
        try:
            fast.convert(document, fast.decoder.type)
        except fast.refusals:
            return False
        return True

    def is_valid(self, document: Any) -> bool:
        if document.__class__ is dict and self.engine == "fast" and not self.semantic:
            native = self._for_objects[0] if self._for_objects is not None else self._object_checker()
            if native is not None:
                if native.proves(document):
                    return True
                return self._verdict(document)
            if not self.lenient:
                version = self.forced_version or document.get("schema_version", DEFAULT_VERSION)
                fast = self._fast_paths.get(version) if version.__class__ is str else None
                if fast is not None:  # `_converts` written out: a loop over parsed documents runs this
                    try:
                        fast.convert(document, fast.decoder.type)
                        return True
                    except fast.refusals:
                        pass
                    return self._verdict(document)
        return not self.check(document)

    def _verdict(self, document: dict[str, Any]) -> bool:
        """Valid or not, for a document the fast paths did not prove: jsonschema-rs' yes/no pass."""
        compiled = self._compiled.get(self.version_of(document))
        try:
            if isinstance(compiled, CompiledType):
                return bool(compiled.fast.is_valid(document))
        except ValueError:  # beyond what it converts (see CompiledType.fast_check)
            pass
        return not self.check(document)

    def iter_errors(self, document: Any) -> Iterator[Finding]:
        yield from self.check(document)


def validate(payload: Any, *, schema: str | None = None, version: str | None = None,
             lenient: bool = False, semantic: bool = False) -> list[Finding]:
    """Findings for one payload (an empty list means valid). Prefer a `Validator` for many payloads."""
    found = list(_cached_validator(schema, version, lenient).check(payload))
    if semantic and not found:
        from .semantic import semantic_findings

        found = semantic_findings(payload, _cached_validator(schema, version, lenient).type_name)
    return found


_VALIDATORS: dict[tuple[str | None, str | None, bool], Validator] = {}


def _cached_validator(schema: str | None, version: str | None, lenient: bool) -> Validator:
    key = (schema, version, lenient)
    if key not in _VALIDATORS:
        _VALIDATORS[key] = Validator(schema, version, lenient=lenient)
    return _VALIDATORS[key]

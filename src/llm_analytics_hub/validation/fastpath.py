"""A one-sided fast path: typed decoding with msgspec, straight from the bytes of a document.

The schema of a type is compiled into msgspec Structs (closed objects forbid unknown members,
integers carry their ranges, tagged unions dispatch on their tags, uuid and date-time strings
carry the schemas' patterns (date-time also its calendar rules)). If the bytes decode, the document is valid;
if not, nothing is concluded and the document goes to the precise engine, which finds the
errors. So this path may only ever say "valid": whatever it accepts the reference must accept
(proven by the differential tests). A schema construct the compiler does not know makes it
refuse the whole type (`compile_fast_path` returns None) rather than guess.

Duplicate member names need care: a decoder keeps the last one. Every member carries exactly one
`:` outside strings, and strings keep their colons when re-encoded, so re-encoding the decoded
value (absent members stay absent: they default to UNSET) gives as many colons as the input
unless a member was dropped. Inputs with `\\u` escapes skip that shortcut.
"""

from __future__ import annotations

import keyword
import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import Annotated, Any, Literal, Union
from urllib.parse import urldefrag, urljoin

import msgspec

from ..schema_store import SchemaSet, TypeEntry
from ..versions import DEFAULT_VERSION

_I64_MIN, _I64_MAX = -(2**63), 2**63 - 1
ANNOTATIONS = frozenset({"description", "title", "examples", "default", "$comment", "$schema", "$id", "$defs"})


class Unsupported(Exception):
    """A schema construct the fast path does not model; the type then has no fast path."""


_YEAR = "(?:[0-9]{3}[1-9]|[0-9]{2}[1-9][0-9]|[0-9][1-9][0-9]{2}|[1-9][0-9]{3})"  # 0001-9999
_LEAP_YEAR = "(?:[0-9]{2}(?:0[48]|[2468][048]|[13579][26])|(?:0[48]|[2468][048]|[13579][26])00)"
_DATE = (f"(?:{_YEAR}-(?:(?:0[13578]|1[02])-(?:0[1-9]|[12][0-9]|3[01])|(?:0[469]|11)-(?:0[1-9]|[12][0-9]|30)"
         f"|02-(?:0[1-9]|1[0-9]|2[0-8]))|{_LEAP_YEAR}-02-29)")
# The schemas' date-time pattern plus the calendar rules of the `date-time` format, as one regex, so
# that the fast path needs no Python call per timestamp. Stricter than or equal to pattern + format.
DATE_TIME_FAST = (f"^{_DATE}[Tt](?:[01][0-9]|2[0-3]):[0-5][0-9]:[0-5][0-9](?:\\.[0-9]+)?"
                  "(?:[Zz]|[+-](?:[01][0-9]|2[0-3]):[0-5][0-9])\\Z")


def _python_pattern(pattern: str) -> str:
    # Python's `$` also matches before a final newline; JSON Schema (ECMA 262) regexes do not.
    return pattern[:-1] + r"\Z" if pattern.endswith("$") and not pattern.endswith(r"\$") else pattern


@dataclass
class FastPath:
    """Decoder for one type; `label` names what a decoded document is (for summaries)."""

    decoder: msgspec.json.Decoder[Any]
    label: Callable[[Any], str]

    def accepts(self, raw: bytes) -> Any:
        """The decoded value if the document is certainly valid, else None."""
        try:
            value = self.decoder.decode(raw)
        except (msgspec.ValidationError, msgspec.DecodeError, UnicodeDecodeError):
            return None
        if b"\\u" in raw or raw.count(b":") != _ENCODER.encode(value).count(b":"):
            return None  # a duplicate member may have been dropped: let the precise path decide
        return value

    def valid_label(self, raw: bytes, version: str | None) -> str | None:
        """The label of a document proven valid, else None. With `version`, the document must also
        declare that schema_version (absent means the default version), else nothing is proven."""
        value = self.accepts(raw)
        if value is None:
            return None
        if version is not None:
            declared = getattr(value, "schema_version", DEFAULT_VERSION)
            if (declared if declared.__class__ is str else DEFAULT_VERSION) != version:
                return None
        return self.label(value)


_ENCODER = msgspec.json.Encoder()


class _Compiler:
    def __init__(self, schemas: SchemaSet, *, lenient: bool) -> None:
        self.documents = {str(uri): doc for uri, doc in schemas.resources}
        self.lenient = lenient
        self.structs: dict[str, Any] = {}
        self.counter = 0

    def resolve(self, ref: str, base: str) -> tuple[dict[str, Any], str]:
        target = urljoin(base, ref)
        uri, fragment = urldefrag(target)
        node: Any = self.documents.get(uri)
        if node is None:
            raise Unsupported(f"unknown $ref {target}")
        for part in [p for p in fragment.split("/") if p]:
            node = node[part.replace("~1", "/").replace("~0", "~")]
        return node, uri

    def type_of(self, schema: Any, base: str, name: str) -> Any:
        if schema is True or schema == {} or (isinstance(schema, dict) and set(schema) <= ANNOTATIONS):
            return Any
        if not isinstance(schema, dict):
            raise Unsupported("boolean false schema")
        keys = set(schema) - ANNOTATIONS
        if keys == {"$ref"}:
            target, uri = self.resolve(schema["$ref"], base)
            return self.type_of(target, uri, name)
        if "anyOf" in keys:
            return self.any_of(schema, base, name)
        if "allOf" in keys or ("$ref" in keys and "properties" in keys | {"properties"}):
            return self.struct_type(schema, base, name)
        kind = schema.get("type")
        nullable = isinstance(kind, list) and "null" in kind
        if isinstance(kind, list):
            rest = [k for k in kind if k != "null"]
            if len(rest) != 1:
                raise Unsupported(f"type {kind}")
            kind = rest[0]
        inner = self.plain_type(schema, kind, keys, base, name)
        return Union[inner, None] if nullable else inner  # noqa: UP007 - a runtime type expression

    def plain_type(self, schema: dict[str, Any], kind: Any, keys: set[str], base: str, name: str) -> Any:
        if "enum" in keys:
            if kind not in ("string", None) or not all(isinstance(v, str) for v in schema["enum"]):
                raise Unsupported("non-string enum")
            if keys - {"enum", "type"}:
                raise Unsupported(f"enum with {keys}")
            return Literal[tuple(schema["enum"])]
        if kind == "string":
            if keys - {"type", "format", "pattern", "minLength", "maxLength"}:
                raise Unsupported(f"string with {keys}")
            fmt = schema.get("format")
            if fmt not in (None, "uuid", "date-time"):
                raise Unsupported(f"format {fmt}")
            if fmt and "pattern" not in schema:
                raise Unsupported(f"format {fmt} without a pattern")
            # msgspec counts str lengths in code points, as JSON Schema's minLength/maxLength do.
            lengths = {"min_length": schema.get("minLength"), "max_length": schema.get("maxLength")}
            lengths = {k: v for k, v in lengths.items() if v is not None}
            if "pattern" in schema:
                pattern = DATE_TIME_FAST if fmt == "date-time" else _python_pattern(schema["pattern"])
                return Annotated[str, msgspec.Meta(pattern=pattern, **lengths)]
            return Annotated[str, msgspec.Meta(**lengths)] if lengths else str
        if kind == "number":
            if keys - {"type", "minimum", "maximum"}:
                raise Unsupported(f"number with {keys}")
            bounds = {"ge": schema.get("minimum"), "le": schema.get("maximum")}
            bounds = {k: v for k, v in bounds.items() if v is not None}
            return Annotated[float, msgspec.Meta(**bounds)] if bounds else float
        if kind == "boolean":
            if keys - {"type"}:
                raise Unsupported(f"boolean with {keys}")
            return bool
        if kind == "integer":
            if keys - {"type", "minimum", "maximum"}:
                raise Unsupported(f"integer with {keys}")
            # msgspec bounds must fit in an int64: a narrower range only sends the rare huge value to
            # the precise engine, which keeps this path one-sided.
            low, high = schema.get("minimum", _I64_MIN), schema.get("maximum", _I64_MAX)
            return Annotated[int, msgspec.Meta(ge=max(low, _I64_MIN), le=min(high, _I64_MAX))]
        if kind == "array":
            if keys - {"type", "items"}:
                raise Unsupported(f"array with {keys}")
            return list[self.type_of(schema.get("items", {}), base, name + "Item")]  # type: ignore[misc]
        if kind == "object" and "properties" not in keys:
            if keys - {"type", "additionalProperties"}:
                raise Unsupported(f"map with {keys}")
            values = schema.get("additionalProperties", True)
            return dict[str, self.type_of(values, base, name + "Value")]  # type: ignore[misc]
        if kind == "object":
            return self.struct_type(schema, base, name)
        raise Unsupported(f"type {kind}")

    def any_of(self, schema: dict[str, Any], base: str, name: str) -> Any:
        options = schema["anyOf"]
        if set(schema) - ANNOTATIONS != {"anyOf"}:
            raise Unsupported("anyOf with siblings")
        if len(options) == 2 and options[1] == {"type": "null"}:
            return Union[self.type_of(options[0], base, name), None]  # noqa: UP007
        first = options[0]
        if isinstance(first, dict) and "enum" in first:  # string enum + one-member data variants
            variants = [self.type_of(first, base, name)]
            for index, option in enumerate(options[1:], start=1):
                if set(option.get("properties", {})) != set(option.get("required", [])) or len(option["required"]) != 1:
                    raise Unsupported("data variant without exactly one member")
                variants.append(self.struct_type(option, base, f"{name}Variant{index}", always_closed=True))
            if len(variants) > 2:
                raise Unsupported("several object variants need a tag")
            return Union[tuple(variants)]  # noqa: UP007
        raise Unsupported("untagged union")

    def struct_type(self, schema: dict[str, Any], base: str, name: str, *, tag: tuple[str, str] | None = None,
                    always_closed: bool = False) -> Any:
        keys = set(schema) - ANNOTATIONS
        if "allOf" in keys:
            return self.tagged_union(schema, base, name)
        properties: dict[str, Any] = {}
        required: set[str] = set()
        closed = False
        own = dict(schema)
        if "$ref" in own:
            target, uri = self.resolve(own["$ref"], base)
            if set(target) - ANNOTATIONS - {"type", "properties", "required"}:
                raise Unsupported("$ref to more than a list of members")
            properties.update({k: (v, uri) for k, v in target.get("properties", {}).items()})
            required.update(target.get("required", []))
        properties.update({k: (v, base) for k, v in own.get("properties", {}).items()})
        required.update(own.get("required", []))
        for closure in ("additionalProperties", "unevaluatedProperties"):
            if closure in own:
                if own[closure] is not False:
                    raise Unsupported("open object with typed extra members")
                closed = True
        if keys - {"$ref", "type", "properties", "required", "additionalProperties", "unevaluatedProperties"}:
            raise Unsupported(f"object with {keys}")
        if tag is not None:
            properties.pop(tag[0], None)
            required.discard(tag[0])
        fields: list[Any] = []
        rename: dict[str, str] = {}
        for index, (wire, (sub, sub_base)) in enumerate(properties.items()):
            python = wire if wire.isidentifier() and not keyword.iskeyword(wire) else f"member_{index}"
            rename[python] = wire
            annotation = self.type_of(sub, sub_base, name + "_" + python)
            if wire in required:
                fields.append((python, annotation))
            else:
                fields.append((python, annotation, msgspec.field(default=msgspec.UNSET)))
        fields.sort(key=lambda f: len(f) == 3)  # required members first
        options: dict[str, Any] = {"kw_only": True, "rename": rename,
                                   "forbid_unknown_fields": closed and (always_closed or not self.lenient)}
        if tag is not None:
            options.update(tag_field=tag[0], tag=tag[1])
        self.counter += 1
        return msgspec.defstruct(f"{name}_{self.counter}", fields, **options)

    def tagged_union(self, schema: dict[str, Any], base: str, name: str) -> Any:
        props = schema.get("properties", {})
        variants = []
        for branch in schema["allOf"]:
            condition = branch.get("if", {}).get("properties", {})
            if len(condition) != 1 or set(branch) != {"if", "then"}:
                raise Unsupported("allOf that is not a tag dispatch")
            (tag_name, test), = condition.items()
            value = test.get("const")
            then = branch["then"]
            if set(props) == {tag_name, "data"}:  # adjacently tagged: {tag, data}
                data_schema = then.get("properties", {}).get("data")
                if data_schema is None:
                    raise Unsupported("adjacent variant without data")
                wrapper = {"type": "object", "properties": {"data": data_schema}, "required": ["data"],
                           "additionalProperties": False}
                variants.append(self.struct_type(wrapper, base, f"{name}_{value}", tag=(tag_name, value)))
            else:
                if "unevaluatedProperties" not in then and "additionalProperties" not in then:
                    raise Unsupported("open variant")
                variants.append(self.struct_type(then, base, f"{name}_{value}", tag=(tag_name, value)))
        return Union[tuple(variants)]  # noqa: UP007


def _label_function(type_name: str) -> Callable[[Any], str]:
    if type_name != "AnalyticsEvent":
        return lambda _value: type_name

    by_data_type: dict[type, str] = {}  # each variant Struct belongs to one payload type

    def event_label(value: Any) -> str:
        payload = value.payload
        data_type = type(payload.data)
        label = by_data_type.get(data_type)
        if label is None:
            outer = type(payload).__struct_config__.tag
            inner = data_type.__struct_config__.tag
            label = by_data_type[data_type] = f"{outer}/{inner}" if isinstance(inner, str) else str(outer)
        return label

    return event_label


def compile_fast_path(schemas: SchemaSet, entry: TypeEntry, *, lenient: bool = False) -> FastPath | None:
    """The fast path of a type, or None when its schema uses something the fast path does not model."""
    compiler = _Compiler(schemas, lenient=lenient)
    base = entry.uri.split("#")[0]
    try:
        schema, uri = compiler.resolve(entry.uri, base)
        decoded_type = compiler.type_of(schema, uri, re.sub(r"\W", "_", entry.name))
        decoder = msgspec.json.Decoder(decoded_type)
    except (Unsupported, ValueError, TypeError):
        return None
    return FastPath(decoder, _label_function(entry.name))

"""The IR: a typed, read-only model of one schema version (`model`), built from the schema view
(`build`). Emitters import everything from here."""

from .build import build_version
from .model import (
    ANY,
    I64,
    JSON,
    MISSING,
    NO_FACETS,
    Area,
    DataEnumType,
    DataVariant,
    EnumMember,
    EnumType,
    Facets,
    Field,
    GeneratorError,
    ListOf,
    MapOf,
    NewType,
    Nullable,
    ObjectType,
    Prim,
    Ref,
    Source,
    TaggedUnion,
    TypeBase,
    TypeDef,
    TypeExpr,
    UnionVariant,
    UntaggedUnion,
    Version,
    is_any,
    module_name,
    refs_in,
    type_refs,
)

__all__ = [
    "ANY", "I64", "JSON", "MISSING", "NO_FACETS", "Area", "DataEnumType", "DataVariant", "EnumMember", "EnumType",
    "Facets", "Field", "GeneratorError", "ListOf", "MapOf", "NewType", "Nullable", "ObjectType", "Prim", "Ref",
    "Source", "TaggedUnion", "TypeBase", "TypeDef", "TypeExpr", "UnionVariant", "UntaggedUnion", "Version",
    "build_version", "is_any", "module_name", "refs_in", "type_refs",
]

"""The small runtime the generated models need (and nothing of the generator).

Generated modules declare dataclasses deriving from `Model` and bind each class and union alias
to its wire shape; loading and writing are compiled from those shapes on first use.
"""

from .errors import ModelError
from .kinds import (
    ANY,
    BOOL,
    DATETIME,
    NUMBER,
    STR,
    UUID,
    DataEnumShape,
    EnumOf,
    Integer,
    ListOf,
    MapOf,
    Member,
    ModelOf,
    Nullable,
    ObjectShape,
    TaggedShape,
    UnionOf,
    UntaggedShape,
    Variant,
)
from .model import DataEnum, Model, bind, from_dict, to_dict
from .wire import WireDateTime, WireUUID, format_datetime

__all__ = [
    "ANY", "BOOL", "DATETIME", "NUMBER", "STR", "UUID", "DataEnum", "DataEnumShape", "EnumOf", "Integer",
    "ListOf", "MapOf", "Member", "Model", "ModelError", "ModelOf", "Nullable", "ObjectShape", "TaggedShape",
    "UnionOf", "UntaggedShape", "Variant", "WireDateTime", "WireUUID", "bind", "format_datetime", "from_dict",
    "to_dict",
]

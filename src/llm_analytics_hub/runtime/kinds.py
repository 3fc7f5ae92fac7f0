"""How a generated module describes the wire form of its types: plain, declarative data.

A generated module binds each class (and each union alias) to a description built from these
kinds; `compiler` turns the descriptions into loader and dumper functions on first use.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import Enum
from typing import Any, Literal

ScalarName = Literal["str", "bool", "number", "any", "uuid", "datetime"]


@dataclass(frozen=True)
class Scalar:
    name: ScalarName


@dataclass(frozen=True)
class Integer:
    minimum: int | None
    maximum: int | None


@dataclass(frozen=True)
class EnumOf:
    cls: type[Enum]


@dataclass(frozen=True)
class ModelOf:
    cls: type  # a bound model class


@dataclass(frozen=True)
class UnionOf:
    alias: Any  # a bound union alias (a types.UnionType or a class)


@dataclass(frozen=True)
class ListOf:
    item: Kind


@dataclass(frozen=True)
class MapOf:
    value: Kind


@dataclass(frozen=True)
class Nullable:
    inner: Kind


Kind = Scalar | Integer | EnumOf | ModelOf | UnionOf | ListOf | MapOf | Nullable

STR = Scalar("str")
BOOL = Scalar("bool")
NUMBER = Scalar("number")
ANY = Scalar("any")
UUID = Scalar("uuid")
DATETIME = Scalar("datetime")


@dataclass(frozen=True)
class Member:
    """One object member: wire name, attribute name, kind (without nullability) and presence."""

    wire: str
    attr: str
    kind: Kind
    required: bool = False
    nullable: bool = False
    default: Any = None  # the JSON value serde fills in when the member is absent (None: no default)
    when_none: Literal["omit", "null"] = "omit"  # an optional member built without a value: left out or null


@dataclass(frozen=True)
class ObjectShape:
    members: tuple[Member, ...]
    closed: bool
    extra: tuple[str, Kind] | None = None  # open object: (attribute, value kind) of undeclared members


@dataclass(frozen=True)
class Variant:
    tag: str
    kind: Kind  # ModelOf, UnionOf or MapOf(ANY)


@dataclass(frozen=True)
class TaggedShape:
    name: str
    tag: str
    content: str | None  # None: internally tagged (members beside the tag); else the content member
    variants: tuple[Variant, ...]


@dataclass(frozen=True)
class UntaggedShape:
    name: str
    variants: tuple[Kind, ...]  # tried in order, the first that loads wins (serde's rule)


@dataclass(frozen=True)
class DataEnumShape:
    name: str
    unit: type[Enum]
    variants: tuple[tuple[str, str, Kind], ...]  # (wire key, attribute, kind)


Shape = ObjectShape | TaggedShape | UntaggedShape | DataEnumShape

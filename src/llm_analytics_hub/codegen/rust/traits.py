"""The standard-library trait impls of the generated Rust types, as ready-made lines: `Display` and
`FromStr` (and an `as_str`) for enums of strings, `From<Variant>` for unions and newtypes."""

from __future__ import annotations

from collections import Counter

from . import names


def enum_methods(name: str, variants: list[tuple[str, str]]) -> list[str]:
    """The inherent `as_str` of an enum of strings ((Rust variant, wire string) pairs)."""
    arms = [f"        {name}::{rust} => {names.string(wire)}," for rust, wire in variants]
    return ["/// The string this value is on the wire.", "pub const fn as_str(self) -> &'static str {",
            "    match self {", *arms, "    }", "}", ""]


def enum_traits(name: str, variants: list[tuple[str, str]]) -> list[str]:
    """`Display` (the wire string) and `FromStr` (a wire string; else a `ParseEnumError`)."""
    wires = ", ".join(names.string(wire) for _, wire in variants)
    arms = [f"            {names.string(wire)} => Ok({name}::{rust})," for rust, wire in variants]
    return [
        "", f"impl std::fmt::Display for {name} {{",
        "    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {",
        "        f.write_str(self.as_str())", "    }", "}",
        "", f"impl std::str::FromStr for {name} {{", "    type Err = crate::ParseEnumError;", "",
        "    /// The value a wire string names.",
        "    fn from_str(text: &str) -> Result<Self, Self::Err> {", "        match text {", *arms,
        f"            _ => Err(crate::ParseEnumError {{ type_name: {names.string(name)}, value: text.to_string(), "
        f"expected: &[{wires}] }}),",
        "        }", "    }", "}",
    ]


def from_variants(name: str, variants: list[tuple[str, str]]) -> list[str]:
    """`impl From<T> for Union` for each (Rust variant, annotation) whose type no other variant has."""
    count = Counter(annotation for _, annotation in variants)
    lines = []
    for rust, annotation in variants:
        if count[annotation] == 1:
            lines += ["", f"impl From<{annotation}> for {name} {{", f"    fn from(value: {annotation}) -> Self {{",
                      f"        {name}::{rust}(value)", "    }", "}"]
    return lines


def from_inner(name: str, annotation: str) -> list[str]:
    """`impl From<T> for NewType`."""
    return ["", f"impl From<{annotation}> for {name} {{", f"    fn from(value: {annotation}) -> Self {{",
            f"        {name}(value)", "    }", "}"]

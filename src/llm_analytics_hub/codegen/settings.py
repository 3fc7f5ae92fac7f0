"""The generator's settings: `codegen/generator.toml` beside the schema root overrides the defaults
below (a fork renames its packages there, not in Python code)."""

from __future__ import annotations

import tomllib
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from .ir import GeneratorError

DEFAULTS: dict[str, dict[str, Any]] = {
    "python": {"line_length": 100},
    "typescript": {"package": "@llm-analytics-hub/schemas"},
}


@dataclass(frozen=True)
class Settings:
    source: str  # where they were read from, for messages
    values: dict[str, dict[str, Any]]

    def get(self, section: str, key: str) -> Any:
        return self.values[section][key]


def load_settings(schemas_root: Path) -> Settings:
    path = schemas_root.parent / "codegen" / "generator.toml"
    if not path.is_file():
        return Settings("built-in defaults", DEFAULTS)
    try:
        found = tomllib.loads(path.read_text(encoding="utf-8"))
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
        raise GeneratorError(f"{path}: {exc}") from None
    values = {section: dict(options) for section, options in DEFAULTS.items()}
    for section, options in found.items():
        if section not in DEFAULTS or not isinstance(options, dict):
            raise GeneratorError(f"{path}: unknown section [{section}]")
        for key, value in options.items():
            if key not in DEFAULTS[section] or type(value) is not type(DEFAULTS[section][key]):
                raise GeneratorError(f"{path}: [{section}] {key} = {value!r} is not a known setting of that type")
            values[section][key] = value
    return Settings(str(path), values)

"""The storage target: per version, the DuckDB and PostgreSQL DDL of the stored types, their Arrow
schema as a pyarrow module, and a column reference, all from the IR's table layout (storage/layout.py)."""

from __future__ import annotations

import json
from collections.abc import Sequence

from ..storage.ddl import DIALECTS, comment, create_statements
from ..storage.layout import KEY, STORED, table_layout
from ..storage.types import arrow_spelling, duckdb_type, postgres_type
from .ir import Version
from .python.formatting import format_python
from .render import render_template
from .target import Context, Files, Target

ROOT = "storage"
DIALECT_NAMES = {"duckdb": "DuckDB", "postgres": "PostgreSQL"}


def render_storage(versions: Sequence[Version]) -> Files:
    files: Files = {}
    for version in versions:
        for (area, type_name) in sorted(STORED):
            if not _has(version, area, type_name):
                continue  # a schema tree without the stored type (a scratch or test tree) has no tables
            table = table_layout(version, area, type_name)
            common = {"version": version.version, "sources": version.sources, "type_name": type_name,
                      "table": table.name}
            folder = f"{ROOT}/{version.version}"
            for dialect in DIALECTS:
                files[f"{folder}/{table.name}.{dialect}.sql"] = render_template(
                    "storage/schema.sql.jinja2", dialect_name=DIALECT_NAMES[dialect],
                    statements=create_statements(table, dialect), **common)
            fields = [{"name": c.name, "type": arrow_spelling(c.type), "nullable": c.name != KEY,
                       "metadata": json.dumps({"pointer": c.pointer, "variant": c.variant, "role": c.role})}
                      for c in table.columns]
            files[f"{folder}/{table.name}_arrow.py"] = render_template(
                "storage/arrow_schema.py.jinja2", fields=fields, **common)
            rows = [{"name": c.name, "duckdb": duckdb_type(c.type), "postgres": postgres_type(c.type),
                     "arrow": arrow_spelling(c.type), "holds": comment(c).replace("|", "\\|"),
                     "variant": c.variant} for c in table.columns]
            files[f"{folder}/{table.name}.md"] = render_template(
                "storage/columns.md.jinja2", columns=rows, variants=table.variants, **common)
    return files


def _render(context: Context) -> Files:
    files = render_storage(context.versions)
    python = {path: text for path, text in files.items() if path.endswith(".py")}
    return {**files, **format_python(python, context.settings.get("python", "line_length"))}


TARGET = Target("storage", ROOT, _render)


def _has(version: Version, area: str, type_name: str) -> bool:
    try:
        version.area(area).get(type_name)
    except KeyError:
        return False
    return True

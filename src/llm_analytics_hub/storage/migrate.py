"""`llm-hub migrate OLD NEW`: the statements that bring the tables of OLD to NEW, from the compatibility
verdict and the two layouts.

A change `llm-hub compat` calls breaking is refused, naming its rule: no statement can make the old rows
valid under the new schemas. A compatible change only adds: an optional member becomes `ADD COLUMN`, a
new variant a new table (and, in PostgreSQL, a new structure a composite type); the wide view is made
again; `hub_storage` records the new version. A column whose type would change is refused too (a
compatible change never needs one). The statements run in one transaction.
"""

from __future__ import annotations

from dataclasses import dataclass

from ..compat.report import compare_dirs
from ..errors import HubError
from ..versions import parse_version, schemas_root
from .ddl import Dialect, column_definition, composite_types, create_part, create_view, spell
from .layout import VERSION_TABLE, Table, events_table
from .types import composite_name, postgres_type, quote


class MigrationRefused(HubError):
    """A change no statement can migrate: each line names the rule or the column."""

    def __init__(self, lines: list[str]) -> None:
        super().__init__("\n".join(lines))
        self.lines = lines


@dataclass(frozen=True)
class Migration:
    old: str
    new: str
    statements: list[str]

    def script(self) -> str:
        header = f"-- llm-hub migrate {self.old} {self.new}: run in one transaction\n"
        return header + "BEGIN;\n" + "".join(f"{s};\n" for s in self.statements) + "COMMIT;\n"


def plan(old: str, new: str, dialect: Dialect) -> Migration:
    root = schemas_root()
    for version in (old, new):
        if not (root / version).is_dir():
            raise HubError(f"unknown schema version {version!r} under {root}")
    if parse_version(new) <= parse_version(old):
        raise HubError(f"{new} is not newer than {old}: migrations only go forward")
    report = compare_dirs(root / old, root / new, empirical=False)
    breaking = [c for c in report.changes if c.kind == "breaking"]
    if breaking:
        raise MigrationRefused([f"{old} -> {new} is not backward compatible: [{c.rule}] {c.type}: {c.message}"
                                for c in breaking])
    return Migration(old, new, statements(events_table(old), events_table(new), dialect))


def statements(before: Table, after: Table, dialect: Dialect) -> list[str]:
    refused = []
    done: list[str] = []
    old_columns = {c.name: c for c in before.columns}
    for column in after.columns:
        known = old_columns.get(column.name)
        if known is not None and spell(known.type, dialect) != spell(column.type, dialect):
            refused.append(f"column {column.name} would change type from {spell(known.type, dialect)} to "
                           f"{spell(column.type, dialect)}: no storage migration for that")
    missing = sorted(set(old_columns) - {c.name for c in after.columns})
    refused += [f"column {name} would be dropped: no storage migration for that" for name in missing]
    if dialect == "postgres":
        done += _types(before, after, refused)
    if refused:
        raise MigrationRefused([f"{before.version} -> {after.version}: {line}" for line in refused])
    done.append(f"DROP VIEW IF EXISTS {before.view}")
    old_parts = {part.name: part for part in before.parts}
    for part in after.parts:
        if part.name not in old_parts:
            done.append(create_part(after, part, dialect))
            continue
        for position in part.columns:
            column = after.columns[position]
            if column.name not in old_columns:
                definition = column_definition(column, dialect, part)
                done.append(f"ALTER TABLE {part.name} ADD COLUMN {definition.removesuffix(' NOT NULL')}")
    done.append(create_view(after))
    done.append(f"UPDATE {VERSION_TABLE} SET schema_version = '{after.version}' "
                f"WHERE table_name = '{after.name}' AND schema_version = '{before.version}'")
    return done


def _types(before: Table, after: Table, refused: list[str]) -> list[str]:
    """PostgreSQL composite types: new ones created, added members added as attributes."""
    done = []
    old = {struct.name: struct for struct in before.structs}
    for struct in after.structs:
        known = old.get(struct.name)
        if known is None:
            done += [statement for statement in composite_types(after) if f" {composite_name(struct)} " in statement]
            continue
        known_fields = dict(known.fields)
        for name, sql in struct.fields:
            if name not in known_fields:
                done.append(f"ALTER TYPE {composite_name(struct)} ADD ATTRIBUTE {quote(name)} {postgres_type(sql)}")
            elif postgres_type(known_fields[name]) != postgres_type(sql):
                refused.append(f"member {name} of {composite_name(struct)} would change type")
    return done

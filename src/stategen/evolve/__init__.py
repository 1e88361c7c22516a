"""Schema evolution: diff two schema versions into operations, and write the migration.

The pieces, as in Django's migrations: `schema` reads a normalized schema, `detector` diffs
two of them into a `Plan` of `operations` (asking a `questioner` when a case is ambiguous),
`policy` checks the version step, and `writer` renders the migration module through the
`serializer`. `values` derives stored defaults and the deterministic sample fixtures.
"""

from .classification import Bump, Classification
from .detector import Plan, detect
from .operations import ALL as OPERATIONS
from .operations import NO_VALUE, Operation
from .policy import check_version, next_version
from .questioner import InteractiveQuestioner, Questioner
from .schema import Schema, SchemaShapeError
from .values import sample_data
from .writer import Migration, edge_module, fixture_text, old_fixture, write_migration

__all__ = [
    "NO_VALUE",
    "OPERATIONS",
    "Bump",
    "Classification",
    "InteractiveQuestioner",
    "Migration",
    "Operation",
    "Plan",
    "Questioner",
    "Schema",
    "SchemaShapeError",
    "check_version",
    "detect",
    "edge_module",
    "fixture_text",
    "next_version",
    "old_fixture",
    "sample_data",
    "write_migration",
]

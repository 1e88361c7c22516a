"""Schema evolution: diff two schema versions into operations, and write the migration.

The pieces, as in Django's migrations: `detector` diffs two schemas into a `Plan` of
`operations` (asking a `questioner` when a case is ambiguous), `policy` checks the version
step, and `writer` renders the migration module through the code generator's serializer.
`fixtures` derives the deterministic sample state file of a version.
"""

from ..schema.version import Bump
from .classification import Classification
from .detector import Plan, detect
from .fixtures import fixture_for, sample_data
from .operations import NO_VALUE, Operation
from .policy import check_version
from .questioner import InteractiveQuestioner, Questioner
from .writer import write_migration

__all__ = [
    "NO_VALUE",
    "Bump",
    "Classification",
    "InteractiveQuestioner",
    "Operation",
    "Plan",
    "Questioner",
    "check_version",
    "detect",
    "fixture_for",
    "sample_data",
    "write_migration",
]

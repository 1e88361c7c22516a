"""How serious a schema change is, for files already on disk."""

from __future__ import annotations

import enum


class Classification(enum.StrEnum):
    """What a change means for files already on disk (the Avro / buf vocabulary).

    SAFE: old files load with nothing lost; the migration (if any) is written for you.
    BREAKING: written for you, but values are dropped or moved, so older code cannot read
        the new files and anything keyed on the old names breaks.
    NEEDS_MIGRATION: stategen cannot know the new values; the migration is a stub you fill.
    WARN: nothing stored changes, but behaviour does (e.g. a new default).
    """

    SAFE = "SAFE"
    BREAKING = "BREAKING"
    NEEDS_MIGRATION = "NEEDS_MIGRATION"
    WARN = "WARN"

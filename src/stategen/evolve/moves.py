"""The order of one scope's key moves, so that no move overwrites a key another still reads."""

from __future__ import annotations

from collections.abc import Sequence

from ..errors import SpecError
from .operations import ChangeAlias, FieldOperation, RemoveField, RemoveFieldFirst, RenameField

Move = RenameField | ChangeAlias


def old_key(move: Move) -> str:
    """The key the moved value is stored under before the step."""
    return (move.old_key or move.old) if isinstance(move, RenameField) else move.old_key


def ordered(
    moves: Sequence[Move], removals: Sequence[RemoveField], key_path: str
) -> list[FieldOperation]:
    """`removals` whose key a move takes (first), then `moves`, each before any move into its
    old key. Keys that move in a circle (`a` → `b`, `b` → `a`) cannot: SpecError."""
    taken = {move.stored for move in moves}
    first: list[FieldOperation] = [
        RemoveFieldFirst(r.scope, r.field, r.annotation, key=r.key)
        for r in removals
        if r.stored in taken
    ]
    waiting = list(moves)
    while waiting:
        # A move can go once no waiting move still reads the key it writes.
        ready = [m for m in waiting if not any(old_key(o) == m.stored for o in waiting if o != m)]
        if not ready:
            names = ", ".join(f"`{m.subject}`" for m in waiting)
            raise SpecError(
                f"the stored keys of {names} move in a circle; move them over two versions "
                "(first to keys that are free, then to the ones wanted)",
                key_path=f"{key_path}.{waiting[0].field}",
            )
        first.append(ready[0])
        waiting.remove(ready[0])
    return first

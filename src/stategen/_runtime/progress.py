"""The resume helpers' bookkeeping: which items are done, kept in step with the state.

`next_pending()`, `mark_completed()` and `mark_failed()` must cost the same at 50 items and
at 500,000, so they never scan the lists. `Progress` indexes the stored state once (a set
of the items, counts of the completed and failed ones, a cursor below which every item is
done) and then follows each change the engine applies, by watching it. A change it cannot
follow cheaply (the item list itself edited) makes it index the state again.
"""

from collections import Counter
from typing import Any

from .codec.conversion import describe
from .errors import StateValidationError
from .patch import Op, pointer
from .storage import Stored


class Progress:
    """The index over one state's `items`, `completed` and `failed` fields (their JSON keys,
    which are the field names unless the model gives a field an alias).

    `failed_is_dict`: `failed` maps each failed item to its error text; else it lists them.
    """

    def __init__(self, items: str, completed: str, failed: str, *, failed_is_dict: bool):
        self._names = (items, completed, failed)
        # Their JSON Pointers: a key may hold `/` or `~`, which a pointer escapes.
        self._completed_pointer = pointer("", completed)
        self._failed_pointer = pointer("", failed)
        self._failed_is_dict = failed_is_dict
        self._stored: Stored | None = None
        self._items: set[str] = set()
        self._completed: Counter[str] = Counter()
        self._failed: Counter[str] = Counter()  # for a dict, each key counts once
        self._cursor = 0  # every item before it is completed or failed
        self._stale = True

    def next_pending(self, stored: Stored) -> str | None:
        """The first item neither completed nor failed, or None when all are done."""
        self._follow(stored)
        items: list[str] = stored.fields[self._names[0]]
        while self._cursor < len(items):
            item = items[self._cursor]
            if not self._done(item):
                return item
            self._cursor += 1
        return None

    def completing(self, stored: Stored, item: str) -> list[Op]:
        """The operations that record `item` as completed and no longer failed."""
        self._follow(stored)
        self._check(item)
        ops: list[Op] = []
        if not self._completed[item]:
            ops.append({"op": "add", "path": pointer(self._completed_pointer, "-"), "value": item})
        if self._failed[item]:
            ops.append({"op": "remove", "path": self._failed_item_path(stored, item)})
        return ops

    def failing(self, stored: Stored, item: str, error: str) -> list[Op]:
        """The operations that record `item` as failed (with `error`) and not completed."""
        self._follow(stored)
        self._check(item)
        _, completed, failed = self._names
        ops: list[Op] = []
        if self._completed[item]:
            # Rare (an item done before fails now), and the one place that scans a list:
            # JSON Patch removes from an array by index.
            index = stored.fields[completed].index(item)
            ops.append({"op": "remove", "path": pointer(self._completed_pointer, index)})
        if self._failed_is_dict:
            if not isinstance(error, str):
                raise StateValidationError(
                    f"{failed}[{item!r}]", f"expected a string, got {describe(error)}"
                )
            ops.append({"op": "add", "path": pointer(self._failed_pointer, item), "value": error})
        elif not self._failed[item]:
            ops.append({"op": "add", "path": pointer(self._failed_pointer, "-"), "value": item})
        return ops

    # Keeping in step --------------------------------------------------------------------

    def _follow(self, stored: Stored) -> None:
        if stored is not self._stored:
            self._stored = stored
            self._stale = True
            stored.watch(self._changed)
        if self._stale:
            self._index(stored.fields)

    def _index(self, fields: dict[str, Any]) -> None:
        items, completed, failed = self._names
        self._items = set(fields[items])
        self._completed = Counter(fields[completed])
        failures = fields[failed]
        self._failed = Counter(failures.keys() if self._failed_is_dict else failures)
        self._cursor = 0
        self._stale = False

    def _changed(self, op: Op, tokens: list[str], old: Any) -> None:
        """Told by the engine of each operation applied to the state it indexes."""
        if self._stale or tokens[0] not in self._names:
            return
        items, _, failed = self._names
        if tokens[0] == items or len(tokens) != 2:
            self._stale = True  # the items themselves, or a whole list: index again
            return
        kind = op["op"]
        if tokens[0] == failed and self._failed_is_dict:
            # Keyed by item: an add or replace keeps it failed, a remove ends that.
            left = tokens[1] if kind == "remove" else None
            self._failed[tokens[1]] = 0 if kind == "remove" else 1
        else:  # a list of items: count each value in and out
            counts = self._failed if tokens[0] == failed else self._completed
            left = old if kind in ("remove", "replace") else None
            if left is not None:
                counts[left] -= 1
            if kind in ("add", "replace"):
                counts[op["value"]] += 1
        if left is not None and not self._done(left):
            self._cursor = 0  # pending again: look from the start

    def _done(self, item: str) -> bool:
        return self._completed[item] > 0 or self._failed[item] > 0

    def _check(self, item: object) -> None:
        if not isinstance(item, str) or item not in self._items:
            items = self._names[0]
            shown = repr(item[:60]) if isinstance(item, str) else describe(item)
            raise StateValidationError(items, f"{shown} is not in {items}")

    def _failed_item_path(self, stored: Stored, item: str) -> str:
        failed = self._names[2]
        if self._failed_is_dict:
            return pointer(self._failed_pointer, item)
        return pointer(self._failed_pointer, stored.fields[failed].index(item))

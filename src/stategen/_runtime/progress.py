"""The resume helpers' bookkeeping: which items are done, kept in step with the state.

`next_pending()`, `mark_completed()` and `mark_failed()` must cost the same at 50 items and
at 500,000, so they never scan the lists. `Progress` indexes the stored state once (the
items sorted, counts of the completed and failed ones, a cursor below which every item is
done) and then follows each change the engine applies, by watching it. A change it cannot
follow cheaply (the item list itself edited) makes it index the state again.
"""

from bisect import bisect_left
from collections import Counter
from collections.abc import Iterable, Mapping
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
        # The items, sorted, for membership by bisection: a quarter of a set's memory.
        self._items: list[str] = []
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
        return self.completing_many(stored, [item])

    def failing(self, stored: Stored, item: str, error: str) -> list[Op]:
        """The operations that record `item` as failed (with `error`) and not completed."""
        return self.failing_many(stored, [(item, error)])

    def completing_many(self, stored: Stored, items: Iterable[str]) -> list[Op]:
        """The operations that record each of `items` as completed and no longer failed.

        Every item is checked before any operation is made: a bad one raises, for all.
        """
        self._follow(stored)
        if isinstance(items, str | bytes):
            raise StateValidationError(self._names[0], f"expected items, got {describe(items)}")
        chosen = list(dict.fromkeys(self._checked(item) for item in items))
        end = pointer(self._completed_pointer, "-")
        ops: list[Op] = [
            {"op": "add", "path": end, "value": item}
            for item in chosen
            if not self._completed[item]
        ]
        failed = [item for item in chosen if self._failed[item]]
        if self._failed_is_dict:
            ops += [{"op": "remove", "path": pointer(self._failed_pointer, i)} for i in failed]
        else:
            ops += self._removals(stored, self._names[2], self._failed_pointer, failed)
        return ops

    def failing_many(
        self, stored: Stored, failures: Mapping[str, str] | Iterable[tuple[str, str]]
    ) -> list[Op]:
        """The operations that record each item of `failures` as failed (with its error
        text) and not completed: a mapping of item to error, or (item, error) pairs, of
        which the last error of an item counts.

        Every item and error is checked before any operation is made: a bad one raises.
        """
        self._follow(stored)
        errors = self._failures(failures)
        completed = [item for item in errors if self._completed[item]]
        ops = self._removals(stored, self._names[1], self._completed_pointer, completed)
        if self._failed_is_dict:
            ops += [
                {"op": "add", "path": pointer(self._failed_pointer, item), "value": error}
                for item, error in errors.items()
            ]
        else:
            end = pointer(self._failed_pointer, "-")
            ops += [
                {"op": "add", "path": end, "value": item}
                for item in errors
                if not self._failed[item]
            ]
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
        self._items = sorted(fields[items])
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

    def _checked(self, item: object) -> str:
        """`item`, when it is one of the items; else StateValidationError."""
        if not isinstance(item, str) or not _holds(self._items, item):
            items = self._names[0]
            shown = repr(item[:60]) if isinstance(item, str) else describe(item)
            raise StateValidationError(items, f"{shown} is not in {items}")
        return item

    def _failures(self, failures: Mapping[str, str] | Iterable[tuple[str, str]]) -> dict[str, str]:
        """Each failed item and its error text, checked, in the order given."""
        failed = self._names[2]
        pairs = failures.items() if isinstance(failures, Mapping) else failures
        if isinstance(pairs, str | bytes):
            raise StateValidationError(
                failed, f"expected (item, error) pairs, got {describe(pairs)}"
            )
        errors: dict[str, str] = {}
        for pair in pairs:
            if not isinstance(pair, tuple | list) or len(pair) != 2:
                raise StateValidationError(
                    failed, f"expected an (item, error) pair, got {describe(pair)}"
                )
            item, error = self._checked(pair[0]), pair[1]
            if self._failed_is_dict and not isinstance(error, str):
                raise StateValidationError(
                    f"{failed}[{item!r}]", f"expected a string, got {describe(error)}"
                )
            errors[item] = error
        return errors

    def _removals(self, stored: Stored, name: str, where: str, items: list[str]) -> list[Op]:
        """The operations that remove the first of each of `items` from the list field
        `name` (at the pointer `where`): from the last index to the first, so that each
        index is still right when its turn comes.

        The one place that scans a list (JSON Patch removes from an array by index), and
        rare: an item done before that fails now, or failed before and is completed now.
        """
        if not items:
            return []
        values: list[str] = stored.fields[name]
        if len(items) == 1:
            indexes = [values.index(items[0])]
        else:
            wanted, indexes = set(items), []
            for index, value in enumerate(values):
                if value in wanted:
                    wanted.discard(value)
                    indexes.append(index)
        return [
            {"op": "remove", "path": pointer(where, index)}
            for index in sorted(indexes, reverse=True)
        ]


def _holds(ordered: list[str], item: str) -> bool:
    """Whether the sorted list `ordered` holds `item` (O(log n))."""
    at = bisect_left(ordered, item)
    return at < len(ordered) and ordered[at] == item

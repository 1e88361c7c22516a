"""JSON Patch diffs: applied, they give the new value exactly; a few edits make a few ops.

`apply(diff(old, new))` must give `new` with every type as it was (`1`, `1.0` and `true`
are different JSON), and a change at any index of a long list must cost operations sized by
the change, not a copy of the list.
"""

import json
import os
from typing import Any

from batch_state._runtime import align, patch
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

#: How many random cases each property tries: light by default, more through the variable.
EXAMPLES = int(os.environ.get("STATEGEN_PATCH_EXAMPLES", "300"))

_LIGHT = settings(
    max_examples=EXAMPLES,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
    database=None,
)
# Few distinct values, so that lists share items and the diff has runs to find. 0.0 and -0.0
# are left out: they compare equal, and `same` holds them for one value.
_scalars = (
    st.sampled_from([0, 1, 2, 1.0, 2.5, True, False, None, "a", "b", "", "1"])
    | st.integers(-3, 3)
    | st.text(alphabet="ab/~", max_size=3)
)
_values = st.recursive(
    _scalars,
    lambda inner: st.lists(inner, max_size=5) | st.dictionaries(st.sampled_from("xy/~"), inner),
    max_leaves=10,
)
_edit = st.tuples(st.sampled_from(["insert", "remove", "replace", "retype"]), st.integers(0, 99))


def _exact(value: Any) -> str:
    """The JSON text of `value`, keys sorted: equal only when every type is the same too."""
    return json.dumps(value, sort_keys=True)


def _applied(old: Any, new: Any) -> tuple[Any, list[patch.Op]]:
    """`old` after the operations of diff(old, new), applied to a copy after a JSON round
    trip (as a journal's reader applies them); and the operations."""
    ops = patch.diff({"x": old}, {"x": new})
    document = json.loads(json.dumps({"x": old}))
    for op in json.loads(json.dumps(ops)):
        patch.apply(document, op)
    return document["x"], ops


def _edited(old: list[Any], edits: list[tuple[str, int]], values: list[Any]) -> list[Any]:
    """`old` after `edits` at their indexes (modulo the length), with `values` to put in."""
    new = list(old)
    for number, (kind, where) in enumerate(edits):
        value = values[number % len(values)] if values else 0
        if kind == "insert":
            new.insert(where % (len(new) + 1), value)
        elif new and kind == "remove":
            del new[where % len(new)]
        elif new and kind == "replace":
            new[where % len(new)] = value
        elif new:  # the same value as JSON of another type: 1 → 1.0 → true → 1
            index = where % len(new)
            item = new[index]
            new[index] = {int: float, float: bool, bool: int}.get(type(item), lambda v: v)(item)
    return new


class TestDiffApplies:
    @_LIGHT
    @given(old=st.lists(_values, max_size=12), new=st.lists(_values, max_size=12))
    def test_any_two_lists(self, old: list[Any], new: list[Any]) -> None:
        result, _ = _applied(old, new)
        assert _exact(result) == _exact(new)

    @_LIGHT
    @given(
        old=st.lists(_values, max_size=30),
        edits=st.lists(_edit, max_size=6),
        values=st.lists(_values, max_size=3),
    )
    def test_a_list_and_its_edits(
        self, old: list[Any], edits: list[tuple[str, int]], values: list[Any]
    ) -> None:
        new = _edited(old, edits, values)
        result, ops = _applied(old, new)
        assert _exact(result) == _exact(new)
        # An edit touches one item, or two (a replacement may align as a removal here and
        # an insertion there): never more items than that, or else one whole copy.
        assert _items_touched(ops) <= max(2 * len(edits), 1)

    @_LIGHT
    @given(old=_values, new=_values)
    def test_any_two_values_below_the_root(self, old: Any, new: Any) -> None:
        result, _ = _applied(old, new)
        assert _exact(result) == _exact(new)

    @_LIGHT
    @given(
        old=st.lists(st.integers(0, 3), max_size=14), new=st.lists(st.integers(0, 3), max_size=14)
    )
    def test_the_blocks_are_a_longest_common_subsequence(
        self, old: list[int], new: list[int]
    ) -> None:
        """`align.blocks` finds the fewest insertions and removals (checked against the
        textbook dynamic programme)."""
        found = align.blocks(old, new, len(old) + len(new))
        assert found is not None
        position = (0, 0)
        for start_old, start_new, length in found:
            assert (start_old, start_new) >= position and length > 0
            assert old[start_old : start_old + length] == new[start_new : start_new + length]
            position = (start_old + length, start_new + length)
        assert sum(length for _, _, length in found) == _longest_common(old, new)


def _items_touched(ops: list[patch.Op]) -> int:
    """How many items of the list "/x" the operations touch: one each at the list's level,
    one for all the operations inside one item."""
    inside = {"/".join(op["path"].split("/")[:3]) for op in ops if op["path"].count("/") > 2}
    return sum(op["path"].count("/") <= 2 for op in ops) + len(inside)


def _longest_common(old: list[int], new: list[int]) -> int:
    lengths = [[0] * (len(new) + 1) for _ in range(len(old) + 1)]
    for i, a in enumerate(old):
        for j, b in enumerate(new):
            lengths[i + 1][j + 1] = (
                lengths[i][j] + 1 if a == b else max(lengths[i][j + 1], lengths[i + 1][j])
            )
    return lengths[-1][-1]


ITEMS = [f"item-{index:06d}" for index in range(100_000)]


class TestSizedByTheChange:
    def test_removing_the_first_of_100k_items_is_one_remove(self) -> None:
        assert patch.diff({"x": ITEMS}, {"x": ITEMS[1:]}) == [{"op": "remove", "path": "/x/0"}]

    def test_an_insertion_in_the_middle_is_one_add(self) -> None:
        new = [*ITEMS[:50_000], "new", *ITEMS[50_000:]]
        ops = patch.diff({"x": ITEMS}, {"x": new})
        assert ops == [{"op": "add", "path": "/x/50000", "value": "new"}]

    def test_a_queue_that_moved_on_is_one_remove_and_one_add(self) -> None:
        """pop(0) then append: the same length, every item at another index."""
        ops = patch.diff({"x": ITEMS}, {"x": [*ITEMS[1:], "new"]})
        assert ops == [
            {"op": "remove", "path": "/x/0"},
            {"op": "add", "path": "/x/-", "value": "new"},
        ]

    def test_scattered_edits_each_cost_one_operation(self) -> None:
        new = list(ITEMS)
        new[10], new[90_000] = "changed", "also changed"
        del new[50_000]
        new.insert(70_000, "inserted")
        result, ops = _applied(ITEMS, new)
        assert result == new and len(ops) == 4

    def test_a_type_change_inside_an_equal_run_is_kept(self) -> None:
        """1 → 1.0 compares equal: the diff still writes it, in place."""
        old = list(range(1000))
        new = [*old[:500], 500.0, *old[501:]]
        new.insert(10, -1)
        result, ops = _applied(old, new)
        assert _exact(result) == _exact(new)
        assert {"op": "replace", "path": "/x/501", "value": 500.0} in ops

    def test_positive_control_a_list_changed_everywhere_is_replaced_whole(self) -> None:
        """Beyond the bounds (half the items, or too much shifting) one copy is written."""
        new = [item + "!" for item in ITEMS[:1000]]
        assert patch.diff({"x": ITEMS[:1000]}, {"x": new[:999]}) == [
            {"op": "replace", "path": "/x", "value": new[:999]}
        ]
        spread = sorted([*ITEMS, *(item + "!" for item in ITEMS[::50])])  # 2,000 insertions
        assert len(patch.diff({"x": ITEMS}, {"x": spread})) == 1

    def test_same_tells_the_types_apart_at_any_depth(self) -> None:
        assert patch.same([{"a": [1, 2]}], [{"a": [1, 2]}])
        assert not patch.same([{"a": [1, 2]}], [{"a": [1, 2.0]}])
        assert not patch.same([True, 1], [1, 1])
        assert patch.same({"a": 1, "b": [True]}, {"b": [True], "a": 1})  # another key order


_OPS = st.lists(
    st.sampled_from(
        [
            {"op": "add", "path": "/l/-", "value": "a"},
            {"op": "add", "path": "/l/-", "value": 2},
            {"op": "add", "path": "/n/0/-", "value": "b"},
            {"op": "add", "path": "/d/-", "value": "a dict's member named -"},
            {"op": "add", "path": "/l/0", "value": "c"},
            {"op": "remove", "path": "/l/0"},
            {"op": "replace", "path": "/n/0", "value": []},
            {"op": "add", "path": "/l/-"},  # no value
            {"op": "add", "path": "/s/-", "value": 1},  # below a string
            {"op": "add", "path": "/missing/-", "value": 1},
            {"op": "move", "path": "/l/-", "value": 1},
        ]
    ),
    max_size=12,
)


class TestApplyAll:
    @given(_OPS)
    @_LIGHT
    def test_it_does_what_applying_each_in_turn_does(self, ops: list[patch.Op]) -> None:
        """The same document, the same notices in the same order, the same error at the same
        operation: runs of appends are one `extend`, nothing else differs."""

        def run(apply_them: Any) -> tuple[str, str, str | None]:
            # Each run its own copy of the operations, as a journal's reader has: a value
            # put into the document is then no other run's.
            mine = json.loads(json.dumps(ops))
            document: dict[str, Any] = {"l": ["x"], "n": [["y"]], "d": {}, "s": "text"}
            heard: list[Any] = []
            try:
                apply_them(mine, document, lambda *notice: heard.append(notice))
            except patch.PatchError as error:
                return _exact(document), _exact(heard), str(error)
            return _exact(document), _exact(heard), None

        def one_by_one(mine: list[patch.Op], document: dict[str, Any], applied: Any) -> None:
            for op in mine:
                applied(op, *patch.apply(document, op))

        def all_at_once(mine: list[patch.Op], document: dict[str, Any], applied: Any) -> None:
            patch.apply_all(document, mine, applied)

        assert run(all_at_once) == run(one_by_one)

    def test_a_run_of_appends_resolves_its_path_once(self) -> None:
        """The cost claim: 1,000 appends to one array parse the path once (the control:
        applying them one by one parses it 1,000 times)."""
        ops = [{"op": "add", "path": "/l/-", "value": str(item)} for item in range(1000)]
        calls = []
        real = patch.parts

        def counted(path: object) -> list[str]:
            calls.append(path)
            return real(path)

        patch.parts = counted  # type: ignore[assignment]
        try:
            document: dict[str, Any] = {"l": []}
            patch.apply_all(document, ops, lambda *_: None)
            once = len(calls)
            for op in ops:
                patch.apply({"l": []}, op)
        finally:
            patch.parts = real  # type: ignore[assignment]
        assert document["l"] == [str(item) for item in range(1000)]
        assert once == 1 and len(calls) == 1001

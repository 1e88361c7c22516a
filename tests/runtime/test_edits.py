"""Edits in transactions: journal mode ends where snapshot mode does, in records sized by them.

Random edit sequences on every kind of container a model holds (list, set, dict, records
inside them, any JSON value, containers of text that a transaction compares without encoding
them) run in a journal-mode and a snapshot-mode store; both must load the same state as the
same edits made in memory and encoded whole, exactly (1 and 1.0 included). On a state of
100,000 items, one edit anywhere must append a record of a few dozen bytes, and never fold
the journal.
"""

import json
import os
import tempfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import Annotated, Any

from _journals import records_of
from _procs import VERSION
from batch_state._runtime.codec import JSON, Constraints, encode
from batch_state._runtime.store import StateStore
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

#: How many random edit sequences the differential test tries (each writes real files).
EXAMPLES = int(os.environ.get("STATEGEN_EDIT_EXAMPLES", "30"))


@dataclass(kw_only=True)
class Job:
    """A record inside the containers."""

    name: str
    tries: int = 0
    tags: list[str] = field(default_factory=list)


@dataclass(kw_only=True)
class Shapes:
    """One field of each container kind."""

    queue: list[str] = field(default_factory=list)
    seen: set[str] = field(default_factory=set)
    scores: dict[str, int] = field(default_factory=dict)
    jobs: list[Job] = field(default_factory=list)
    by_name: dict[str, Job] = field(default_factory=dict)
    extra: JSON = None
    count: int = 0
    labels: dict[str, str] = field(default_factory=dict)
    note: str | None = None
    codes: list[Annotated[str, Constraints(pattern=r"c[0-9]*")]] = field(default_factory=list)


def _store(path: Path, *, journal: bool) -> StateStore[Shapes]:
    return StateStore(path, Shapes, schema_version=VERSION, journal=journal)


def _start(size: int) -> Shapes:
    names = [f"n{index:05d}" for index in range(size)]
    return Shapes(
        queue=list(names),
        seen=set(names[::2]),
        scores={name: index for index, name in enumerate(names[:size])},
        jobs=[Job(name=name, tags=["t"]) for name in names[:size]],
        by_name={name: Job(name=name) for name in names[: size // 2]},
        extra=[1, 1.0, True, "x", {"k": [0, 0.5]}, None],
        labels={name: name.upper() for name in names[::3]},
        codes=[f"c{index}" for index in range(size)],
    )


def _exact(state: Shapes) -> str:
    return json.dumps(encode(state), sort_keys=True)


def _apply(state: Shapes, edit: tuple[str, int, str]) -> None:
    """One edit of `state`: `kind` at position `where` (modulo the size), with `word`."""
    kind, where, word = edit
    queue, jobs, extra = state.queue, state.jobs, state.extra
    assert isinstance(extra, list)
    if kind == "queue.insert":
        queue.insert(where % (len(queue) + 1), word)
    elif kind == "queue.pop" and queue:
        queue.pop(where % len(queue))
    elif kind == "queue.pop0" and queue:
        queue.pop(0)
    elif kind == "queue.append":
        queue.append(word)
    elif kind == "queue.set" and queue:
        queue[where % len(queue)] = word
    elif kind == "seen.add":
        state.seen.add(f"n{where:05d}{word}")
    elif kind == "seen.discard" and state.seen:
        state.seen.discard(sorted(state.seen)[where % len(state.seen)])
    elif kind == "scores.put":
        state.scores[word] = where
    elif kind == "scores.delete" and state.scores:
        del state.scores[sorted(state.scores)[where % len(state.scores)]]
    elif kind == "jobs.insert":
        jobs.insert(where % (len(jobs) + 1), Job(name=word, tries=where))
    elif kind == "jobs.remove" and jobs:
        del jobs[where % len(jobs)]
    elif kind == "jobs.retry" and jobs:
        job = jobs[where % len(jobs)]
        job.tries += 1
        job.tags.append(word)
    elif kind == "by_name.put":
        state.by_name[word] = Job(name=word, tries=where)
    elif kind == "by_name.delete" and state.by_name:
        del state.by_name[sorted(state.by_name)[where % len(state.by_name)]]
    elif kind == "by_name.retry" and state.by_name:
        state.by_name[sorted(state.by_name)[where % len(state.by_name)]].tries += 1
    elif kind == "extra.insert":
        extra.insert(where % (len(extra) + 1), [where, word])
    elif kind == "extra.retype" and extra:  # equal as Python, not as JSON: 1 → 1.0 → true
        index = where % len(extra)
        item = extra[index]
        extra[index] = {int: float, float: bool, bool: int}.get(type(item), lambda v: v)(item)
    elif kind == "count":
        state.count = where
    else:
        _apply_text(state, kind, where, word)


def _apply_text(state: Shapes, kind: str, where: int, word: str) -> None:
    """The edits of containers of text, which a transaction compares without encoding."""
    queue, seen, labels, codes = state.queue, state.seen, state.labels, state.codes
    if kind == "queue.extend":
        queue.extend([word, word + "!"])
    elif kind == "queue.cut":
        del queue[where % (len(queue) + 1) : where % (len(queue) + 1) + 3]
    elif kind == "queue.reverse":
        queue.reverse()
    elif kind == "queue.sort":
        queue.sort()
    elif kind == "queue.new":
        state.queue = [word] * (where % 3)
    elif kind == "seen.update":
        seen.update({word, f"n{where:05d}", "z" + word})
    elif kind == "seen.clear":
        seen.clear()
    elif kind == "labels.put":
        labels[f"n{where % 20:05d}"] = word
    elif kind == "labels.delete" and labels:
        del labels[sorted(labels)[where % len(labels)]]
    elif kind == "note":
        state.note = None if where % 2 else word
    elif kind == "codes.insert":
        codes.insert(where % (len(codes) + 1), f"c{where}")
    elif kind == "codes.pop" and codes:
        codes.pop(where % len(codes))


KINDS = [
    "queue.insert",
    "queue.pop",
    "queue.pop0",
    "queue.append",
    "queue.set",
    "seen.add",
    "seen.discard",
    "scores.put",
    "scores.delete",
    "jobs.insert",
    "jobs.remove",
    "jobs.retry",
    "by_name.put",
    "by_name.delete",
    "by_name.retry",
    "extra.insert",
    "extra.retype",
    "count",
    "queue.extend",
    "queue.cut",
    "queue.reverse",
    "queue.sort",
    "queue.new",
    "seen.update",
    "seen.clear",
    "labels.put",
    "labels.delete",
    "note",
    "codes.insert",
    "codes.pop",
]
_edits = st.tuples(st.sampled_from(KINDS), st.integers(0, 999), st.text("ab/~", max_size=3))


@settings(
    max_examples=EXAMPLES,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
    database=None,
)
@given(transactions=st.lists(st.lists(_edits, min_size=1, max_size=6), min_size=1, max_size=4))
def test_journal_and_snapshot_mode_end_in_the_same_state(
    transactions: list[list[tuple[str, int, str]]],
) -> None:
    directory = Path(tempfile.mkdtemp(prefix="edits-"))
    journaled = _store(directory / "journal.json", journal=True)
    whole = _store(directory / "snapshot.json", journal=False)
    expected = _start(12)
    for store in (journaled, whole):
        store.save(_start(12))
    for edits in transactions:
        for edit in edits:
            _apply(expected, edit)
        for store in (journaled, whole):
            with store.transaction() as state:
                for edit in edits:
                    _apply(state, edit)
    # Loaded afresh (a reader replays the journal) and by the writers themselves.
    for store in (journaled, whole):
        assert _exact(_store(store.path, journal=False).load()) == _exact(expected)
        assert _exact(store.load()) == _exact(expected)


def test_positive_control_a_lost_change_is_seen(tmp_path: Path) -> None:
    """The comparison tells a state with one edit missing from the expected one."""
    store = _store(tmp_path / "state.json", journal=True)
    store.save(_start(12))
    expected = _start(12)
    _apply(expected, ("extra.retype", 0, ""))  # 1 → 1.0, equal as Python
    assert store.load() == expected
    assert _exact(store.load()) != _exact(expected)


class TestRecordSizes:
    """One edit of a state of 100,000 items is one small record, and no fold."""

    SIZE = 100_000

    def _one_edit(self, path: Path, edit: Any) -> int:
        """The size of the record that `edit`, in one transaction, appends."""
        names = [f"n{index:06d}" for index in range(self.SIZE)]
        store = _store(path, journal=True)
        store.save(
            Shapes(
                queue=names,
                seen=set(names[::2]),
                scores=dict.fromkeys(names, 1),
            )
        )
        generation = json.loads(path.read_bytes())["#generation"]
        with store.transaction() as state:
            edit(state)
        assert json.loads(path.read_bytes())["#generation"] == generation, "folded"
        [record] = records_of(path)
        assert store.load() == _store(path, journal=False).load()
        return record.end - record.start

    def test_pop_of_the_first_item(self, state_path: Path) -> None:
        assert self._one_edit(state_path, lambda state: state.queue.pop(0)) < 1024

    def test_insert_in_the_middle(self, state_path: Path) -> None:
        assert self._one_edit(state_path, lambda state: state.queue.insert(50_000, "x")) < 1024

    def test_set_add_and_discard_in_the_middle(self, state_path: Path) -> None:
        def edit(state: Shapes) -> None:
            state.seen.add("n050001")
            state.seen.discard("n070000")

        assert self._one_edit(state_path, edit) < 1024

    def test_queue_moved_on(self, state_path: Path) -> None:
        def edit(state: Shapes) -> None:
            state.queue.append(state.queue.pop(0))

        assert self._one_edit(state_path, edit) < 1024

    def test_dict_put_and_delete(self, state_path: Path) -> None:
        def edit(state: Shapes) -> None:
            state.scores["new"] = 2
            del state.scores["n050000"]

        assert self._one_edit(state_path, edit) < 1024

    def test_positive_control_a_changed_list_is_large(self, state_path: Path) -> None:
        """The same measure sees a change of every item."""

        def edit(state: Shapes) -> None:
            state.queue = [name + "!" for name in state.queue]

        assert self._one_edit(state_path, edit) > 100 * 1024

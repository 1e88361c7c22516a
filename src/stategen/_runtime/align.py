"""Where two lists agree: their common ends, and the fewest insertions and removals between.

Items are compared with `==`, a slice at a time wherever possible, so that a long run of
equal items costs C's time, not a Python step per item. `blocks` trims the common head and
tail, and between them runs Myers' O(ND) search ("An O(ND) Difference Algorithm and Its
Variations", 1986), whose own steps are few when the lists differ by few items.
"""

from collections.abc import Callable
from typing import Any

#: A run where two lists agree: its start in the old list, its start in the new, its length.
Block = tuple[int, int, int]


def blocks(old: list[Any], new: list[Any], limit: int) -> list[Block] | None:
    """The runs where `old` and `new` agree (`==`), in order, such that between them are
    the fewest insertions and removals that turn `old` into `new`; None when the search for
    them would take more than `limit` of those (and so more than about `limit`² steps).

    The common head and tail are found whatever `limit` is; when between them only one
    list has items left, those are the whole change and no search is needed.
    """
    size_old, size_new = len(old), len(new)
    head = run(old, 0, new, 0, min(size_old, size_new))
    shorter = min(size_old, size_new) - head
    tail = _matching(
        lambda a, b: (
            _part(old, size_old - b, size_old - a) == _part(new, size_new - b, size_new - a)
        ),
        shorter,
    )
    found = [(0, 0, head)] if head else []
    end_old, end_new = size_old - tail, size_new - tail
    if head < end_old and head < end_new:
        middle = _search(old[head:end_old], new[head:end_new], limit)
        if middle is None:
            return None
        found += [(head + i, head + j, length) for i, j, length in middle]
    if tail:
        found.append((end_old, end_new, tail))
    return found


def run(old: list[Any], i: int, new: list[Any], j: int, limit: int) -> int:
    """How many items from `old[i]` and `new[j]` on are equal, pairwise; at most `limit`."""
    return _matching(lambda a, b: _part(old, i + a, i + b) == _part(new, j + a, j + b), limit)


def _part(items: list[Any], start: int, stop: int) -> list[Any]:
    """`items[start:stop]`, without copying it when that is the whole list."""
    return items if start == 0 and stop == len(items) else items[start:stop]


def _matching(same: Callable[[int, int], bool], limit: int) -> int:
    """The length of the run of pairs that agree, at most `limit`; `same(a, b)` says whether
    pairs a to b (exclusive) all do.

    All of them are tried first, once the first pair agrees: a list that only grew at one
    end costs one comparison. Otherwise slices twice as long each time while they agree,
    then halves into the one that did not: O(length) items compared in O(log length) slices.
    """
    if limit < 1 or not same(0, 1):
        return 0
    if same(0, limit):
        return limit
    done, step = 1, 1
    while step <= limit - done and same(done, done + step):
        done += step
        step *= 2
    # The first pair that differs is at `done` ... `last`, or there is none before `limit`.
    last = done + step - 1 if step <= limit - done else limit
    while done < last:
        half = (last - done + 1) // 2
        if same(done, done + half):
            done += half
        else:
            last = done + half - 1
    return done


def _search(old: list[Any], new: list[Any], limit: int) -> list[Block] | None:
    """Myers' greedy search, on lists that differ at both ends: the blocks where they agree,
    or None beyond `limit` insertions and removals.

    `reach[offset + k]` is how far along the old list (x) the furthest path with `d` edits
    gets on diagonal k = x - y; one copy per `d` is kept to walk the path back.
    """
    size_old, size_new = len(old), len(new)
    offset = limit + 1
    reach = [-1] * (2 * limit + 3)
    history: list[list[int]] = []
    for edits in range(limit + 1):
        for k in range(-edits, edits + 1, 2):
            x, _ = _step(reach, offset, k, edits, size_old, size_new)
            if x >= 0:
                y = x - k
                if x < size_old and y < size_new and old[x] == new[y]:
                    x += run(old, x, new, y, min(size_old - x, size_new - y))
                if x == size_old and x - k == size_new:
                    return _walk_back(history, offset, k, x, size_old, size_new)
            reach[offset + k] = x
        history.append(reach[:])
    return None


def _step(
    reach: list[int], offset: int, k: int, edits: int, size_old: int, size_new: int
) -> tuple[int, bool]:
    """Where a path with `edits` edits starts on diagonal k, before its run of equal items,
    and whether its last edit was an insertion (down) rather than a removal (right); x is
    -1 when no such path stays inside both lists."""
    if edits == 0:
        return 0, False
    down = reach[offset + k + 1] if k < edits else -1  # insert new[y - 1]: x stays
    if down >= 0 and down - k > size_new:
        down = -1
    right = reach[offset + k - 1] + 1 if k > -edits and reach[offset + k - 1] >= 0 else -1
    if right > size_old:  # remove old[x - 1]: past the end of the old list
        right = -1
    if right > down:
        return right, False
    return down, True


def _walk_back(
    history: list[list[int]], offset: int, k: int, x: int, size_old: int, size_new: int
) -> list[Block]:
    """The blocks of the path that ended at (x, x - k) after `len(history)` edits."""
    found: list[Block] = []
    for edits in range(len(history), 0, -1):
        before = history[edits - 1]
        start, inserted = _step(before, offset, k, edits, size_old, size_new)
        if x > start:
            found.append((start, start - k, x - start))
        k = k + 1 if inserted else k - 1
        x = before[offset + k]
    if x > 0:  # the run before the first edit
        found.append((0, 0, x))
    found.reverse()
    return found

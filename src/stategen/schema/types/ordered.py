"""`Ordered`: what a type with bounds (`ge`, `gt`, `le`, `lt`) adds to the contract.

Its stored values map to comparable Python values (`order`) and back (`stored`); a bound is
written in the spec in the type's JSON form and checked by `bound`. Sample values are taken
near the preferred one of the sampler's style, moved inside the bounds when they are not.
"""

from __future__ import annotations

import abc
import itertools
from collections.abc import Iterator
from typing import Any

from ..problem import Problem, describe_value
from ..rules import BOUNDS, Rules
from .base import NO_DEFINITIONS, Sampler, TypeExpr

#: Candidates tried around a range before giving up on finding more distinct values.
_WALK = 64


class Ordered(TypeExpr):
    """A type whose values compare: int, float, decimal, date, datetime, timedelta."""

    applicable = frozenset(BOUNDS)

    @abc.abstractmethod
    def order(self, value: Any) -> Any:
        """A valid stored value as a comparable Python value."""

    @abc.abstractmethod
    def stored(self, ordered: Any) -> Any:
        """The stored (JSON) form of a Python value of this type."""

    @abc.abstractmethod
    def preferred(self, name: str, sampler: Sampler) -> Any:
        """The sample the sampler's style asks for, as a Python value."""

    @abc.abstractmethod
    def step(self) -> Any:
        """The distance between two neighbouring samples."""

    def between(self, low: Any, high: Any) -> Any:
        """A value strictly between `low` and `high` if there is one (else `low`)."""
        return low + (high - low) / 2

    def after(self, value: Any) -> Any:
        """The first sample value above `value`."""
        return value + self.step()

    def before(self, value: Any) -> Any:
        """The last sample value below `value`."""
        return value - self.step()

    def bound(self, value: Any) -> Any:
        """A bound as the spec wrote it, in its canonical JSON form; Problem if it fits not.

        By default a bound is written like a `default:` of the type.
        """
        if not self.accepts(value, NO_DEFINITIONS):
            raise Problem(self.bound_hint(value))
        return self.stored(self.order(value))

    def bound_hint(self, value: Any) -> str:
        """Why `value` is no bound of this type, and what to write instead."""
        return f"the bound {describe_value(value)} is not a {self} value"

    def candidates(self, name: str, sampler: Sampler, rules: Rules) -> Iterator[Any]:
        low = _limit(self, rules.ge, rules.gt)
        high = _limit(self, rules.le, rules.lt)
        step = self.step()

        def inside(value: Any) -> bool:
            if low is not None and (value < low[0] or (low[1] and value == low[0])):
                return False
            return not (high is not None and (value > high[0] or (high[1] and value == high[0])))

        preferred = self.preferred(name, sampler)
        first = [preferred]
        # Outside the range, the nearest end of it: an extreme sample stays an extreme one.
        if low is not None and preferred < low[0]:
            first.append(self.after(low[0]) if low[1] else low[0])
        if high is not None and preferred > high[0]:
            first.append(self.before(high[0]) if high[1] else high[0])
        if low is not None:
            first += [low[0], self.after(low[0])]
        if high is not None:
            first += [high[0], self.before(high[0])]
        if low is not None and high is not None:
            first.append(self.between(low[0], high[0]))
        seen: set[Any] = set()
        start = None
        for value in first:
            if inside(value) and value not in seen:
                seen.add(value)
                start = value if start is None else start
                yield self.stored(value)
        if start is None:
            return
        for distance in range(1, _WALK):
            for value in (start + distance * step, start - distance * step):
                if inside(value) and value not in seen:
                    seen.add(value)
                    yield self.stored(value)
        if low is not None and high is not None:  # a narrow range of a dense type: halve it
            edges = [low[0], *sorted(seen), high[0]]
            for left, right in itertools.pairwise(edges):
                middle = self.between(left, right)
                if inside(middle) and middle not in seen:
                    seen.add(middle)
                    yield self.stored(middle)


def _limit(expr: Ordered, closed: Any, open_: Any) -> tuple[Any, bool] | None:
    """(the bound as a Python value, whether it is excluded), or None without one."""
    if closed is not None:
        return expr.order(closed), False
    if open_ is not None:
        return expr.order(open_), True
    return None

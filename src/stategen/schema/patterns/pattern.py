"""`Pattern`: a checked `pattern:` rule, written for JSON Schema and sampled for the tests."""

from __future__ import annotations

import functools
import random
import re
import warnings
from collections.abc import Iterator
from dataclasses import dataclass

from ..problem import Problem, show
from .tree import Group, read_tree
from .writing import anchored, build, emit_alternatives

#: How many texts are tried to find samples of a pattern that fit the length rules.
_ATTEMPTS = 400


@dataclass(frozen=True)
class Pattern:
    """A checked pattern: its text (as the model holds it) and its parsed tree."""

    text: str
    tree: Group

    @staticmethod
    @functools.cache
    def parse(text: str) -> Pattern:
        """The pattern `text`; Problem when Python cannot compile it or JSON Schema reads it
        differently."""
        try:
            with warnings.catch_warnings():
                warnings.simplefilter("error", FutureWarning)
                re.compile(text)
        except re.error as error:
            raise Problem(f"the pattern {show(text)} does not compile: {error}") from None
        except FutureWarning as warning:  # e.g. "[[" or "--" in a class: set operations to come
            raise Problem(
                f"the pattern {show(text)} may read differently in later Pythons ({warning}); "
                "escape the character with a backslash"
            ) from None
        return Pattern(text, read_tree(text))

    def json_schema(self) -> str:
        """The pattern in ECMA 262, spanning the whole text as `re.fullmatch` does."""
        return anchored(emit_alternatives(self.tree.alternatives))

    def matches(self, text: str) -> bool:
        return re.fullmatch(self.text, text) is not None

    def samples(self, least: int, most: int | None, style: str) -> Iterator[str]:
        """Texts that match, of `least` to `most` characters, each different.

        The shortest comes first for the `empty` style, a longer one first otherwise; the
        search is bounded, so a pattern no text of those lengths matches yields nothing.
        """
        found: list[str] = []
        for extra in range(least + 8):
            text = build(self.tree, extra, None)
            if text not in found and self._fits(text, least, most):
                found.append(text)
                if len(found) == 2:
                    break
        if style != "empty":
            found.reverse()
        yield from found
        shuffler = random.Random(0)
        for attempt in range(_ATTEMPTS):
            text = build(self.tree, attempt % (least + 6), shuffler)
            if text not in found and self._fits(text, least, most):
                found.append(text)
                yield text

    def _fits(self, text: str, least: int, most: int | None) -> bool:
        return least <= len(text) <= (len(text) if most is None else most) and self.matches(text)

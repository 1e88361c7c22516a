"""The questions a schema diff cannot answer by itself, and who answers them.

The detector never prompts or prints: it asks a Questioner. The default one answers from
defaults and never guesses (the stub or the safe reading), so CI and tests are deterministic;
the interactive one asks a person at a terminal.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Sequence
from typing import Any

from ..schema import Schema, TypeExpr
from .operations import NO_VALUE


class Questioner:
    """Answers without asking anyone. Subclass it to ask."""

    def initial_value(self, subject: str, expr: TypeExpr, schema: Schema) -> Any:
        """A value for the new required field `subject` in every old file, or NO_VALUE (stub)."""
        return NO_VALUE

    def enum_replacement(self, enum: str, removed: str, members: Sequence[str]) -> str | None:
        """The member that replaces the removed `removed` value in old files, or None (stub)."""
        return None

    def is_rename(self, scope: str, removed: str, added: str, annotation: str) -> bool:
        """Whether `added` replaces `removed`. Renames are declared, never guessed: False."""
        return False


class InteractiveQuestioner(Questioner):
    """Asks a person; an empty answer keeps the default (a stub, or "not a rename")."""

    def __init__(
        self,
        ask: Callable[[str], str] = input,
        say: Callable[[str], None] = print,
    ) -> None:
        self._ask = ask
        self._say = say

    def initial_value(self, subject: str, expr: TypeExpr, schema: Schema) -> Any:
        self._say(f"`{subject}` ({expr}) is new and required, and old files have no value for it.")
        while True:
            answer = self._ask(
                "A JSON value for every old file, or Enter to write a stub to fill in: "
            ).strip()
            if not answer:
                return NO_VALUE
            try:
                value = json.loads(answer)
            except ValueError:
                self._say('That is not JSON (text needs double quotes, e.g. "none").')
                continue
            if expr.accepts(value, schema):
                return value
            self._say(f"That is not a valid {expr}.")

    def enum_replacement(self, enum: str, removed: str, members: Sequence[str]) -> str | None:
        choices = ", ".join(json.dumps(member) for member in members)
        self._say(f"Enum `{enum}` loses {json.dumps(removed)}; its members are now {choices}.")
        while True:
            answer = self._ask(
                f"Member to store instead of {json.dumps(removed)}, or Enter for a stub: "
            ).strip()
            if not answer:
                return None
            if answer in members:
                return answer
            self._say(f"Choose one of {choices}.")

    def is_rename(self, scope: str, removed: str, added: str, annotation: str) -> bool:
        answer = self._ask(
            f"Was `{scope}.{removed}` renamed to `{scope}.{added}` ({annotation})? [y/N] "
        )
        return answer.strip().lower() in ("y", "yes")

"""The errors stategen raises on purpose, each with its exit code (`stategen._exit` uses it).

2 means "your input is wrong" (as argparse and click use it); 1 means "the command ran,
and the result, or the machine, needs your attention".
"""

from __future__ import annotations

from pathlib import Path


class StategenError(Exception):
    """Base of every error that is the user's to fix. Its message is shown as is."""

    exit_code = 2


class SpecError(StategenError):
    """A state-schema spec is invalid: names the file, the key path, the line and the fix."""

    def __init__(
        self,
        message: str,
        *,
        file: Path | str | None = None,
        key_path: str | None = None,
        line: int | None = None,
    ) -> None:
        self.reason = message
        self.file = str(file) if file is not None else None
        self.key_path = key_path
        self.line = line
        super().__init__(self._format())

    def _format(self) -> str:
        where = self.file or "<spec>"
        if self.line is not None:
            where += f":{self.line}"
        if self.key_path:
            where += f": {self.key_path}"
        return f"{where}: {self.reason}"

    def located(self, file: Path | str) -> SpecError:
        """The same error, attributed to `file` (used when the text came from a file)."""
        return SpecError(self.reason, file=file, key_path=self.key_path, line=self.line)


class UsageError(StategenError):
    """A command was run without something it needs (a spec for `new` …), or with two
    options that disagree."""


class DestinationError(StategenError):
    """The destination directory cannot be used (not empty, not writable …)."""


class TemplateError(StategenError):
    """The template could not be found, read or rendered."""


class PreconditionError(StategenError):
    """The project is not in a state where the command can run (e.g. uncommitted changes)."""


class ConflictError(StategenError):
    """An update or bump left merge conflicts that the user must resolve."""

    exit_code = 1


class CheckFailed(StategenError):
    """`stategen check` found the project inconsistent."""

    exit_code = 1


class GitError(StategenError):
    """A git command failed where it should not have (its stderr is in the message).

    Not a usage error: the input was fine, something in the repository or on the machine
    was not.
    """

    exit_code = 1

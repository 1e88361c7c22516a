"""Extreme paths and values: always a typed error, never a raw one, and nothing lost."""

import os
from pathlib import Path

import pytest
from _attempts import NOBODY
from _extremes import construction_problems, error_matrix, long_name_problems, value_problems
from _operations import needs_root, operations

pytestmark = pytest.mark.skipif(os.name == "nt", reason="POSIX permissions and errors")


def test_every_refusal_of_the_system_is_a_typed_error(shared_dir: Path) -> None:
    """Each operation on each troubled path returns or raises this library's error."""
    _, problems = error_matrix(shared_dir, operations)
    assert problems == []


def test_every_refusal_is_a_typed_error_for_an_unprivileged_user(shared_dir: Path) -> None:
    """The same, for a caller without root's rights, who meets far more refusals."""
    needs_root()
    _, problems = error_matrix(shared_dir, operations, user=NOBODY)
    assert problems == []


def test_bad_arguments_are_refused_by_the_constructor(tmp_path: Path) -> None:
    """A lock_timeout or path the manager cannot use is StateConfigError at once."""
    assert construction_problems(tmp_path) == []


def test_names_at_the_length_limit_keep_working(tmp_path: Path) -> None:
    """Names up to 255 bytes save again and again: every derived name fits the limit."""
    assert long_name_problems(tmp_path, operations) == []


def test_extreme_values_are_typed_errors(tmp_path: Path) -> None:
    """Deep nesting and huge numbers, read or saved, are typed errors; recover() still works."""
    _, problems = value_problems(tmp_path)
    assert problems == []

"""Strangers in a shared directory: their files are never read, and nothing is given to them."""

import os
from pathlib import Path

import pytest
from _operations import operations
from _strangers import CLASSES, KNOWN_BAD, STRANGERS

pytestmark = pytest.mark.skipif(os.name == "nt", reason="POSIX owners and sticky directories")


@pytest.mark.parametrize("case", STRANGERS)
def test_a_stranger_never_gains_from_a_shared_directory(shared_dir: Path, case: str) -> None:
    """Each case passes against the library."""
    assert STRANGERS[case](shared_dir, operations) == []


@pytest.mark.parametrize("case", STRANGERS)
def test_each_case_fails_with_the_mechanism_it_guards_put_back(shared_dir: Path, case: str) -> None:
    """Positive control: with the library's old behaviour put back, the case fails."""
    with KNOWN_BAD[case]():
        assert STRANGERS[case](shared_dir, operations) != []


def test_every_case_belongs_to_one_class() -> None:
    """The reliability rows count every case once."""
    grouped = [case for cases in CLASSES.values() for case in cases]
    assert sorted(grouped) == sorted(STRANGERS) == sorted(KNOWN_BAD)

"""Hostile neighbours: planted links, strange files and names never redirect, block or hang."""

import os
from pathlib import Path

import pytest
from _operations import operations
from _planted import LINKS, PLANTED_NAMES, SPECIAL_FILES

pytestmark = pytest.mark.skipif(os.name == "nt", reason="POSIX links, FIFOs and sticky directories")


@pytest.mark.parametrize("case", LINKS)
def test_a_symlink_is_followed_only_when_it_is_safe(shared_dir: Path, case: str) -> None:
    """An untrusted link is refused by every operation and nothing is written anywhere;
    a trusted one is written through."""
    assert LINKS[case](shared_dir, operations) == []


@pytest.mark.parametrize("case", SPECIAL_FILES)
def test_a_state_file_is_a_regular_file(shared_dir: Path, case: str) -> None:
    """Anything else at the path is refused at once, never read, linked or replaced."""
    assert SPECIAL_FILES[case](shared_dir, operations) == []


@pytest.mark.parametrize("case", PLANTED_NAMES)
def test_planted_names_never_block_or_redirect_a_save(shared_dir: Path, case: str) -> None:
    """Names planted beside the file are skipped, or refuse the save with nothing changed."""
    assert PLANTED_NAMES[case](shared_dir, operations) == []

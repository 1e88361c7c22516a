"""The save and load breakdowns time functions the generated library really has."""

import importlib
import sys
from collections.abc import Iterator
from pathlib import Path
from types import ModuleType

import pytest

from benchmarks._breakdown import LOAD_PHASES, SAVE_PHASES, _wrapped


@pytest.fixture(scope="module")
def package(batch_project: Path) -> Iterator[ModuleType]:
    src = str(batch_project / "src")
    (name,) = [p.name for p in (batch_project / "src").iterdir() if (p / "__init__.py").exists()]
    sys.path.insert(0, src)
    try:
        yield importlib.import_module(name)
    finally:
        sys.path.remove(src)
        for module in [module for module in sys.modules if module.split(".")[0] == name]:
            del sys.modules[module]


@pytest.mark.parametrize("phases", [SAVE_PHASES, LOAD_PHASES], ids=["save", "load"])
def test_every_phase_of_the_library_is_found(package: ModuleType, phases: tuple) -> None:
    spent: dict[str, float] = {}
    with _wrapped(package, phases, spent):
        pass  # entering wraps each phase's function, or raises for one that is gone


def test_a_phase_the_library_no_longer_has_is_an_error(package: ModuleType) -> None:
    """The positive control: the encode's old place, before it moved out of `store`."""
    gone = (("_runtime.store", "encode", "dataclass → dict + validation"),)
    with pytest.raises(LookupError, match=r"_runtime\.store\.encode"), _wrapped(package, gone, {}):
        pass

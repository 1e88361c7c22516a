"""The save and load breakdowns time functions the generated library really has."""

from types import ModuleType

import pytest

from benchmarks._breakdown import LOAD_PHASES, SAVE_PHASES, _wrapped


@pytest.mark.parametrize("phases", [SAVE_PHASES, LOAD_PHASES], ids=["save", "load"])
def test_every_phase_of_the_library_is_found(batch_package: ModuleType, phases: tuple) -> None:
    spent: dict[str, float] = {}
    with _wrapped(batch_package, phases, spent):
        pass  # entering wraps each phase's function, or raises for one that is gone


def test_a_phase_the_library_no_longer_has_is_an_error(batch_package: ModuleType) -> None:
    """The positive control: the encode's old place, before it moved out of `store`."""
    gone = (("_runtime.store", "encode", "dataclass → dict + validation"),)
    with (
        pytest.raises(LookupError, match=r"_runtime\.store\.encode"),
        _wrapped(batch_package, gone, {}),
    ):
        pass

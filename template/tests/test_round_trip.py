"""This project's state: every field round-trips through to_dict/from_dict and the file."""

import json
import zlib
from pathlib import Path
from typing import Any

import pytest
from _samples import sample_instance

VARIANTS = [0, 1]


class TestRoundTrip:
    @pytest.mark.parametrize("variant", VARIANTS)
    def test_to_dict_from_dict(self, lib: Any, variant: int) -> None:
        """to_dict → JSON text → from_dict gives back an equal state."""
        state = sample_instance(lib.state_type, variant)
        data = json.loads(json.dumps(state.to_dict()))
        assert lib.state_type.from_dict(data) == state

    @pytest.mark.parametrize("variant", VARIANTS)
    def test_save_load(self, manager: Any, lib: Any, variant: int) -> None:
        """A saved state loads back equal."""
        state = sample_instance(lib.state_type, variant)
        manager.save(state)
        assert manager.load() == state

    def test_file_is_a_versioned_json_object(
        self, manager: Any, lib: Any, state_path: Path
    ) -> None:
        """The file holds "version" first, then every field, then the checksum of the rest."""
        state = sample_instance(lib.state_type)
        manager.save(state)
        raw = state_path.read_bytes()
        document = json.loads(raw)
        assert list(document) == ["version", *state.to_dict(), "#crc32"]
        assert document["version"] == manager.schema_version
        # The checksum is the CRC-32 of the file with its own entry left out.
        unsigned = raw[: raw.rindex(b', "#crc32"')] + b"}"
        assert document["#crc32"] == f"{zlib.crc32(unsigned):08x}"

    @pytest.mark.parametrize("keep_checksum", [False, True], ids=["without", "reformatted"])
    def test_a_file_written_by_other_tools_loads(
        self, manager: Any, lib: Any, state_path: Path, keep_checksum: bool
    ) -> None:
        """A file written by hand, or rewritten by json.load + json.dump, loads as it reads."""
        manager.save(sample_instance(lib.state_type))
        document = json.loads(state_path.read_bytes())
        if not keep_checksum:
            del document["#crc32"]
        document["version"] = manager.schema_version
        state = sample_instance(lib.state_type, 1)
        document.update(state.to_dict())
        state_path.write_text(json.dumps(document, indent=2), encoding="utf-8")
        assert manager.load() == state

    def test_defaults_construct_and_round_trip(self, lib: Any) -> None:
        """A state built from its defaults (required fields sampled) round-trips too."""
        state = sample_instance(lib.state_type)
        rebuilt = lib.state_type.from_dict(state.to_dict())
        assert rebuilt == state and rebuilt is not state


class TestValidationOnSave:
    def test_wrong_type_in_a_field_fails_before_writing(
        self, manager: Any, lib: Any, state_path: Path
    ) -> None:
        """A wrong value put into the state raises StateValidationError; the file is unchanged."""
        manager.save(sample_instance(lib.state_type))
        before = state_path.read_bytes()
        state = manager.load()
        name = next(iter(state.to_dict()))
        setattr(state, name, object())
        with pytest.raises(lib.errors.StateValidationError) as caught:
            manager.save(state)
        assert caught.value.field == name
        assert state_path.read_bytes() == before

    def test_saving_another_type_is_refused(self, manager: Any, lib: Any, state_path: Path) -> None:
        """save() of something that is not the state class raises StateValidationError."""
        with pytest.raises(lib.errors.StateValidationError):
            manager.save({"not": "a state"})
        assert not state_path.exists()

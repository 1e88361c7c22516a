"""PostgreSQL: what the table or the text holds is a typed error, never a raw one."""

import subprocess
import sys
from pathlib import Path

import pytest
from _database import counter_store, fresh_table, needs_server, sql, url
from _procs import Counter
from batch_state import BatchState, BatchStateManager
from batch_state.errors import StateConfigError, StateValidationError

pytestmark = needs_server


def _premade(table: str, generation: str) -> None:
    """The two tables made beforehand, by hand, with `generation` as the row's column."""
    sql(
        f"CREATE TABLE {table} (key text PRIMARY KEY, version text, {generation}, "
        "document jsonb, updated_at timestamptz NOT NULL DEFAULT now())"
    )
    sql(
        f"CREATE TABLE {table}_history (id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY, "
        "key text NOT NULL, generation bigint NOT NULL, version text, document jsonb NOT NULL, "
        "good boolean NOT NULL, upgrade boolean NOT NULL DEFAULT false, "
        "kept_at timestamptz NOT NULL DEFAULT now())"
    )


def test_a_premade_table_with_a_nullable_generation_is_refused() -> None:
    table = fresh_table()
    _premade(table, "generation bigint")
    sql(f"INSERT INTO {table} (key) VALUES ('default')")
    with pytest.raises(StateConfigError, match="generation may be NULL"):
        counter_store(table).save(Counter(count=1))
    assert sql(f"SELECT document FROM {table}") == [(None,)]  # nothing was written


def test_a_premade_table_of_the_right_shape_is_used() -> None:
    """The positive control of the check: a table made by hand as the library makes it."""
    table = fresh_table()
    _premade(table, "generation bigint NOT NULL DEFAULT 0")
    counter_store(table).save(Counter(count=1))
    assert counter_store(table).load() == Counter(count=1)


def test_a_lone_surrogate_in_the_key_is_refused_at_once() -> None:
    with pytest.raises(StateConfigError, match="surrogate"):
        counter_store(fresh_table(), key="run-\udc80")


def test_a_lone_surrogate_in_a_field_is_refused_before_it_is_sent() -> None:
    manager = BatchStateManager(url(), table=fresh_table())
    with pytest.raises(StateValidationError, match="surrogate"):
        manager.save(BatchState(batch_id="\ud800", features=[]))
    manager.save(BatchState(batch_id="fine", features=[]))  # the connection is still good
    assert manager.load().batch_id == "fine"


def test_cli_copy_of_a_lone_surrogate_into_postgres_is_one_line(tmp_path: Path) -> None:
    path = tmp_path / "state.json"
    BatchStateManager(path).save(BatchState(batch_id="\ud800", features=[]))
    location = f"{url()}#copied"
    result = subprocess.run(
        [sys.executable, "-m", "batch_state", "copy", str(path), location],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert result.returncode == 2, result
    assert "Traceback" not in result.stderr and "surrogate" in result.stderr

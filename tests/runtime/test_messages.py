"""What errors say: no secret of a URL anywhere, bounded and escaped text a caller gave,
the right error for each refusal of a server, rows spoken of as rows; each with a control."""

import dataclasses
import random
import urllib.parse
from pathlib import Path

import pytest
from _database import fresh_table, needs_server, sql, url
from _messages import (
    history_read_as_state,
    hostile_errors,
    leaks,
    nul_in_text,
    password,
    secret_forms,
    shown_by_command,
    shown_by_library,
    unsafe,
    url_forms,
    wait_out_statement_timeout,
)
from _package import PACKAGE
from batch_state import BatchState, BatchStateManager
from batch_state._runtime.engines.postgres import url as _url
from batch_state._runtime.engines.postgres.engine import PostgresEngine
from batch_state.errors import (
    StateConfigError,
    StateCorruptError,
    StateDatabaseError,
    StateError,
    StateNotFoundError,
    StateUnavailableError,
    StateValidationError,
)
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

_PASSWORDS = st.builds(
    lambda middle: f"Zx{middle}Qv",
    st.text(alphabet=st.sampled_from(list(":/?#[]@!$&'()*+,;=% \"\\éa0")), min_size=1),
)


# A secret in a URL never shows ---------------------------------------------------------


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(secret=_PASSWORDS)
def test_no_form_of_url_shows_its_secret(secret: str) -> None:
    for form, location in url_forms(secret):
        assert leaks(secret, shown_by_library(location)) == [], form


def test_the_command_line_never_shows_a_secret() -> None:
    secret = password(random.Random(7))
    for form, location in url_forms(secret):
        if form.startswith("postgresql "):
            for text in (location, f"{location}#some-key"):
                output = shown_by_command("show", text)
                assert f"{PACKAGE}: " in output and output.count("\n") == 1, output
                assert leaks(secret, [output]) == [], form


def test_a_password_shows_where_nothing_masks_it() -> None:
    """The control: libpq echoes a bad %-escape of a query password; a place that does not
    know its secrets (as before) passes it through, and the check sees it."""
    secret = "ZxSeCrEt%zzQv"
    location = f"postgresql://app@127.0.0.1:1/db?password={secret}"
    place = dataclasses.replace(_url.place(location, key="k", table="t"), secrets=())
    with pytest.raises(StateError) as raised, PostgresEngine(place).view(exact=True):
        pass
    assert leaks(secret, [str(raised.value)]) != []
    assert leaks(secret, shown_by_library(location)) == []  # the same URL, masked


@pytest.mark.parametrize(
    "location",
    [
        "postgresql://app:Zxpa#ssQv@h/db",
        "postgresql://app:Zxpa@ssQv@h/db",
        "postgresql://app:Zxpa?ssQv@h/db",
        "postgresql://app:Zxpa/ssQv@h/db",
        "postgresql://app:12/Zxpa@h/db",
        "postgresql://app:12?Zx/pa@h/db",
        "postgresql://app:Zxpa%zzQv@h/db",
        "postgresql://app:ZxpassQv@h:99999/db",
    ],
)
def test_an_ambiguous_url_is_refused_without_quoting_it(location: str) -> None:
    with pytest.raises(StateConfigError) as raised:
        BatchStateManager(location)
    assert "Zx" not in str(raised.value) and "Qv" not in str(raised.value)


def test_secret_parameters_show_as_stars() -> None:
    manager = BatchStateManager("postgresql://app@h/db?sslmode=require&sslpassword=x1y2z3")
    assert manager.location == "postgresql://app@h/db?sslmode=require&sslpassword=***#default"


# A table name cannot collide -------------------------------------------------------------


@pytest.mark.parametrize("table", ["runs_history", "runs_history_key", "history_history"])
def test_a_table_named_like_a_history_is_refused(table: str) -> None:
    with pytest.raises(StateConfigError, match="history"):
        BatchStateManager("postgresql://app@h/db", table=table)


def test_history_alone_is_a_usable_name() -> None:
    BatchStateManager("postgresql://app@h/db", table="history")


@needs_server
def test_a_history_table_is_never_read_as_a_state() -> None:
    assert history_read_as_state(url(), fresh_table(), checked=True) == "refused"


@needs_server
def test_without_the_check_a_history_is_read_as_a_state() -> None:
    """The control: the same names, unchecked, read another table's history as a state."""
    found = history_read_as_state(url(), fresh_table(), checked=False)
    assert found.startswith("read another table's history"), found


# Text a caller gave is bounded and escaped ------------------------------------------------


def test_a_huge_field_name_makes_a_short_message() -> None:
    error = StateValidationError("x" * 100_000, "expected an integer")
    assert unsafe(str(error)) is None
    assert str(error).endswith("expected an integer")


def test_control_characters_are_escaped_in_every_message() -> None:
    error = StateNotFoundError("/tmp/\x1b[31mred\u202e/state.json")
    assert unsafe(str(error)) is None
    assert "\\x1b[31mred\\u202e" in str(error)


def test_a_message_with_raw_text_is_caught() -> None:
    """The control: the check sees what a message built without escaping would show."""
    assert unsafe(f"{'x' * 100_000}: bad") is not None
    assert unsafe("/tmp/\x1b[31mred: no state file here yet") is not None


def test_the_command_line_escapes_a_path(tmp_path: Path) -> None:
    location = tmp_path / "\x1b]0;owned\x07\x1b[2J" / "state.json"
    output = shown_by_command("verify", str(location))
    assert "no state file" in output or "could not" in output, output
    assert unsafe(output) is None


@needs_server
def test_the_command_line_escapes_a_key() -> None:
    key = f"{fresh_table()}\x1b[2J\x1b]0;owned\x07"
    BatchStateManager(url(), key=key).save(BatchState(batch_id="b", features=[]))
    output = shown_by_command("verify", f"{url()}#{key}")
    assert output.startswith("ok: "), output
    assert unsafe(output) is None


# Each refusal of a server is named for what it is -----------------------------------------


@needs_server
def test_a_role_that_may_not_log_in_is_a_config_error() -> None:
    role = f"{fresh_table()}_nologin"
    sql(f'CREATE ROLE "{role}" NOLOGIN')
    try:
        parts = urllib.parse.urlsplit(url())
        refused = parts._replace(netloc=f"{role}:ZxTopSecretQv@{parts.hostname or ''}")
        location = urllib.parse.urlunsplit(refused)
        if parts.port:
            location = location.replace(f"@{parts.hostname}", f"@{parts.hostname}:{parts.port}")
        with pytest.raises(StateConfigError, match="check the user name, password") as raised:
            BatchStateManager(location).load()
        assert not isinstance(raised.value, StateUnavailableError)
        assert "ZxTopSecretQv" not in str(raised.value)
    finally:
        sql(f'DROP ROLE "{role}"')


@needs_server
def test_a_missing_database_is_a_config_error() -> None:
    parts = urllib.parse.urlsplit(url())
    location = urllib.parse.urlunsplit(parts._replace(path=f"/{fresh_table()}_none"))
    with pytest.raises(StateConfigError, match="database name"):
        BatchStateManager(location).load()


@needs_server
def test_a_statement_timeout_is_not_unavailable() -> None:
    error = wait_out_statement_timeout(url(), fresh_table())
    assert isinstance(error, StateDatabaseError), repr(error)
    assert not isinstance(error, StateUnavailableError)
    assert error.sqlstate == "57014" and "statement_timeout" in str(error)


def test_a_server_that_is_not_there_is_unavailable() -> None:
    with pytest.raises(StateUnavailableError, match="try again when it is back"):
        BatchStateManager("postgresql://app@127.0.0.1:1/db").load()


# Rows are spoken of as rows, NUL text is StateDatabaseError naming its field ---------------


@needs_server
def test_a_missing_and_a_corrupt_row_are_rows() -> None:
    table = fresh_table()
    manager = BatchStateManager(url(), table=table)
    with pytest.raises(StateNotFoundError) as missing:
        manager.load()
    assert "file" not in str(missing.value) and "nothing saved here yet" in str(missing.value)
    manager.save(BatchState(batch_id="b", features=[]))
    sql(f"UPDATE \"{table}\" SET document = '[1]'::jsonb, generation = generation + 1")
    with pytest.raises(StateCorruptError) as corrupt:
        manager.load()
    assert "file" not in str(corrupt.value)
    assert "corrupt state row" in str(corrupt.value) and "the row was left untouched" in str(
        corrupt.value
    )


def test_a_file_is_still_a_file(tmp_path: Path) -> None:
    """The control: the same errors about a file say file."""
    assert "no state file here yet" in str(StateNotFoundError(tmp_path / "s.json"))
    assert "the file was left untouched" in str(StateCorruptError(tmp_path / "s.json", "bad"))


@needs_server
def test_nul_text_is_a_database_error_naming_its_field() -> None:
    error = nul_in_text(url(), fresh_table())
    assert isinstance(error, StateDatabaseError), repr(error)
    assert error.field == "features[1]" and "features[1]" in str(error)


def test_secret_forms_are_those_a_parser_may_read() -> None:
    assert secret_forms("Zx a%40Qv") >= {"Zx a%40Qv", "Zx a@Qv", "Zx%20a%2540Qv"}


def test_every_error_bounds_and_escapes_what_it_quotes() -> None:
    unsafe_messages = [(type(error).__name__, unsafe(str(error))) for error in hostile_errors()]
    assert [found for found in unsafe_messages if found[1] is not None] == []
    assert len(unsafe_messages) == 28

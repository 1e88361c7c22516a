"""What errors say: a URL's secrets never shown, table names that cannot collide, text a caller
gave bounded and escaped, each server refusal named for what it is; each with its control.
The rows that need PostgreSQL run when STATEGEN_TEST_POSTGRES_URL names a server."""

from __future__ import annotations

import dataclasses
import os
import random
import urllib.parse
from types import ModuleType

import pytest

from reliability.evidence import record
from reliability.sizes import size

from ._support import cases, seed_from
from .conftest import Generated

PASSWORDS = "STATEGEN_SECRET_PASSWORDS"
PASSWORD_SEED = "STATEGEN_SECRET_SEED"


@pytest.fixture(scope="module")
def messages(generated: Generated) -> ModuleType:
    """The runtime tests' helpers for what errors and the command line show."""
    return generated.module("_messages")


@pytest.fixture(scope="module")
def database(generated: Generated) -> ModuleType:
    """The runtime tests' PostgreSQL helpers; the check skips without a server."""
    helpers = generated.module("_database")
    if not os.environ.get(helpers.URL_VARIABLE):
        pytest.skip("no PostgreSQL server: run scripts/postgres start DIR and eval its output")
    return helpers


def _secret_trials(messages: ModuleType, opener: object) -> tuple[int, list[str]]:
    """Random passwords in every URL form, opened by `opener`: (trials, forms that leaked)."""
    seed = seed_from(PASSWORD_SEED)
    rng = random.Random(seed)
    runs, leaked = 0, []
    for _ in range(size(PASSWORDS)):
        secret = messages.password(rng)
        for form, location in messages.url_forms(secret):
            runs += 1
            if messages.leaks(secret, messages.shown_by_library(location, opener)):
                leaked.append(form)
    return runs, leaked


def test_a_url_secret_never_shows(messages: ModuleType) -> None:
    """Passwords with reserved characters, in the user part (encoded or not, a bad %-escape)
    and in each secret query parameter, both schemes: not in str, repr, the printed chain,
    the logs, nor what `python -m` prints."""
    runs, leaked = _secret_trials(messages, messages.BatchStateManager)
    secret = messages.password(random.Random(seed_from(PASSWORD_SEED)))
    for form, location in messages.url_forms(secret):
        runs += 1
        if messages.leaks(secret, [messages.shown_by_command("show", location)]):
            leaked.append(f"command line, {form}")
    record(
        "PostgreSQL URL: no password shown in an error, repr, chain, log or the command line",
        runs=runs,
        failures=len(leaked),
        detail=f"{size(PASSWORDS)} random passwords x each URL form; leaked: {sorted(set(leaked))}",
    )
    assert leaked == []


def test_positive_control_secrets_unmasked(generated: Generated, messages: ModuleType) -> None:
    """The same trials with a place that does not know its secrets (as before): libpq's
    echo of a bad %-escape reaches the message, and the check sees it."""
    _url = generated.module("_runtime.engines.postgres.url")
    engine = generated.module("_runtime.engines.postgres.engine")

    class Unmasked:
        def __init__(self, location: str) -> None:
            self.place = dataclasses.replace(
                _url.place(location, key="default", table="t"), secrets=()
            )
            self.location = self.place.name

        def load(self) -> None:
            with engine.PostgresEngine(self.place).view(exact=True):
                pass

    runs, leaked = _secret_trials(messages, Unmasked)
    record(
        "control: the same URLs with the secrets left unmasked must show one",
        runs=runs,
        failures=len(leaked),
        control=True,
        detail=f"forms that leaked: {sorted(set(leaked))}",
    )
    assert leaked


def test_messages_are_bounded_and_escaped(messages: ModuleType) -> None:
    """Every error made with a 100,000-character text, and with terminal controls."""
    made = list(messages.hostile_errors())
    bad = [type(e).__name__ for e in made if messages.unsafe(str(e)) is not None]
    record(
        "every error: a caller's text bounded and its control characters escaped",
        runs=len(made),
        failures=len(bad),
        detail=f"{len(made)} errors from {len(messages.HOSTILE)} hostile texts; bad: {bad}",
    )
    assert bad == []


def test_positive_control_raw_messages(messages: ModuleType) -> None:
    """Messages built by plain formatting, as before: the check must refuse them."""
    raw = [f"{text}: no state file here yet" for text in messages.HOSTILE]
    caught = [text for text in raw if messages.unsafe(text) is not None]
    record(
        "control: messages quoting a caller's text raw must be caught",
        runs=len(raw),
        failures=len(caught),
        control=True,
        detail=f"{len(caught)} of {len(raw)} caught",
    )
    assert len(caught) == len(raw)


def test_a_table_cannot_read_another_ones_history(
    messages: ModuleType, database: ModuleType
) -> None:
    found = messages.history_read_as_state(database.url(), database.fresh_table(), checked=True)
    record(
        "PostgreSQL: a table named <t>_history is refused, never reads t's history",
        runs=1,
        failures=int(found != "refused"),
        detail=found,
    )
    assert found == "refused"


def test_positive_control_unchecked_table(messages: ModuleType, database: ModuleType) -> None:
    found = messages.history_read_as_state(database.url(), database.fresh_table(), checked=False)
    collided = found.startswith("read another table's history")
    record(
        "control: the same names unchecked must read another table's history",
        runs=1,
        failures=int(collided),
        control=True,
        detail=found,
    )
    assert collided


def test_each_refusal_is_named_for_what_it_is(
    generated: Generated, messages: ModuleType, database: ModuleType
) -> None:
    """Credentials refused, a missing database, a statement timeout, NUL text, a corrupt row:
    each its own error and words, none "unavailable", a row never called a file."""
    errors = generated.module("errors")

    url, wrong = database.url(), []
    role = f"{database.fresh_table()}_nologin"
    database.sql(f'CREATE ROLE "{role}" NOLOGIN')
    try:
        parts = urllib.parse.urlsplit(url)
        netloc = f"{role}:ZxHiddenQv@{parts.netloc.rpartition('@')[2]}"
        location = urllib.parse.urlunsplit(parts._replace(netloc=netloc))
        shown = messages.shown_by_library(location)
        if not any("check the user name, password" in text for text in shown):
            wrong.append("credentials")
        if messages.leaks("ZxHiddenQv", shown):
            wrong.append("credentials shown")
    finally:
        database.sql(f'DROP ROLE "{role}"')
    missing = urllib.parse.urlunsplit(parts._replace(path=f"/{database.fresh_table()}_none"))
    if not any("database name in the URL" in text for text in messages.shown_by_library(missing)):
        wrong.append("missing database")
    timeout = messages.wait_out_statement_timeout(url, database.fresh_table())
    if not (
        isinstance(timeout, errors.StateDatabaseError)
        and not isinstance(timeout, errors.StateUnavailableError)
        and "statement_timeout" in str(timeout)
    ):
        wrong.append(f"statement timeout: {timeout!r}")
    nul = messages.nul_in_text(url, database.fresh_table())
    if not (isinstance(nul, errors.StateDatabaseError) and nul.field == "features[1]"):
        wrong.append(f"NUL: {nul!r}")
    table = database.fresh_table()
    manager = messages.BatchStateManager(url, table=table)
    manager.save(messages.BatchState(batch_id="b", features=[]))
    database.sql(f"UPDATE \"{table}\" SET document = '[1]'::jsonb, generation = generation + 1")
    try:
        manager.load()
        wrong.append("corrupt row: loaded")
    except errors.StateCorruptError as error:
        if "file" in str(error) or "corrupt state row" not in str(error):
            wrong.append(f"corrupt row: {error}")
    names = ["credentials", "missing database", "statement timeout", "NUL", "corrupt row"]
    record(
        "PostgreSQL: each refusal its own error (credentials, timeout, NUL), rows as rows",
        runs=len(names),
        failures=len(wrong),
        detail=f"{cases(names)}; wrong: {wrong}",
    )
    assert wrong == []

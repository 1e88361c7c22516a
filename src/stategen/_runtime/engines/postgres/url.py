"""A state's place in PostgreSQL: the URL, the key, the table names, checked and shown safely.

A URL's secrets (the password in it, `password=`, `sslpassword=` and `passfile=` among its
parameters) are never shown: `Place.name` leaves them out, and `Place.masked` takes them out
of any text that may quote them (libpq's own error messages echo parts of a URL).
"""

import re
import urllib.parse
from dataclasses import dataclass, field

from ...errors import StateConfigError

#: A table name: lower-case letters, digits and underscores, short enough for PostgreSQL's
#: 63-byte limit once "_history" is added.
_TABLE = re.compile(r"[a-z_][a-z0-9_]{0,54}")
#: The endings of the names made from a table's (its history, the history's index): a table
#: named with one would be another table's history, and read its rows as its own.
_MADE = ("_history", "_history_key")
_KEY_MAX = 1000
#: Parameters whose values are secrets (libpq's names; it decodes %XX in them).
_SECRET_PARAMETERS = frozenset(
    {
        "password",
        "sslpassword",
        "passfile",
        "oauth_client_secret",
        "scram_client_key",
        "scram_server_key",
    }
)
_MASK = "***"
_KEYWORD = re.compile(r"[a-z_]+")
_PERCENT = re.compile(r"%(?![0-9A-Fa-f]{2})")
#: Characters a user name or password must percent-encode: Python and libpq would read the
#: URL differently (libpq ends the user part at the first `@`, Python at the last; `#` and
#: `?` end Python's host part but not libpq's), so the password could be taken for a host.
_UNENCODED = ("@", "#", "?")


@dataclass(frozen=True)
class Place:
    """One state in a database: `url` for libpq, `key` its row, `table` and `history` its tables.

    `name` is what errors show: the URL without its secrets, then `#key`. `host` is the
    server as the user knows it: a host and port, or a socket directory. `secrets` are the
    texts `masked` removes.
    """

    url: str = field(repr=False)  # it may hold a password
    key: str
    table: str
    history: str
    name: str
    host: str
    secrets: tuple[str, ...] = field(default=(), repr=False)

    def masked(self, text: str) -> str:
        """`text` with every secret of the URL in it replaced by `***`."""
        for secret in self.secrets:  # longest first: a secret inside another goes with it
            text = text.replace(secret, _MASK)
        return text


def place(url: str, *, key: str, table: str) -> Place:
    """The checked place of the state `key` in `table` of the database at `url`."""
    if not isinstance(key, str) or not key or len(key) > _KEY_MAX or "\0" in key:
        raise StateConfigError(
            "key",
            f"expected a non-empty string of up to {_KEY_MAX} characters without NUL, got {key!r}",
        )
    if any("\ud800" <= character <= "\udfff" for character in key):
        raise StateConfigError(
            "key", f"{key!r} holds a lone surrogate, which PostgreSQL cannot store as text"
        )
    if not isinstance(table, str) or not _TABLE.fullmatch(table):
        raise StateConfigError(
            "table",
            f"{table!r} is not a usable table name: use 1 to 55 lower-case letters, digits "
            "and underscores, not starting with a digit",
        )
    if table.endswith(_MADE):
        raise StateConfigError(
            "table",
            f"{table!r} ends in {'/'.join(_MADE)}, the names of the tables made for another "
            "table's history: choose a name without that ending",
        )
    secrets = _secrets(url)
    parts, problem = _split(url)
    if problem is not None:
        raise StateConfigError("url", f"not a usable PostgreSQL URL: {problem}")
    assert parts is not None
    hostname, port = parts.hostname, parts.port  # _split checked them
    query = _parameters(parts.query)
    shown_query = "&".join(
        f"{name}={_MASK if urllib.parse.unquote(name) in _SECRET_PARAMETERS else value}"
        for name, value in query
    )
    netloc = parts.netloc.rpartition("@")[2]
    if parts.username is not None:
        netloc = f"{parts.username}@{netloc}"
    shown = urllib.parse.urlunsplit((parts.scheme, netloc, parts.path, shown_query, ""))
    socket = dict((urllib.parse.unquote(k), urllib.parse.unquote(v)) for k, v in query).get("host")
    if hostname:
        host = f"{hostname}:{port or 5432}"
    elif socket:
        host = f"on the socket in {socket}"
    else:
        host = "on the default local socket"
    name = f"{shown}#{key}"
    return Place(url, key, table, f"{table}_history", name, host, secrets)


def _split(url: str) -> tuple[urllib.parse.SplitResult | None, str | None]:
    """`url` split, or why it cannot be used, in words that quote nothing of it."""
    userinfo = _userinfo(url)
    if userinfo is not None:
        for character in _UNENCODED:
            if character in userinfo:
                encoded = urllib.parse.quote(character, safe="")
                return None, (
                    f"its user name or password holds a {character!r}: write it as {encoded}"
                )
        if _PERCENT.search(userinfo):
            return None, (
                "its user name or password holds a '%' not followed by two hex digits: "
                "write a '%' as %25"
            )
    before_query = url.partition("://")[2].partition("?")[0]
    if "@" in before_query.partition("/")[2]:
        return None, (
            "it holds an '@' after its host: write a '/' in a password as %2F, and an '@' in "
            "a database name as %40"
        )
    query = url.partition("?")[2].partition("#")[0]
    if any(not _KEYWORD.fullmatch(urllib.parse.unquote(k)) for k, _ in _parameters(query)):
        return None, "its query holds a parameter name that is not a libpq keyword (a-z, _)"
    try:
        parts = urllib.parse.urlsplit(url)
        parts.hostname, parts.port  # noqa: B018 - both raise ValueError when malformed
    except ValueError as error:
        # Python's message may quote a piece of the URL (a port that is a password's end).
        if "Port" in str(error):
            return None, "its port is not a number from 0 to 65535"
        return None, "its host is neither a name nor an address (an IPv6 one in [brackets])"
    if parts.fragment:
        return None, "a URL names no key after '#': pass key= instead"
    return parts, None


def _userinfo(url: str) -> str | None:
    """The user name and password part of `url` as far as libpq may read it: up to the
    last `@` before the first `/` (None without an `@` there)."""
    rest = url.partition("://")[2]
    head = rest.split("/", 1)[0]
    info, at, _ = head.rpartition("@")
    return info if at else None


def _parameters(query: str) -> list[tuple[str, str]]:
    """The `name=value` pairs of a query, as written (libpq splits them so, without `+`)."""
    pairs = []
    for item in query.split("&"):
        if item:
            name, _, value = item.partition("=")
            pairs.append((name, value))
    return pairs


def _secrets(url: str) -> tuple[str, ...]:
    """Every text of `url` that is a secret, as written and decoded, longest first."""
    found: set[str] = set()
    userinfo = _userinfo(url)
    if userinfo is not None:
        # The password as each parser may see it: after the first `:`, up to any `@`.
        password = userinfo.partition(":")[2]
        found.update((password, *password.split("@")))
    query = url.partition("?")[2].partition("#")[0]
    for name, value in _parameters(query):
        if urllib.parse.unquote(name) in _SECRET_PARAMETERS:
            found.add(value)
    found.update({urllib.parse.unquote(text) for text in found})
    found.discard("")
    return tuple(sorted(found, key=len, reverse=True))

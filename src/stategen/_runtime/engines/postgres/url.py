"""A state's place in PostgreSQL: the URL, the key, the table names, checked and shown safely."""

import re
import urllib.parse
from dataclasses import dataclass

from ...errors import StateConfigError

#: A table name: lower-case letters, digits and underscores, short enough for PostgreSQL's
#: 63-byte limit once "_history" is added.
_TABLE = re.compile(r"[a-z_][a-z0-9_]{0,54}")
_KEY_MAX = 1000


@dataclass(frozen=True)
class Place:
    """One state in a database: `url` for libpq, `key` its row, `table` and `history` its tables.

    `name` is what errors show: the URL without a password, then `#key`. `host` is the
    server as the user knows it: a host and port, or a socket directory.
    """

    url: str
    key: str
    table: str
    history: str
    name: str
    host: str


def place(url: str, *, key: str, table: str) -> Place:
    """The checked place of the state `key` in `table` of the database at `url`."""
    if not isinstance(key, str) or not key or len(key) > _KEY_MAX or "\0" in key:
        raise StateConfigError(
            "key",
            f"expected a non-empty string of up to {_KEY_MAX} characters without NUL, got {key!r}",
        )
    if not isinstance(table, str) or not _TABLE.fullmatch(table):
        raise StateConfigError(
            "table",
            f"{table!r} is not a usable table name: use 1 to 55 lower-case letters, digits "
            "and underscores, not starting with a digit",
        )
    try:
        parts = urllib.parse.urlsplit(url)
        query = urllib.parse.parse_qsl(parts.query, keep_blank_values=True)
        hostname, port = parts.hostname, parts.port
    except ValueError as error:
        raise StateConfigError(
            "url", f"{_without_password(url)!r} is not a usable URL: {error}"
        ) from None
    if parts.fragment:
        raise StateConfigError("url", "a URL names no key after '#': pass key= instead")
    shown_query = urllib.parse.urlencode([(k, v) for k, v in query if k != "password"])
    netloc = parts.netloc.rpartition("@")[2]
    if parts.username is not None:
        netloc = f"{parts.username}@{netloc}"
    shown = urllib.parse.urlunsplit((parts.scheme, netloc, parts.path, shown_query, ""))
    socket = dict(query).get("host")
    if hostname:
        host = f"{hostname}:{port or 5432}"
    elif socket:
        host = f"on the socket in {socket}"
    else:
        host = "on the default local socket"
    return Place(url, key, table, f"{table}_history", f"{shown}#{key}", host)


def _without_password(url: str) -> str:
    """`url` with any password in it replaced, for an error message."""
    return re.sub(r"(://[^:/@]*):[^@/]*@", r"\1:***@", url)

"""The names kept beside a state file (lock, journal, backups, temps), each within the name limit.

A name is `<file name><suffix>` when that fits the filesystem's limit on one name (NAME_MAX,
255 bytes on most). Otherwise the file name is cut and a hash of the whole name added, so a
long name still gets its own short, stable sidecar names instead of failing at its second
save.
"""

import os

#: Marks the temp files of a save in progress (or of one killed mid-write, to be swept).
TEMP_MARKER = ".stategen-tmp-"
#: Marks the spare: a retired backup the next save writes into (see `spare`).
SPARE_MARKER = ".stategen-spare"
#: The random part of a temp name: 64 bits, so nobody can plant the name in advance.
_RANDOM_BYTES = 8
#: How many characters that random part takes (hex digits).
TEMP_RANDOM_CHARS = 2 * _RANDOM_BYTES
#: The limit most filesystems have, used where the real one cannot be asked.
DEFAULT_NAME_MAX = 255
_HASH_CHARS = 16


def sidecar(name: str, suffix: str, limit: int) -> str:
    """`name + suffix`, with `name` shortened deterministically if the whole passes `limit`."""
    return _fit(name, suffix, limit)


def temp_prefix(name: str, limit: int) -> str:
    """The start of every temp file name of the state file `name`: hidden and recognisable."""
    return "." + _fit(name, TEMP_MARKER, limit - 1 - TEMP_RANDOM_CHARS)


def spare(name: str, limit: int) -> str:
    """The hidden name of the state file `name`'s spare (see `spare`)."""
    return "." + _fit(name, SPARE_MARKER, limit - 1)


def temp_name(prefix: str) -> str:
    """A new, unpredictable temp file name starting with `prefix`."""
    return prefix + os.urandom(_RANDOM_BYTES).hex()  # what secrets.token_hex does


def _fit(name: str, suffix: str, limit: int) -> str:
    whole = name + suffix
    if len(os.fsencode(whole)) <= limit:
        return whole
    # "<head>~<hash>": the hash tells apart long names that share a head. fsdecode/fsencode
    # round-trip any bytes, so a multi-byte character cut in half still counts its bytes.
    import hashlib  # here: only a name too long for its directory needs it

    digest = hashlib.sha256(os.fsencode(name)).hexdigest()[:_HASH_CHARS]
    room = max(0, limit - len(os.fsencode(suffix)) - len(digest) - 1)
    head = os.fsdecode(os.fsencode(name)[:room])
    return f"{head}~{digest}{suffix}"

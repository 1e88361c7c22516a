"""Writers that break the contract on purpose, for the selftest's kill and race controls.

Run by `selftest` in place of its own `child` module (the tests point `CHILD_MODULE` here): `save`
rewrites the state file in place, in two halves with a pause between them, so a kill at a
random moment almost always leaves half a file; `add` reads and saves without a transaction,
so two of them lose updates. `hold` is the real one.
"""

from __future__ import annotations

import json
import os
import sys
import time
from pathlib import Path

from stategen._runtime.codec.codec import encode
from stategen._runtime.selftest import child as real


def save_in_place(directory: Path) -> None:
    path = directory / real.STATE_NAME
    number = 0
    while True:
        number += 1
        document = {"version": real.SCHEMA_VERSION, **encode(real.generation(number))}
        text = json.dumps(document).encode()
        with path.open("wb") as file:  # truncates: the old generation is gone already
            file.write(text[: len(text) // 2])
            file.flush()
            os.fsync(file.fileno())
            time.sleep(0.05)
            file.write(text[len(text) // 2 :])
        print(number, flush=True)


def add_without_transaction(directory: Path, count: int) -> None:
    manager = real.store(directory)
    print("ready", flush=True)
    sys.stdin.readline()
    for _ in range(count):
        state = manager.load()
        time.sleep(0.002)  # the other writer saves meanwhile: its update is lost
        state.number += 1
        manager.save(state)
    print("done", flush=True)


def main(argv: list[str]) -> int:
    role, directory, *rest = argv
    if role == "save":
        save_in_place(Path(directory))
    elif role == "add":
        add_without_transaction(Path(directory), int(rest[1]))
    else:
        return real.main(argv)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))

"""A spy on the system calls of a save: which files were written, synced, linked and renamed.

The library works relative to open directories (`open(name, dir_fd=...)`), so the spy keeps
the path behind every descriptor it saw opened and reports full paths.
"""

import os
import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

Event = tuple[Any, ...]
SPIED = ("open", "write", "pwrite", "fsync", "fdatasync", "ftruncate", "replace", "link", "mkdir")


@contextmanager
def spying() -> Iterator[list[Event]]:
    """Record system calls with the paths they touch, in order, while the block runs.

    Events: ("open", path, flags), ("write", path, bytes written),
    ("pwrite", path, bytes written, offset, whether they were all zeros), ("fsync", path),
    ("fdatasync", path), ("ftruncate", path, length), ("replace", source, target),
    ("link", source, target), ("mkdir", path).
    """
    events: list[Event] = []
    paths: dict[int, Path] = {}
    real = {name: getattr(os, name) for name in SPIED if hasattr(os, name)}

    def where(fd: int) -> Path | None:
        return paths.get(fd) or _path_of(fd)

    def full(path: Any, dir_fd: int | None) -> Path:
        if dir_fd is None:
            return Path(path)
        return (where(dir_fd) or Path("<unknown directory>")) / str(path)

    def spy_open(path: Any, flags: int, *args: Any, dir_fd: int | None = None) -> int:
        fd: int = real["open"](path, flags, *args, dir_fd=dir_fd)
        paths[fd] = full(path, dir_fd)
        events.append(("open", paths[fd], flags))
        return fd

    def spy_write(fd: int, data: Any) -> int:
        count: int = real["write"](fd, data)
        events.append(("write", where(fd), count))
        return count

    def spy_pwrite(fd: int, data: Any, offset: int) -> int:
        count: int = real["pwrite"](fd, data, offset)
        events.append(("pwrite", where(fd), count, offset, not bytes(data).strip(b"\0")))
        return count

    def spy_fsync(fd: int) -> None:
        events.append(("fsync", where(fd)))
        real["fsync"](fd)

    def spy_fdatasync(fd: int) -> None:
        events.append(("fdatasync", where(fd)))
        real["fdatasync"](fd)

    def spy_ftruncate(fd: int, length: int) -> None:
        events.append(("ftruncate", where(fd), length))
        real["ftruncate"](fd, length)

    def spy_mkdir(path: Any, *args: Any, dir_fd: int | None = None) -> None:
        events.append(("mkdir", full(path, dir_fd)))
        real["mkdir"](path, *args, dir_fd=dir_fd)

    def two_paths(name: str) -> Callable[..., None]:
        def spy(
            source: Any,
            target: Any,
            *,
            src_dir_fd: int | None = None,
            dst_dir_fd: int | None = None,
            **options: Any,
        ) -> None:
            events.append((name, full(source, src_dir_fd), full(target, dst_dir_fd)))
            real[name](source, target, src_dir_fd=src_dir_fd, dst_dir_fd=dst_dir_fd, **options)

        return spy

    spies = {
        "open": spy_open,
        "write": spy_write,
        "pwrite": spy_pwrite,
        "fsync": spy_fsync,
        "fdatasync": spy_fdatasync,
        "ftruncate": spy_ftruncate,
        "replace": two_paths("replace"),
        "link": two_paths("link"),
        "mkdir": spy_mkdir,
    }
    undo = _spy_on_full_fsync(events, paths)
    for name, spy in spies.items():
        if name in real:
            setattr(os, name, spy)
    try:
        yield events
    finally:
        for name, function in real.items():
            setattr(os, name, function)
        undo()


def _path_of(fd: int) -> Path | None:
    """The path behind a descriptor opened before the spy started (the library keeps its
    directory and files open between operations); None where the system cannot say."""
    try:
        return Path(os.readlink(f"/proc/self/fd/{fd}"))
    except OSError:
        return None


def _spy_on_full_fsync(events: list[Event], paths: dict[int, Path]) -> Callable[[], None]:
    """On macOS the data reaches the disk through fcntl(F_FULLFSYNC): record it as an fsync."""
    if sys.platform != "darwin":
        return lambda: None
    import fcntl

    real_fcntl = fcntl.fcntl

    def spy_fcntl(fd: int, command: int, *args: Any) -> Any:
        if command == fcntl.F_FULLFSYNC:
            events.append(("fsync", paths.get(fd)))
        return real_fcntl(fd, command, *args)

    fcntl.fcntl = spy_fcntl  # type: ignore[assignment,unused-ignore]

    def undo() -> None:
        fcntl.fcntl = real_fcntl

    return undo


def order_problems(events: list[Event], path: Path, backup_path: Path) -> list[str]:
    """What is wrong with the order of a save over an existing file ([] when nothing is).

    The order must be: all bytes written to a temp file beside `path`, fsync of it, a hard
    link of the old file renamed over the backup, the rename over `path`, then fsync of the
    directory.
    """
    renames = [e for e in events if e[0] == "replace" and e[2] == path]
    if len(renames) != 1:
        return [f"expected one rename over {path}, got {renames}"]
    temp = renames[0][1]
    if temp.parent != path.parent or not temp.name.startswith(f".{path.name}."):
        return [f"the temp file {temp} is not a hidden sibling of {path}"]
    writes = [i for i, e in enumerate(events) if e[0] == "write" and e[1] == temp]
    written = sum(events[i][2] for i in writes)
    if written != path.stat().st_size:
        return [f"{written} bytes written to the temp file, the file has {path.stat().st_size}"]
    link = next((e for e in events if e[0] == "link" and e[1] == path), None)
    if link is None:
        return ["the old file was not linked to a backup"]
    position = {e: i for i, e in enumerate(events)}
    steps = {
        "last write": writes[-1],
        "fsync(temp)": position.get(("fsync", temp)),
        "backup link": position[link],
        "backup rename": position.get(("replace", link[2], backup_path)),
        "rename": position[renames[0]],
        "fsync(directory)": position.get(("fsync", path.parent)),
    }
    missing = [name for name, index in steps.items() if index is None]
    if missing:
        return [f"missing: {', '.join(missing)}"]
    if list(steps.values()) != sorted(steps.values()):  # type: ignore[type-var]
        return [f"out of order: {steps}"]
    return []


def unsynced_directories(events: list[Event]) -> list[str]:
    """The directories a save created that were not fsynced after, nor their parents."""
    problems = []
    for index, event in enumerate(events):
        if event[0] != "mkdir":
            continue
        later = {e[1] for e in events[index + 1 :] if e[0] == "fsync"}
        problems += [
            f"{each} not synced" for each in (event[1], event[1].parent) if each not in later
        ]
    return problems


def order_of_an_append(events: list[Event], journal: Path) -> list[str]:
    """What is wrong with an update in journal mode ([] when nothing is).

    It must write one record into the journal (pending: its CRC inverted), sync the journal
    once, then write the record's commit mark (its 4-byte CRC, at the same offset), and make
    nothing else durable: no file replaced, no directory synced (the journal's size does not
    change, so its directory entry needs no sync), and nothing written after the mark. Zeros
    written before the record, past it, over room that reads as zeros anyway, change nothing.
    """
    journal_writes = [
        i for i, e in enumerate(events) if e[0] in ("pwrite", "write") and e[1] == journal
    ]
    zeros = [i for i in journal_writes if events[i][0] == "pwrite" and events[i][4]]
    writes = [i for i in journal_writes if i not in zeros]
    if writes and any(i > writes[0] for i in zeros):
        return [f"zeros written into the journal after the record: {events}"]
    syncs = [i for i, e in enumerate(events) if e[0] in ("fdatasync", "fsync") and e[1] == journal]
    if len(writes) != 2 or len(syncs) != 1:
        return [f"expected two writes and one sync of the journal, got {events}"]
    record, mark = events[writes[0]], events[writes[1]]
    if not writes[0] < syncs[0] < writes[1]:
        return [f"expected write, sync, mark; got {events}"]
    if record[0] != "pwrite" or mark[0] != "pwrite" or mark[2:4] != (4, record[3]):
        return [f"the mark is not the 4-byte CRC over the record: {record}, {mark}"]
    if any(events[i][3] < record[3] + record[2] for i in zeros):
        return [f"zeros written over the record's own place: {events}"]
    problems = [
        f"{event[0]} {event[1]}"
        for event in events
        if event[0] in ("fsync", "fdatasync", "replace", "link", "mkdir") and event[1] != journal
    ]
    problems += [
        f"{event[0]} {event[1]} after the mark"
        for event in events[writes[1] + 1 :]
        if event[0] in ("write", "pwrite", "ftruncate") and event[1] == journal
    ]
    return problems

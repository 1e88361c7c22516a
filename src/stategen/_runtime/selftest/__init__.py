"""`python -m <package> selftest [DIR]`: check, on DIR's filesystem, what the runtime relies on.

A compact run of the runtime's contract where the user keeps state (an NFS share, a
container volume, a FUSE mount): atomic rename, fsync of a file and of a directory, the lock
across processes, writers killed mid-save, and two processes racing on one counter, then a
save and load by the package's own manager. `runner` runs `checks.CHECKS` in a fresh
directory inside DIR; the processes they start (`processes`) run `child` with this
interpreter, through the runtime itself.
"""

from .runner import run

__all__ = ["run"]

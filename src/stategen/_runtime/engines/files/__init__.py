"""The file engine: a snapshot and a journal beside it, over the OS-level pieces in `fs`."""

"""`import <package>` loads no module it does not need yet: the costly ones wait for first use."""

import json
import os
import subprocess
import sys
from pathlib import Path

import batch_state

SOURCE = str(Path(batch_state.__file__).resolve().parents[1])

#: Modules that cost milliseconds to import, each wanted only by some programs or later:
#: paths and URLs (pathlib pulls in urllib and ipaddress), the lock (filelock pulls in
#: logging), random names (secrets, hashlib), Decimal and UUID fields, the PostgreSQL engine.
LATER = (
    "base64",
    "decimal",
    "filelock",
    "hashlib",
    "ipaddress",
    "logging",
    "pathlib",
    "pkgutil",
    "platform",
    "psycopg",
    "random",
    "secrets",
    "threading",
    "urllib",
    "uuid",
)


def _loaded_after(code: str) -> list[str]:
    """Which of LATER a fresh interpreter has loaded after running `code`."""
    probe = (
        f"import json, sys\n{code}\nprint(json.dumps([m for m in {LATER!r} if m in sys.modules]))"
    )
    result = subprocess.run(
        [sys.executable, "-c", probe],
        capture_output=True,
        text=True,
        env={**os.environ, "PYTHONPATH": SOURCE},
        timeout=60,
        check=True,
    )
    found: list[str] = json.loads(result.stdout)
    return found


def test_importing_the_package_loads_none_of_them() -> None:
    assert _loaded_after("import batch_state") == []


def test_a_save_loads_what_it_uses(tmp_path: Path) -> None:
    """The control: the probe sees a module once the package has used it."""
    code = (
        "import batch_state\n"
        f"manager = batch_state.BatchStateManager({str(tmp_path / 'state.json')!r})\n"
        "manager.save(batch_state.BatchState(batch_id='b', features=['f']))\n"
    )
    loaded = _loaded_after(code)
    assert {"filelock", "logging", "pathlib", "threading"} <= set(loaded)
    assert "psycopg" not in loaded  # a state in a file never loads the PostgreSQL engine

"""What pytest's junit XML says: how many tests ran, and which failed or errored.

A test that crashes before it calls `record()` leaves no evidence row; reading the junit
report turns it into a failing row, so a crash is never silent.
"""

from __future__ import annotations

import xml.etree.ElementTree as ElementTree
from dataclasses import dataclass
from pathlib import Path

from ._rows import Row


@dataclass(frozen=True)
class Tally:
    tests: int
    skipped: int
    failed: list[Row]  # one row per failure or error of a test case


def read_junit(path: Path, *, root: Path, where: str = "") -> Tally | None:
    """The tally of the report at `path` (tests run from `root`), or None without a report."""
    try:
        suites = ElementTree.parse(path).getroot()
    except (OSError, ElementTree.ParseError):
        return None
    tests, skipped, failed = 0, 0, []
    for case in suites.iter("testcase"):
        tests += 1
        if case.find("skipped") is not None:
            skipped += 1
        # A test can fail in its call and error in its teardown: one row per problem.
        for problem in (*case.findall("failure"), *case.findall("error")):
            failed.append(_failed(case, problem, root, where))
    return Tally(tests, skipped, failed)


def node_id(classname: str, name: str, root: Path) -> str:
    """pytest's node id back from junit's dotted classname: `tests/test_x.py::Class::name`.

    The dotted name does not say where the module ends and a class begins, so the longest
    prefix that is a file under `root` is the module.
    """
    parts = classname.split(".") if classname else []
    for cut in range(len(parts), 0, -1):
        module = "/".join(parts[:cut]) + ".py"
        if (root / module).is_file():
            return "::".join([module, *parts[cut:], name])
    return "::".join([classname, name]) if classname else name


def _failed(case: ElementTree.Element, problem: ElementTree.Element, root: Path, where: str) -> Row:
    name = case.get("name", "?")
    message = (problem.get("message") or problem.text or "").strip().splitlines()
    kind = "failed" if problem.tag == "failure" else "errored"
    return Row(
        check=name,
        test=where + node_id(case.get("classname", ""), name, root),
        runs=1,
        failures=1,
        detail=f"{kind}: {message[0]}"[:200] if message else kind,
    )

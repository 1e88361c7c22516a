"""`name: annotation = value`, laid out as ruff formats an annotated assignment.

A generic annotation (`Annotated[int, Constraints(ge=0)]`, `list[...]`, `X | None`) can be
split as well as the value. The formatter prefers keeping the annotation whole: it splits a
call after its opening bracket, else puts the value in parentheses on a line of its own, and
only then splits the annotation (ruff's "right to left" layout of assignments).
"""

from __future__ import annotations

from ..serializer import (
    INDENT,
    Atom,
    Call,
    Collection,
    Node,
    OrNone,
    assignment,
    fits,
    indented,
    is_exploded,
    layout,
    opening,
)


def declaration(name: str, annotation: Node, value: Node | None, indent: int) -> list[str]:
    """The lines (without indentation) declaring `name`, at `indent` columns."""
    head = f"{name}: "
    if value is None:
        return _annotation_alone(head, annotation, indent)
    if isinstance(annotation, Atom):  # `int`: nothing to split on the left
        return assignment(head + annotation.text, value, indent)
    left = f"{head}{annotation.inline()} = "
    if fits(indent, left + value.inline()) and not is_exploded(value):
        return [left + value.inline()]
    bracket = opening(value)
    if isinstance(value, Atom) and value.text.startswith("-"):
        return _split_annotation(head, annotation, value, indent)  # a negative number
    if isinstance(value, Collection):
        # A literal with brackets of its own splits inside them, or else the annotation does.
        if bracket is not None and fits(indent, left + bracket):
            return layout(value, indent, left)
        return _split_annotation(head, annotation, value, indent)
    if isinstance(value, Call) and bracket is not None and fits(indent, left + bracket):
        return layout(value, indent, left)
    if fits(indent, left + "("):
        return [left + "(", *indented(layout(value, indent + INDENT)), ")"]
    return _split_annotation(head, annotation, value, indent)


def _annotation_alone(head: str, annotation: Node, indent: int) -> list[str]:
    """`name: annotation` without a value: split inside the annotation's brackets."""
    if isinstance(annotation, OrNone) and not fits(indent, head + annotation.inline()):
        return _parenthesized(head, annotation, indent, "")
    return layout(annotation, indent, head)


def _split_annotation(head: str, annotation: Node, value: Node, indent: int) -> list[str]:
    """The annotation split over lines, then ` = value` after its closing bracket."""
    if isinstance(annotation, Call):
        lines = layout(annotation, indent, head, force=True)
    else:
        lines = _parenthesized(head, annotation, indent, "")
    last = lines.pop()
    return [*lines, *layout(value, indent, f"{last} = ")]


def _parenthesized(head: str, annotation: Node, indent: int, suffix: str) -> list[str]:
    return [head + "(", *indented(layout(annotation, indent + INDENT)), ")" + suffix]

"""Points and lengths of time, stored as ISO 8601 text: `datetime`, `date`, `time`, `timedelta`."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterator
from typing import Any

from ... import serializer
from ..._runtime.codec import durations, timetext
from ..patterns import anchored
from ..problem import Problem, show
from ..rules import Rules
from .base import DefaultCheck, Definitions, FactoryCode, Import, Sampler
from .ordered import Ordered
from .scalars import Scalar

_DATE = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")


def parse_duration(text: Any) -> dt.timedelta | None:
    """The timedelta an ISO 8601 duration means, as the generated library reads it; None for
    other text, values, or a duration beyond timedelta's range."""
    try:
        return durations.parse_duration(text) if isinstance(text, str) else None
    except OverflowError:
        return None


class DateTime(Ordered, Scalar):
    """An aware datetime, stored as ISO 8601 text with its UTC offset."""

    def __str__(self) -> str:
        return "datetime"

    def imports(self) -> Iterator[Import]:
        yield ("datetime", "datetime")

    def accepts(self, value: Any, definitions: Definitions) -> bool:
        return _aware(value) is not None

    def order(self, value: Any) -> Any:
        return dt.datetime.fromisoformat(value)

    def stored(self, ordered: Any) -> Any:
        return ordered.isoformat()

    def preferred(self, name: str, sampler: Sampler) -> Any:
        text = {
            "fixture": "2024-05-06T07:08:09+00:00",
            "full": "2024-02-29T23:59:58.123456+05:30",
            "empty": "1999-12-31T00:00:00+00:00",
        }[sampler.style]
        return dt.datetime.fromisoformat(text)

    def step(self) -> Any:
        return dt.timedelta(seconds=1)

    def bound_hint(self, value: Any) -> str:
        hint = _offset_hint(value)
        return f"the bound {show(value)} is not an ISO 8601 datetime with its UTC offset{hint}"

    def default(self, value: Any, check: DefaultCheck) -> Any:
        moment = _aware(value)
        if moment is None:
            raise Problem(
                f"the default {show(value)} is not an ISO 8601 datetime with its UTC offset, "
                f"like '2024-01-01T00:00:00+00:00'{_offset_hint(value)}; or use "
                "default_factory: now"
            )
        return moment.isoformat()

    def python(self, value: Any, definitions: Definitions) -> serializer.Node:
        moment = dt.datetime.fromisoformat(value)
        parts = [moment.year, moment.month, moment.day, moment.hour, moment.minute]
        parts += [moment.second, moment.microsecond]
        while len(parts) > 3 and not parts[-1]:
            parts.pop()
        arguments = [serializer.literal(part) for part in parts]
        offset = moment.utcoffset()
        assert offset is not None
        return serializer.call(
            "datetime", *arguments, serializer.Prefixed("tzinfo=", _zone(offset))
        )

    def value_imports(self, value: Any, definitions: Definitions) -> Iterator[Import]:
        offset = dt.datetime.fromisoformat(value).utcoffset()
        yield from (("datetime", "UTC"),) if not offset else _ZONE_IMPORTS

    def factory(self) -> FactoryCode | None:
        helper = "def _utcnow() -> datetime:\n    return datetime.now(UTC)"
        imports = (("datetime", "UTC"), ("datetime", "datetime"))
        return FactoryCode("now", "_utcnow", imports, helper)

    def json_schema(self, definitions: Definitions) -> dict[str, Any]:
        # The pattern too: a validator need not check formats, and it pins "T", "Z", no ":60".
        pattern = anchored(timetext.RFC3339_DATETIME_TEXT)
        return {"type": "string", "format": "date-time", "pattern": pattern}


class Date(Ordered, Scalar):
    """A calendar date, stored as ISO 8601 text."""

    def __str__(self) -> str:
        return "date"

    def imports(self) -> Iterator[Import]:
        yield ("datetime", "date")

    def accepts(self, value: Any, definitions: Definitions) -> bool:
        return _day(value) is not None

    def order(self, value: Any) -> Any:
        return dt.date.fromisoformat(value)

    def stored(self, ordered: Any) -> Any:
        return ordered.isoformat()

    def preferred(self, name: str, sampler: Sampler) -> Any:
        text = {"fixture": "2024-05-06", "full": "2024-02-29", "empty": "0001-01-01"}
        return dt.date.fromisoformat(text[sampler.style])

    def step(self) -> Any:
        return dt.timedelta(days=1)

    def between(self, low: Any, high: Any) -> Any:
        return low + (high - low) // 2

    def bound_hint(self, value: Any) -> str:
        return f"the bound {show(value)} is not a date written YYYY-MM-DD"

    def default(self, value: Any, check: DefaultCheck) -> Any:
        day = _day(value)
        if day is None:
            raise Problem(
                f"the default {show(value)} is not a date written YYYY-MM-DD, like "
                "'2024-01-01'; or use default_factory: today"
            )
        return day.isoformat()

    def python(self, value: Any, definitions: Definitions) -> serializer.Node:
        day = dt.date.fromisoformat(value)
        return serializer.call("date", *map(serializer.literal, (day.year, day.month, day.day)))

    def key_of(self, text: str) -> Any:
        return text if _day(text) is not None else None

    def key_schema(self) -> dict[str, Any]:
        return {"pattern": anchored(timetext.DATE_TEXT)}

    def factory(self) -> FactoryCode | None:
        return FactoryCode("today", "date.today", (("datetime", "date"),))

    def json_schema(self, definitions: Definitions) -> dict[str, Any]:
        return {"type": "string", "format": "date", "pattern": anchored(timetext.DATE_TEXT)}


class Time(Scalar):
    """A time of day, offset optional, stored as ISO 8601 text."""

    def __str__(self) -> str:
        return "time"

    def imports(self) -> Iterator[Import]:
        yield ("datetime", "time")

    def accepts(self, value: Any, definitions: Definitions) -> bool:
        return _clock(value) is not None

    def candidates(self, name: str, sampler: Sampler, rules: Rules) -> Iterator[Any]:
        styled = {"fixture": "07:08:09", "full": "22:30:05.000123-03:00", "empty": "00:00:00"}
        yield styled[sampler.style]
        for second in range(1, 60):
            yield dt.time(12, 0, second).isoformat()

    def default(self, value: Any, check: DefaultCheck) -> Any:
        clock = _clock(value)
        if clock is None:
            raise Problem(f"the default {show(value)} is not an ISO 8601 time like '07:30:00'")
        return clock.isoformat()

    def python(self, value: Any, definitions: Definitions) -> serializer.Node:
        clock = dt.time.fromisoformat(value)
        parts = [clock.hour, clock.minute, clock.second, clock.microsecond]
        while len(parts) > 2 and not parts[-1]:
            parts.pop()
        arguments: list[serializer.Node] = [serializer.literal(part) for part in parts]
        offset = clock.utcoffset()
        if offset is not None:
            arguments.append(serializer.Prefixed("tzinfo=", _zone(offset)))
        return serializer.call("time", *arguments)

    def value_imports(self, value: Any, definitions: Definitions) -> Iterator[Import]:
        offset = dt.time.fromisoformat(value).utcoffset()
        if offset is not None:
            yield from (("datetime", "UTC"),) if not offset else _ZONE_IMPORTS

    def json_schema(self, definitions: Definitions) -> dict[str, Any]:
        # No `format: time`: RFC 3339's full-time needs the offset this type leaves optional.
        return {"type": "string", "pattern": anchored(timetext.TIME_TEXT)}


class Duration(Ordered, Scalar):
    """A `timedelta`, stored as an ISO 8601 duration in days, hours, minutes and seconds."""

    def __str__(self) -> str:
        return "timedelta"

    def imports(self) -> Iterator[Import]:
        yield ("datetime", "timedelta")

    def accepts(self, value: Any, definitions: Definitions) -> bool:
        return parse_duration(value) is not None

    def order(self, value: Any) -> Any:
        return parse_duration(value)

    def stored(self, ordered: Any) -> Any:
        return durations.format_duration(ordered)

    def preferred(self, name: str, sampler: Sampler) -> Any:
        number = sampler.number()
        return {
            "fixture": dt.timedelta(seconds=number),
            "full": dt.timedelta(days=1, hours=2, minutes=3, seconds=4, microseconds=500_000),
            "empty": dt.timedelta(),
        }[sampler.style]

    def step(self) -> Any:
        return dt.timedelta(seconds=1)

    def bound_hint(self, value: Any) -> str:
        return f"the bound {show(value)} is not an ISO 8601 duration like 'PT30S' or 'P1DT2H'"

    def default(self, value: Any, check: DefaultCheck) -> Any:
        try:
            length = durations.parse_duration(value) if isinstance(value, str) else None
        except OverflowError:
            raise Problem(
                f"the default {show(value)} is out of range: a duration is at most "
                f"{dt.timedelta.max.days} days"
            ) from None
        if length is None:
            raise Problem(
                f"the default {show(value)} is not an ISO 8601 duration in days, hours, "
                "minutes and seconds, like 'PT30S' or 'P1DT2H' (years and months have no "
                "fixed length)"
            )
        return durations.format_duration(length)

    def python(self, value: Any, definitions: Definitions) -> serializer.Node:
        length = parse_duration(value)
        assert length is not None
        return timedelta_call(length)

    def json_schema(self, definitions: Definitions) -> dict[str, Any]:
        return {"type": "string", "pattern": anchored(durations.DURATION_TEXT.pattern)}


def timedelta_call(length: dt.timedelta) -> serializer.Call:
    """`timedelta(hours=1, minutes=30)`: the shortest keywords, each carrying the sign."""
    total = (length.days * 86_400 + length.seconds) * 1_000_000 + length.microseconds
    sign = -1 if total < 0 else 1
    seconds, micros = divmod(abs(total), 1_000_000)
    minutes, second = divmod(seconds, 60)
    hours, minute = divmod(minutes, 60)
    days, hour = divmod(hours, 24)
    units = zip(
        ("days", "hours", "minutes", "seconds", "microseconds"),
        (days, hour, minute, second, micros),
        strict=True,
    )
    arguments = tuple(
        serializer.Prefixed(f"{unit}=", serializer.literal(sign * amount))
        for unit, amount in units
        if amount
    )
    return serializer.Call("timedelta", arguments)


#: What a fixed offset other than UTC needs: `timezone(timedelta(hours=5, minutes=30))`.
_ZONE_IMPORTS: tuple[Import, ...] = (("datetime", "timedelta"), ("datetime", "timezone"))


def _zone(offset: dt.timedelta) -> serializer.Node:
    if not offset:
        return serializer.name("UTC")
    return serializer.call("timezone", timedelta_call(offset))


def _aware(value: Any) -> dt.datetime | None:
    if not isinstance(value, str):
        return None
    try:
        moment = dt.datetime.fromisoformat(value)
    except ValueError:
        return None
    return moment if moment.tzinfo is not None else None


def _day(value: Any) -> dt.date | None:
    if not isinstance(value, str) or not _DATE.fullmatch(value):
        return None
    try:
        return dt.date.fromisoformat(value)
    except ValueError:
        return None


def _clock(value: Any) -> dt.time | None:
    if not isinstance(value, str):
        return None
    try:
        return dt.time.fromisoformat(value)
    except ValueError:
        return None


def _offset_hint(value: Any) -> str:
    if isinstance(value, str):
        try:
            if dt.datetime.fromisoformat(value).tzinfo is None:
                return "; add the offset, e.g. +00:00 for UTC"
        except ValueError:
            pass
    return ""

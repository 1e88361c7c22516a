"""`timedelta` ⇄ ISO 8601 duration text: `PT30S`, `P1DT2H`, `-PT0.5S`."""

import re
from datetime import timedelta

# Days, hours, minutes and seconds only: years and months have no fixed length, so they
# could not come back as the same timedelta. A leading "-" negates the whole duration (the
# ISO 8601-2 extension that Java, .NET and PostgreSQL write too). Component values may
# exceed their usual range ("PT90M") because each has an exact length.
_DURATION = re.compile(
    r"(-)?P(?=[0-9T])(?:([0-9]{1,20})D)?"
    r"(?:T(?=[0-9])(?:([0-9]{1,20})H)?(?:([0-9]{1,20})M)?(?:([0-9]{1,20})(?:\.([0-9]{1,6}))?S)?)?"
)
#: The text form, public: stategen writes it into the JSON Schema of a state file.
DURATION_TEXT = _DURATION


def format_duration(value: timedelta) -> str:
    """The shortest exact form: zero components left out, `PT0S` for no time at all."""
    total = (value.days * 86_400 + value.seconds) * 1_000_000 + value.microseconds
    sign = "-" if total < 0 else ""
    seconds, micros = divmod(abs(total), 1_000_000)
    minutes, second = divmod(seconds, 60)
    hours, minute = divmod(minutes, 60)
    days, hour = divmod(hours, 24)
    clock = f"{hour}H" if hour else ""
    clock += f"{minute}M" if minute else ""
    if second or micros:
        fraction = f".{micros:06d}".rstrip("0") if micros else ""
        clock += f"{second}{fraction}S"
    if not days and not clock:
        return "PT0S"
    return f"{sign}P{f'{days}D' if days else ''}{f'T{clock}' if clock else ''}"


# Parsing one duration costs more than a microsecond, and the same texts come back: in a
# state (a timeout per item) and at each load of it. Each text is parsed once and its
# timedelta, which is immutable, handed out again; past _REMEMBERED texts the memo starts
# over, so that it holds the texts of the states loaded lately, in bounded memory.
_PARSED: dict[str, timedelta] = {}
_REMEMBERED = 4096


def parse_duration(text: str) -> timedelta | None:
    """The timedelta `text` means, or None if it is not a duration this module writes or reads.

    Raises OverflowError beyond timedelta's range (about 2.7 million years).
    """
    known = _PARSED.get(text)
    if known is not None:
        return known
    duration = _parse(text)
    if duration is not None:
        if len(_PARSED) >= _REMEMBERED:
            _PARSED.clear()
        _PARSED[text] = duration
    return duration


def _parse(text: str) -> timedelta | None:
    match = _DURATION.fullmatch(text)
    if match is None:
        return None
    sign, days, hours, minutes, seconds, fraction = match.groups()
    total = int(seconds) if seconds else 0
    total += int(minutes) * 60 if minutes else 0
    total += int(hours) * 3_600 if hours else 0
    # Positional arguments: timedelta's keyword parsing costs more than the rest together.
    duration = timedelta(
        int(days) if days else 0, total, int(fraction.ljust(6, "0")) if fraction else 0
    )
    return -duration if sign else duration

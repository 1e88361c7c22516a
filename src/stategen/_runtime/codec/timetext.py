"""The text forms a date, a date-time and a time are read in, as regular expressions."""

# They are what the state file's JSON Schema says (RFC 3339 for a date and a date-time), so
# they keep to the part of `re` that ECMA 262 reads alike ([0-9], never \d); the library
# writes every value in one of them (`isoformat()`), so each file it wrote reads back.
# Not f-strings: their doubled braces would read as Jinja (the runtime holds none).

import re

_HOUR = "(?:[01][0-9]|2[0-3])"
_SIXTY = ":[0-5][0-9]"
_FRACTION = "(?:\\.[0-9]+)?"
_OFFSET = "[+-]" + _HOUR + _SIXTY
# Seconds in an offset are not RFC 3339, but isoformat() writes them for a zone whose offset
# is not whole minutes (a historical local mean time, such as Amsterdam's before 1937).
_OFFSET_SECONDS = "(?:" + _SIXTY + "(?:\\.[0-9]{6})?)?"

#: A calendar date, YYYY-MM-DD (RFC 3339 full-date).
DATE_TEXT = "[0-9]{4}-(?:0[1-9]|1[0-2])-(?:0[1-9]|[12][0-9]|3[01])"
_MOMENT = DATE_TEXT + "T" + _HOUR + _SIXTY + _SIXTY + _FRACTION

#: An RFC 3339 date-time: "T", seconds, and "Z" or an offset of hours and minutes.
RFC3339_DATETIME_TEXT = _MOMENT + "(?:Z|" + _OFFSET + ")"
#: A date-time as the library reads it: RFC 3339, or an offset with seconds as it writes them.
DATETIME_TEXT = _MOMENT + "(?:Z|" + _OFFSET + _OFFSET_SECONDS + ")"
#: A time of day: hours, then optional minutes, seconds and fraction, then an optional offset.
TIME_TEXT = (
    _HOUR
    + "(?:"
    + _SIXTY
    + "(?:"
    + _SIXTY
    + "(?:[.,][0-9]+)?)?)?(?:Z|"
    + _OFFSET
    + _OFFSET_SECONDS
    + ")?"
)

DATE_FORM = re.compile(DATE_TEXT)
DATETIME_FORM = re.compile(DATETIME_TEXT)
TIME_FORM = re.compile(TIME_TEXT)


def rfc3339_layout(values: list[str]) -> bool:
    """Whether `values`, which `datetime.fromisoformat` reads (aware), are RFC 3339 date-times
    of one length: False sends the caller to the regular expression, value by value.

    A whole list is checked by slicing one column of its joined text at a time, each slice a
    C-speed copy: a list of one length (as the library writes them, or as another program
    does) is thus checked in a fraction of the time a regular expression takes.
    """
    if not values:
        return True
    count = len(values)
    width = len(values[0])
    stride = width + 1
    text = "\n".join(values)
    # Every value is `width` long exactly when the only newlines are the joins, each in place.
    if width < 20 or text.count("\n") != count - 1 or text[width::stride].count("\n") != count - 1:
        return False
    # The date and the clock; fromisoformat has read their digits already.
    for at, mark in _LAYOUT:
        if text[at::stride].count(mark) != count:
            return False
    if text[width - 1 :: stride].count("Z") == count:
        offset = width - 1
    else:
        offset = width - 6
        signs = text[offset::stride]
        minutes = text[width - 2 :: stride]  # fromisoformat reads offset minutes up to 99
        if (
            text[width - 3 :: stride].count(":") != count
            or signs.count("+") + signs.count("-") != count
            or any(digit in minutes for digit in "6789")
        ):
            return False
    fraction = offset - 19
    return fraction == 0 or (fraction > 1 and text[19::stride].count(".") == count)


#: Where a date-time's punctuation is: YYYY-MM-DDTHH:MM:SS.
_LAYOUT = ((4, "-"), (7, "-"), (10, "T"), (13, ":"), (16, ":"))

"""Reading `stategen.yml`: the spec, validated key by key into a `Schema`."""

from ._defaults import from_factory as default_from_factory
from ._defaults import from_value as default_from_value
from ._parse import load_spec, parse_spec
from ._rules import RuleProblem, rules_of, with_rules
from ._source import read_spec_text
from ._types import parse_type

__all__ = [
    "RuleProblem",
    "default_from_factory",
    "default_from_value",
    "load_spec",
    "parse_spec",
    "parse_type",
    "read_spec_text",
    "rules_of",
    "with_rules",
]

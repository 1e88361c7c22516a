"""Reading `stategen.yml`: the spec, validated key by key into a `Schema`."""

from ._parse import load_spec, parse_spec
from ._source import read_spec_text

__all__ = ["load_spec", "parse_spec", "read_spec_text"]

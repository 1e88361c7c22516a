"""Patterns: what Python's `re` and JSON Schema's ECMA 262 read alike, written for both, and
sample text built to match."""

from __future__ import annotations

import json
import re
import shutil
import subprocess

import pytest

from stategen.schema import Problem
from stategen.schema.patterns import Pattern

#: Patterns in the part both dialects share, with texts each must accept and refuse.
SHARED = [
    ("^[a-z0-9-]+$", ["a-b", "x9"], ["", "A", "a b", "a\n"]),
    ("[A-Z]{3}", ["ABC"], ["AB", "ABCD", "abc"]),
    ("(ab|cd)+x?", ["ab", "abcdx"], ["x", "abc"]),
    ("a.c", ["abc", "a-c", "a😀c"], ["a\nc", "ac"]),
    ("[^0-9]*", ["", "abc"], ["a1"]),
    ("[]a]", ["]", "a"], ["b"]),
    ("[a\\-z]", ["-", "a"], ["b"]),
    ("\\$\\{[a-z]+\\}", ["${home}"], ["$home"]),
    ("x{2,}y{,2}z{1}", ["xxz", "xxyyz"], ["xz", "xxyyyz"]),
    ("(?:a|b)(?P<tail>c*)", ["a", "bccc"], ["c"]),
    ("\\x41\\u00e9\\N{SNOWMAN}", ["Aé☃"], ["Ae☃"]),
    ("a{", ["a{"], ["a"]),
    ("[\\t ]+", [" \t"], ["\n"]),
    ("caf\u00e9s?", ["café", "cafés"], ["cafe"]),
    ("a*?b+?c??", ["b", "aabbc"], ["ac"]),
]


class TestBothDialects:
    @pytest.mark.parametrize(("text", "good", "bad"), SHARED)
    def test_python_reads_the_schema_pattern_as_it_reads_its_own(
        self, text: str, good: list[str], bad: list[str]
    ) -> None:
        """The JSON Schema pattern, searched as JSON Schema does, matches what fullmatch does."""
        ecma = Pattern.parse(text).json_schema()
        for sample in good:
            assert re.fullmatch(text, sample), (text, sample)
            assert re.search(ecma, sample), (ecma, sample)
        for sample in bad:
            assert not re.fullmatch(text, sample), (text, sample)
            assert not re.search(ecma, sample), (ecma, sample)  # "a\n" too: no `$` at the end

    @pytest.mark.skipif(shutil.which("node") is None, reason="node (an ECMA 262 engine) missing")
    def test_an_ecma_engine_reads_them_alike(self) -> None:
        """Node's RegExp in Unicode mode (as ajv uses it) agrees on every text above."""
        cases = [
            (Pattern.parse(text).json_schema(), sample, bool(re.fullmatch(text, sample)))
            for text, good, bad in SHARED
            for sample in good + bad
        ]
        script = (
            "const cases = JSON.parse(require('fs').readFileSync(0, 'utf8'));"
            "const wrong = cases.filter(([p, s, want]) => new RegExp(p, 'u').test(s) !== want);"
            "console.log(JSON.stringify(wrong));"
        )
        done = subprocess.run(
            ["node", "-e", script], input=json.dumps(cases), capture_output=True, text=True
        )
        assert done.returncode == 0, done.stderr
        assert json.loads(done.stdout) == []

    def test_the_agreement_check_can_fail(self) -> None:
        """Positive control: Python's own `\\d` is no JSON Schema pattern, as the check shows."""
        assert re.fullmatch(r"\d", "٣") and not re.search(r"^(?:[0-9])$", "٣")


class TestRefused:
    @pytest.mark.parametrize(
        ("text", "fragment"),
        [
            ("[a-", "does not compile"),
            ("\\d+", "write [0-9]"),
            ("\\w", "write the class you mean"),
            ("a\\sb", "different set of spaces"),
            ("\\bword", "word boundary"),
            ("\\Aabc", "leave it out"),
            ("abc\\Z", "leave it out"),
            ("(?i)abc", "inline flags"),
            ("(?=a)a", "lookaround"),
            ("(?<!a)b", "lookaround"),
            ("(a)\\1", "backreference"),
            ("(?P<x>a)(?P=x)", "backreference"),
            ("a*+", "possessive"),
            ("(?>a)", "atomic group"),
            ("(?#note)a", "comment group"),
            ("a^b", "'^' or '$' inside the text"),
            ("(a$)b", "'^' or '$' inside the text"),
            ("\\012", "octal"),
            ("[[:alpha:]]", "later Pythons"),
            ("[a--b]", "escape the character"),
            ("[a[:alpha:]]", "POSIX class"),
        ],
    )
    def test_refused(self, text: str, fragment: str) -> None:
        """What either dialect lacks, or reads otherwise, is refused with what to write."""
        with pytest.raises(Problem) as caught:
            Pattern.parse(text)
        assert fragment in str(caught.value)
        assert "\n" not in str(caught.value)


class TestSamples:
    @pytest.mark.parametrize(("text", "good", "bad"), SHARED)
    @pytest.mark.parametrize("style", ["fixture", "full", "empty"])
    def test_samples_match(self, text: str, good: list[str], bad: list[str], style: str) -> None:
        """Every sample matches, and they differ from each other."""
        samples = list(Pattern.parse(text).samples(0, None, style))[:20]
        assert samples and all(re.fullmatch(text, sample) for sample in samples)
        assert len(set(samples)) == len(samples)

    def test_samples_keep_the_lengths(self) -> None:
        """Lengths narrow the samples: repeats grow to reach the least, stop below the most."""
        pattern = Pattern.parse("[a-z]+(-[a-z]+)*")
        samples = list(pattern.samples(5, 7, "full"))
        assert samples and all(5 <= len(s) <= 7 and pattern.matches(s) for s in samples)

    def test_no_sample_when_none_fits(self) -> None:
        """A pattern no text of those lengths matches gives nothing (and the spec says so)."""
        assert list(Pattern.parse("[a-z]{3}").samples(0, 2, "full")) == []

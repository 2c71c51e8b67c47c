"""compiler/dotenv.py against python-dotenv 1.2.4 (what Motia's `load_dotenv()` uses): each
case's expected values were produced once by `dotenv_values` in /work/ref-motia."""

from __future__ import annotations

import pytest

from compiler import dotenv

# case -> (file text, python-dotenv's values; a bare key, which it maps to None, sets nothing)
CASES: dict[str, tuple[str, dict[str, str]]] = {
    'plain': (
        'A=1\nB = two words \n',
        {'A': '1', 'B': 'two words'},
    ),
    'export': (
        'export TOKEN=abc\n',
        {'TOKEN': 'abc'},
    ),
    'comments': (
        '# a comment\nA=1 # trailing\nB=a#b\n\n   # indented comment\nC=\n',
        {'A': '1', 'B': 'a#b', 'C': ''},
    ),
    'single': (
        "A='literal ${B} \\n'\nB='it\\'s'\n",
        {'A': 'literal  \\n', 'B': "it's"},
    ),
    'double': (
        'A="line\\nnext\\t\\"q\\""\nB="${A}!"\n',
        {'A': 'line\nnext\t"q"', 'B': 'line\nnext\t"q"!'},
    ),
    'multiline': (
        'KEY="first\nsecond"\nNEXT=1\n',
        {'KEY': 'first\nsecond', 'NEXT': '1'},
    ),
    'interpolate': (
        'HOST=localhost\nURL=http://${HOST}:${PORT:-8080}/x\nEMPTY=${NOPE}\n',
        {'EMPTY': '', 'HOST': 'localhost', 'URL': 'http://localhost:8080/x'},
    ),
    'override': (
        'A=1\nA=2\n',
        {'A': '2'},
    ),
    'bare': (
        'JUSTKEY\nA=1\n',
        {'A': '1'},
    ),
    'crlf': (
        'A=1\r\nB=2\r\n',
        {'A': '1', 'B': '2'},
    ),
    'no_final_newline': (
        'A=1\nB=last',
        {'A': '1', 'B': 'last'},
    ),
    'quoted_then_comment': (
        'A="x" # note\nB=\'y\'   \n',
        {'A': 'x', 'B': 'y'},
    ),
    'equals_in_value': (
        'A=a=b=c\n',
        {'A': 'a=b=c'},
    ),
    'dots': (
        'my.key=1\nmy-key=2\n',
        {'my-key': '2', 'my.key': '1'},
    ),
    'empty_quotes': (
        'A=""\nB=\'\'\n',
        {'A': '', 'B': ''},
    ),
}


@pytest.mark.parametrize("case", sorted(CASES))
def test_reads_as_python_dotenv_reads(case: str) -> None:
    text, expected = CASES[case]
    bindings, problems = dotenv.parse(text)
    assert (dotenv.values(bindings, {}), problems) == (expected, ())


def test_expands_from_the_environment_after_the_keys_above_and_uses_defaults() -> None:
    bindings, _ = dotenv.parse("A=${HOME}/x\nB=${A}-${MISSING:-d}\n")
    assert dotenv.values(bindings, {"HOME": "/h", "A": "ignored"}) == {"A": "/h/x", "B": "/h/x-d"}


def test_a_later_file_sees_and_overrides_an_earlier_one() -> None:
    bindings, _ = dotenv.parse("B=${A}2\nA=override\n")
    assert dotenv.values(bindings, {}, {"A": "1"}) == {"A": "override", "B": "12"}


def test_reports_lines_that_are_not_bindings_with_their_line_number() -> None:
    bindings, problems = dotenv.parse("A=1\n= no key\nB=2\n")
    assert [b.key for b in bindings] == ["A", "B"]
    assert problems == (dotenv.LineProblem(2, "= no key"),)

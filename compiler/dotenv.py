"""`.env` files read as python-dotenv reads them (Motia's Python SDK calls `load_dotenv()`).

Lines are `KEY=value`, optionally preceded by `export `; `#` starts a comment line, and in an
unquoted value a ` #` starts a trailing comment. Single-quoted values keep backslashes (only
`\\'` and `\\\\` are escapes); double-quoted values take backslash escapes (`\\n`, `\\t`,
`\\"`...); quoted values may span lines; unquoted values are stripped. `${NAME}` and
`${NAME:-default}` expand in every value, quoted or not (python-dotenv 1.2 does so too), from
the keys above, then from the process environment. A bare `KEY` (no `=`) sets nothing, as
under `load_dotenv()`. tests/compiler/test_dotenv.py holds python-dotenv's answers.
Our own small parser: a dependency would land in the code asset for nothing.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Mapping

_BINDING = re.compile(
    r"""[ \t]*(?:export[ \t]+)?(?P<key>[A-Za-z_][A-Za-z0-9_.\-]*|'[^']*')[ \t]*(?P<eq>=)?[ \t]*""",
)
_SINGLE = re.compile(r"'((?:\\'|[^'])*)'")
_DOUBLE = re.compile(r'"((?:\\"|[^"])*)"', re.DOTALL)
_UNQUOTED = re.compile(r"([^\r\n]*)")
_REST_OF_LINE = re.compile(r"[ \t]*(?:#[^\r\n]*)?(?:\r\n|\n|\r|$)")
_SKIP_LINE = re.compile(r"[^\r\n]*(?:\r\n|\n|\r|$)")
_BLANK_OR_COMMENT = re.compile(r"[ \t]*(?:#[^\r\n]*)?(?:\r\n|\n|\r)")
_VARIABLE = re.compile(r"\$\{(?P<name>[^}:]+)(?::-(?P<default>[^}]*))?\}")
_DOUBLE_ESCAPES = {"n": "\n", "t": "\t", "r": "\r", "\\": "\\", '"': '"', "'": "'", "a": "\a", "b": "\b", "f": "\f", "v": "\v"}


@dataclass(frozen=True)
class Binding:
    """One `KEY=value` line: its value unquoted, before `${...}` expansion."""

    key: str
    value: str
    line: int


@dataclass(frozen=True)
class LineProblem:
    line: int
    text: str


def _unescape_double(text: str) -> str:
    return re.sub(r"\\(.)", lambda m: _DOUBLE_ESCAPES.get(m.group(1), m.group(0)), text, flags=re.DOTALL)


def _unquoted(raw: str) -> str:
    # A `#` after whitespace starts a comment; one inside a word (`a#b`) is part of the value.
    return re.split(r"[ \t]+#", raw, maxsplit=1)[0].strip()


def parse(text: str) -> tuple[tuple[Binding, ...], tuple[LineProblem, ...]]:
    """The bindings of one file, in order, and the lines that are not bindings."""
    bindings: list[Binding] = []
    problems: list[LineProblem] = []
    position = 0
    while position < len(text):
        line = text.count("\n", 0, position) + 1
        blank = _BLANK_OR_COMMENT.match(text, position)
        if blank:
            position = blank.end()
            continue
        match = _BINDING.match(text, position)
        if match is None or match.end() == position:
            skipped = _SKIP_LINE.match(text, position)
            assert skipped is not None  # matches any line, even an empty last one
            if skipped.group().strip() and not skipped.group().strip().startswith("#"):
                problems.append(LineProblem(line, skipped.group().strip()))
            position = max(skipped.end(), position + 1)
            continue
        key = match.group("key").strip("'")
        position = match.end()
        if match.group("eq") is None:  # a bare key: python-dotenv gives it no value
            rest = _REST_OF_LINE.match(text, position)
            if rest is None:
                skipped = _SKIP_LINE.match(text, position)
                assert skipped is not None
                problems.append(LineProblem(line, text[match.start():skipped.end()].strip()))
                position = max(skipped.end(), position + 1)
            else:
                position = rest.end()
            continue
        for pattern, decode in (
            (_SINGLE, lambda s: s.replace("\\'", "'").replace("\\\\", "\\")),
            (_DOUBLE, _unescape_double),
        ):
            quoted = pattern.match(text, position)
            if quoted:
                rest = _REST_OF_LINE.match(text, quoted.end())
                if rest is not None:
                    bindings.append(Binding(key, decode(quoted.group(1)), line))
                    position = rest.end()
                    break
        else:
            raw = _UNQUOTED.match(text, position)
            assert raw is not None
            bindings.append(Binding(key, _unquoted(raw.group(1)), line))
            position = raw.end()
            end = _SKIP_LINE.match(text, position)
            assert end is not None
            position = max(end.end(), position + 1) if position < len(text) else position
    return tuple(bindings), tuple(problems)


def expand(value: str, known: Mapping[str, str], environ: Mapping[str, str]) -> str:
    """`${NAME}` / `${NAME:-default}` from the keys read so far, then the process environment."""

    def replace(match: re.Match[str]) -> str:
        name = match.group("name")
        found = known.get(name, environ.get(name))
        return found if found else (match.group("default") or "")

    return _VARIABLE.sub(replace, value)


def values(bindings: tuple[Binding, ...], environ: Mapping[str, str], start: Mapping[str, str] | None = None) -> dict[str, str]:
    """Each key's final value, later lines winning, expanded in order."""
    known: dict[str, str] = dict(start or {})
    for binding in bindings:
        known[binding.key] = expand(binding.value, known, environ)
    return known

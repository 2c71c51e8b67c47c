"""Text for people: aligned tables and diagnostics, shared by every command."""

from __future__ import annotations

from typing import Iterable, Sequence

from compiler import ir


def table(headers: Sequence[str], rows: Iterable[Sequence[object]], indent: str = "  ") -> list[str]:
    """Left-aligned columns, two spaces apart; the header in capitals."""
    body = [[str(cell) for cell in row] for row in rows]
    widths = [max([len(h)] + [len(r[i]) for r in body]) for i, h in enumerate(headers)]

    def line(cells: Sequence[str]) -> str:
        return (indent + "  ".join(c.ljust(w) for c, w in zip(cells, widths))).rstrip()

    return [line([h.upper() for h in headers])] + [line(r) for r in body]


def format_diagnostic(d: ir.Diagnostic) -> str:
    where = d.file or "project"
    if d.line:
        where += f":{d.line}"
    if d.step:
        where += f" [{d.step}]"
    text = f"{d.severity}: {where}: {d.message}"
    if d.hint:
        text += f"\n    fix: {d.hint}"
    return text


def format_diagnostics(diagnostics: Sequence[ir.Diagnostic]) -> list[str]:
    """Errors, then warnings, each with where, what and the fix; then a count."""
    if not diagnostics:
        return []
    lines = [format_diagnostic(d) for d in diagnostics]
    errors = sum(1 for d in diagnostics if d.severity == "error")
    warnings = len(diagnostics) - errors
    counts = []
    if errors:
        counts.append(f"{errors} error{'s' if errors != 1 else ''}")
    if warnings:
        counts.append(f"{warnings} warning{'s' if warnings != 1 else ''}")
    return lines + ["", " and ".join(counts)]


def plural(count: int, noun: str, nouns: str = "") -> str:
    """`1 route`, `2 routes`; irregular plurals given: plural(n, "delivery", "deliveries")."""
    return f"{count} {noun if count == 1 else nouns or noun + 's'}"

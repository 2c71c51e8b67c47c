"""`data_access.module_facts` remembered by source bytes across runs: the analysis is pure over
a module's source, and parsing and walking every step file was most of a 300-step compile
(0.4 s of 0.6 s profiled). Layout, under the user cache (`default_cache_root()`):

  data-access/<analysis key>.json   {sha256 of a source: [state, streams, parsed, imports]}

The analysis key hashes data_access.py itself: a change to the analysis starts a new file.
A file that cannot be read or written only costs the analysis it would have saved.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
from pathlib import Path
from typing import Any, Iterator

from compiler import data_access
from compiler.atomic_write import write_atomically
from compiler.file_digest import file_digest
from compiler.data_access import FactsOf, ImportRef, ModuleFacts, Usage, module_facts

__all__ = ["FACTS_DIR", "MAX_FACTS", "cached_facts", "facts_file"]

FACTS_DIR = "data-access"
MAX_FACTS = 5000  # sources remembered; a run keeps those it used, then the newest others


def facts_file(cache_root: Path) -> Path:
    """The facts file of the analysis this process runs."""
    analysis = file_digest(Path(data_access.__file__))[:16]
    return cache_root / FACTS_DIR / f"{analysis}.json"


def _encode(facts: ModuleFacts) -> list[Any]:
    return [facts.usage.state, facts.usage.streams, facts.parsed,
            [[r.level, r.module, list(r.names), r.is_from] for r in facts.imports], facts.dynamic]


def _decode(row: Any) -> ModuleFacts:
    state, streams, parsed, imports, dynamic = row
    refs = tuple(ImportRef(int(level), str(module), tuple(str(n) for n in names), bool(is_from))
                 for level, module, names, is_from in imports)
    return ModuleFacts(Usage(int(state), int(streams)), refs, bool(parsed), bool(dynamic))


def _load(path: Path) -> dict[str, Any]:
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    return data if isinstance(data, dict) else {}


def _save(path: Path, rows: dict[str, Any]) -> None:
    write_atomically(path, json.dumps(rows, separators=(",", ":")).encode())


@contextlib.contextmanager
def cached_facts(cache_root: Path) -> Iterator[FactsOf]:
    """`module_facts` looked up by the source's hash first; what was computed is saved on exit."""
    path = facts_file(cache_root)
    known = _load(path)
    used: dict[str, Any] = {}
    computed = False

    def facts_of(source: bytes) -> ModuleFacts:
        nonlocal computed
        digest = hashlib.sha256(source).hexdigest()
        row = known.get(digest)
        if row is not None:
            try:
                facts = _decode(row)
                used[digest] = row
                return facts
            except (ValueError, TypeError):
                pass  # a damaged row: analysed again below
        facts = module_facts(source)
        used[digest] = _encode(facts)
        computed = True
        return facts

    yield facts_of
    if computed:
        room = MAX_FACTS - len(used)
        others = [(d, row) for d, row in known.items() if d not in used]
        _save(path, {**dict(others[-room:] if room > 0 else []), **used})  # dicts keep insertion order

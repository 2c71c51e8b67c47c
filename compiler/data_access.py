"""Which tables a step's code uses, and how: static analysis of its handler module (issue 10.7).

The grants follow (compiler/emit/functions.py): no access, read only, or read and write, per
table. The analysis is conservative: whatever it cannot follow counts as read and write on
both tables (`getattr`, `eval`, the state or a stream object handed on, a project module it
cannot find). It reads the step file and, transitively, the project's own modules it imports:
a helper that receives `ctx` and writes state gives the step write access.

Code the analysis cannot see (a module outside the project handed `ctx`) is declared in the
step file: `MOTIA_DATA_ACCESS = {"state": "read", "streams": "readwrite"}` adds to what is found.
"""

from __future__ import annotations

import ast
import dataclasses
import functools
from dataclasses import dataclass
from pathlib import Path
from typing import Callable, Mapping, Sequence

from compiler import ir

READ_METHODS = frozenset({"get", "list", "get_group", "list_groups"})
WRITE_METHODS = frozenset({"set", "update", "delete", "clear"})
# Calls that can reach any attribute or run any code: nothing can be concluded after them.
DYNAMIC_CALLS = frozenset({"getattr", "setattr", "eval", "exec", "__import__", "vars", "globals"})
# motia names that are the state or a stream themselves (not trigger builders).
DATA_OBJECT_NAMES = frozenset({"Stream", "StateManager", "stateManager", "state_manager"})
STATE_OBJECT_NAMES = frozenset({"StateManager", "stateManager", "state_manager"})

Level = int  # 0 none, 1 read, 2 read and write: the join of two uses is their max
NONE, READ, WRITE = 0, 1, 2
LEVEL_NAMES = {NONE: "none", READ: "read", WRITE: "readwrite"}
# Names through which code imports or runs modules the import statements do not show.
DYNAMIC_IMPORT_NAMES = frozenset({"__import__", "import_module", "exec", "eval", "run_path", "run_module",
                                  "spec_from_file_location", "exec_module", "load_module", "reload"})
DECLARATION = "MOTIA_DATA_ACCESS"  # module-level dict literal: table kind -> "read" | "readwrite"


@dataclass(frozen=True)
class Usage:
    """Access levels found so far; `Usage.join` keeps the larger of each."""

    state: Level = NONE
    streams: Level = NONE

    def join(self, other: Usage) -> Usage:
        return Usage(max(self.state, other.state), max(self.streams, other.streams))


EVERYTHING = Usage(WRITE, WRITE)


def method_level(method: str) -> Level:
    if method in READ_METHODS:
        return READ
    return WRITE  # a write, or a method we do not know: assume the worst


def parents_of(nodes: Sequence[ast.AST]) -> dict[ast.AST, ast.AST]:
    return {child: node for node in nodes for child in ast.iter_child_nodes(node)}


def use_level(node: ast.AST, parents: dict[ast.AST, ast.AST]) -> Level:
    """How the state or stream object `node` is used: `.get(...)` reads, anything else may write."""
    parent = parents.get(node)
    if isinstance(parent, ast.Attribute) and parent.value is node:
        return method_level(parent.attr)
    return WRITE


def called_name(call: ast.Call) -> str:
    """`f` of `f(...)` or `m.f(...)`; empty for other callees."""
    func = call.func
    return func.id if isinstance(func, ast.Name) else func.attr if isinstance(func, ast.Attribute) else ""


def imported_aliases(nodes: Sequence[ast.AST], names: frozenset[str]) -> set[str]:
    """Local names that `from ... import X as Y` binds to one of `names` (Y, or X unaliased)."""
    return {alias.asname or alias.name for node in nodes if isinstance(node, ast.ImportFrom)
            for alias in node.names if alias.name in names}


def stream_object_names(nodes: Sequence[ast.AST]) -> set[str]:
    """Names bound to `Stream(...)` (or another motia data object) anywhere in the module."""
    constructors = DATA_OBJECT_NAMES | imported_aliases(nodes, DATA_OBJECT_NAMES)
    names: set[str] = set()
    for node in nodes:
        if isinstance(node, (ast.Assign, ast.AnnAssign)) and isinstance(node.value, ast.Call):
            if called_name(node.value) in constructors:
                targets = node.targets if isinstance(node, ast.Assign) else [node.target]
                names |= {t.id for t in targets if isinstance(t, ast.Name)}
    return names


def module_usage(nodes: Sequence[ast.AST]) -> Usage:
    """The access one module's code makes through `ctx.state`, `ctx.streams` and `Stream`s."""
    parents = parents_of(nodes)
    streams_objects = stream_object_names(nodes)
    state_objects = STATE_OBJECT_NAMES | imported_aliases(nodes, STATE_OBJECT_NAMES)
    stream_constructors = {"Stream"} | imported_aliases(nodes, frozenset({"Stream"}))
    usage = Usage()
    for node in nodes:
        if isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and node.func.id in DYNAMIC_CALLS:
            return EVERYTHING
        if isinstance(node, ast.Attribute) and node.attr == "state":
            usage = usage.join(Usage(state=use_level(node, parents)))
        elif isinstance(node, ast.Attribute) and node.attr == "streams":
            # ctx.streams.<name>.<method>: the method decides; anything else may write.
            parent = parents.get(node)
            level = use_level(parent, parents) if isinstance(parent, ast.Attribute) else WRITE
            usage = usage.join(Usage(streams=level))
        elif isinstance(node, ast.Name) and node.id in streams_objects and not isinstance(node.ctx, ast.Store):
            usage = usage.join(Usage(streams=use_level(node, parents)))
        elif isinstance(node, ast.Name) and node.id in state_objects:
            usage = usage.join(Usage(state=WRITE))
        elif isinstance(node, ast.Attribute) and node.attr in STATE_OBJECT_NAMES:  # motia.stateManager
            usage = usage.join(Usage(state=WRITE))
        elif isinstance(node, ast.Call) and called_name(node) in stream_constructors \
                and not isinstance(parents.get(node), (ast.Assign, ast.AnnAssign)):
            usage = usage.join(Usage(streams=WRITE))  # Stream("x").set(...) or handed on
    return usage


def declared_usage(tree: ast.AST) -> Usage:
    """What a module-level `MOTIA_DATA_ACCESS = {...}` declares; anything but literals: everything."""
    levels = {name: level for level, name in LEVEL_NAMES.items()}
    usage = Usage()
    for node in getattr(tree, "body", []):
        targets = node.targets if isinstance(node, ast.Assign) else [node.target] if isinstance(node, ast.AnnAssign) else []
        if not any(isinstance(t, ast.Name) and t.id == DECLARATION for t in targets):
            continue
        try:
            declared = ast.literal_eval(node.value) if node.value is not None else None
        except ValueError:
            return EVERYTHING
        if not isinstance(declared, dict):
            return EVERYTHING
        for kind, level in declared.items():
            if kind not in ("state", "streams") or level not in levels:
                return EVERYTHING
            usage = usage.join(Usage(**{kind: levels[level]}))
    return usage


@dataclass(frozen=True)
class ImportRef:
    """One import statement's target as written: `from ..m import a, b` is (2, "m", ("a", "b"), True)."""

    level: int  # leading dots of a relative import; 0 for absolute
    module: str  # "" for `from . import x`
    names: tuple[str, ...]  # the names a `from` import takes
    is_from: bool


def import_refs(nodes: Sequence[ast.AST]) -> tuple[ImportRef, ...]:
    """Every import of the module, in the order `ast.walk` meets them (nested ones too)."""
    refs: list[ImportRef] = []
    for node in nodes:
        if isinstance(node, ast.ImportFrom) and (node.level > 0 or node.module):
            refs.append(ImportRef(node.level, node.module or "", tuple(a.name for a in node.names), True))
        elif isinstance(node, ast.Import):
            refs += [ImportRef(0, alias.name, (), False) for alias in node.names]
    return tuple(refs)


IsFile = Callable[[Path], bool]


def imported_modules(refs: tuple[ImportRef, ...], file: Path, root: Path,
                     is_file: IsFile = Path.is_file) -> tuple[list[Path], bool]:
    """Project files `refs` (of `file`) import, and whether some project import could not be found."""
    found: list[Path] = []
    unresolved = False
    for ref in refs:
        if ref.level > 0:
            base = file.parent
            for _ in range(ref.level - 1):
                base = base.parent
            parts = ref.module.split(".") if ref.module else []
            candidates = [base.joinpath(*parts, name) for name in ref.names] + [base.joinpath(*parts)]
            hits = [p for c in candidates for p in module_files(c, is_file)]
            unresolved |= not hits
            found += hits
            continue
        names = [ref.module] + [f"{ref.module}.{name}" for name in ref.names]
        # Absolute imports of the project's own modules (from the root or the step's folder).
        for name in names:
            for base in (root, file.parent):
                found += module_files(base.joinpath(*name.split(".")), is_file)
    return found, unresolved


def module_files(path: Path, is_file: IsFile = Path.is_file) -> list[Path]:
    """`path.py` or the package `path/__init__.py`, if it exists."""
    return [p for p in (Path(f"{path}.py"), path / "__init__.py") if is_file(p)]


@dataclass(frozen=True)
class ModuleFacts:
    """What one module's source says, whatever its path: the access its code makes (with its
    declaration) and its imports. `parsed` False: unreadable as Python, which means everything."""

    usage: Usage
    imports: tuple[ImportRef, ...]
    parsed: bool = True
    dynamic: bool = False  # names an import or run of modules by value (`import_module`, `exec`, ...)


def module_facts(source: bytes) -> ModuleFacts:
    """The facts of a module's source: a pure function of its bytes (cached by them, see
    `compiler.data_access_cache`); the file's path only matters to resolve its imports."""
    try:
        tree = ast.parse(source.decode("utf-8"))
    except (SyntaxError, UnicodeDecodeError, ValueError, RecursionError):
        return ModuleFacts(EVERYTHING, (), parsed=False)
    nodes = list(ast.walk(tree))  # walked once, read by each rule: `ast.walk` is most of the analysis
    return ModuleFacts(module_usage(nodes).join(declared_usage(tree)), import_refs(nodes),
                       dynamic=imports_dynamically(nodes))


def imports_dynamically(nodes: Sequence[ast.AST]) -> bool:
    """Does the module name a way to import or run code by value? Then the modules it reaches
    are not all in its import statements."""
    return any((isinstance(node, ast.Name) and node.id in DYNAMIC_IMPORT_NAMES)
               or (isinstance(node, ast.Attribute) and node.attr in DYNAMIC_IMPORT_NAMES)
               for node in nodes)


FactsOf = Callable[[bytes], ModuleFacts]


@dataclass(frozen=True)
class Reach:
    """A step file and the project modules it imports, transitively, by its import statements.

    `complete` False: some module imports by value, cannot be parsed or read, or has a relative
    import that names no file, so other project modules may be reached too (`usage` is then
    everything, as the analysis cannot follow)."""

    files: frozenset[Path]  # resolved, the step file included
    usage: Usage
    complete: bool


def reach_of(step_file: Path, root: Path, facts_of: FactsOf = module_facts, is_file: IsFile = Path.is_file) -> Reach:
    """What `step_file` reaches among the project's modules, and the usage of all of them; `is_file`
    answers whether a candidate module exists (`Path.is_file`, or a memo of it for one run)."""
    usage = Usage()
    complete = True
    seen: set[Path] = set()
    pending = [step_file.resolve()]
    while pending:
        file = pending.pop()
        if file in seen:
            continue
        seen.add(file)
        try:
            facts = facts_of(file.read_bytes())
        except OSError:
            usage, complete = EVERYTHING, False
            continue
        if not facts.parsed:
            usage, complete = EVERYTHING, False
            continue
        complete = complete and not facts.dynamic
        usage = usage.join(facts.usage)
        modules, unresolved = imported_modules(facts.imports, file, root, is_file)
        if unresolved:
            usage, complete = EVERYTHING, False
        pending += [m.resolve() for m in modules if root in m.resolve().parents]
    return Reach(frozenset(seen), usage, complete)


def file_usage(step_file: Path, root: Path, facts_of: FactsOf = module_facts, is_file: IsFile = Path.is_file) -> Usage:
    """Union of the usage of the step file and of every project module it reaches."""
    return reach_of(step_file, root, facts_of, is_file).usage


def function_access(usage: Usage) -> tuple[tuple[ir.TableKind, str], ...]:
    """The IR form: (table kind, "read" | "readwrite") for each table used."""
    pairs: list[tuple[ir.TableKind, Level]] = [("state", usage.state), ("streams", usage.streams)]
    return tuple((kind, LEVEL_NAMES[level]) for kind, level in pairs if level != NONE)


def reaches_of(root: Path, files: Sequence[str], facts_of: FactsOf = module_facts) -> dict[str, Reach]:
    """`reach_of` each file (POSIX, relative to `root`, resolved), by file."""
    # Step files of one folder try the same candidates (`motia.py`, `motia/__init__.py`, ...):
    # asked once each, not once per step file (3,600 stats for 300 steps).
    is_file = functools.lru_cache(maxsize=None)(Path.is_file)
    return {file: reach_of(root / file, root, facts_of, is_file) for file in files}


def with_data_access(app: ir.Application, reaches: Mapping[str, Reach]) -> ir.Application:
    """`app` with each function's `data_access` found in its step file (and project imports):
    `reaches` holds `reaches_of` every function's file."""
    functions = tuple(dataclasses.replace(fn, data_access=function_access(reaches[fn.file].usage))
                      for fn in app.functions)
    return dataclasses.replace(app, functions=functions)

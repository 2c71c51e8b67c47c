"""`motia/` is a DAG: no module imports, even under TYPE_CHECKING, one that imports it back.

A cycle held apart only by `if TYPE_CHECKING:` breaks the day one side moves to run time,
and on the Lambda cold path that day comes (a lazy import made eager to save a lookup). The
graph is read from the source with `ast`, so it sees every import: module level, inside
functions and TYPE_CHECKING blocks, absolute and relative.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

from tests.compiler.projects import write_files

MOTIA = Path(__file__).resolve().parents[2] / "motia"


def module_names(package_dir: Path, package: str) -> dict[str, Path]:
    """Every module of the package (the package itself for `__init__.py`), by dotted name."""
    names: dict[str, Path] = {}
    for path in sorted(package_dir.rglob("*.py")):
        parts = [package, *path.relative_to(package_dir).with_suffix("").parts]
        if parts[-1] == "__init__":
            parts.pop()
        names[".".join(parts)] = path
    return names


def _resolve(name: str, modules: dict[str, Path]) -> str | None:
    """The longest prefix of `name` that is a module of the package (`motia.types.X` -> `motia.types`)."""
    parts = name.split(".")
    while parts:
        candidate = ".".join(parts)
        if candidate in modules:
            return candidate
        parts.pop()
    return None


def _imported(node: ast.Import | ast.ImportFrom, importer: str, is_package: bool, modules: dict[str, Path]) -> set[str]:
    if isinstance(node, ast.Import):
        targets = [alias.name for alias in node.names]
    else:
        base = node.module or ""
        if node.level:
            # A module's `.` is its package; a package's `.` is itself.
            anchor = importer.split(".")
            anchor = anchor[: len(anchor) - node.level + (1 if is_package else 0)]
            base = ".".join([*anchor, *([base] if base else [])])
        # `from motia import runtime` imports the submodule `motia.runtime`.
        targets = [f"{base}.{alias.name}" if f"{base}.{alias.name}" in modules else base for alias in node.names]
    found = {_resolve(target, modules) for target in targets}
    return {name for name in found if name is not None and name != importer}


def import_graph(package_dir: Path, package: str) -> dict[str, set[str]]:
    """Each module of the package and the package's modules it imports, anywhere in its source."""
    modules = module_names(package_dir, package)
    graph: dict[str, set[str]] = {}
    for name, path in modules.items():
        tree = ast.parse(path.read_text(), filename=str(path))
        is_package = path.name == "__init__.py"
        graph[name] = set()
        for node in ast.walk(tree):
            if isinstance(node, (ast.Import, ast.ImportFrom)):
                graph[name] |= _imported(node, name, is_package, modules)
    return graph


def find_cycle(graph: dict[str, set[str]]) -> list[str] | None:
    """One import cycle as a path that ends where it starts, or None for a DAG."""
    done: set[str] = set()

    def visit(node: str, path: list[str]) -> list[str] | None:
        if node in path:
            return path[path.index(node):] + [node]
        if node in done:
            return None
        for target in sorted(graph.get(node, ())):
            cycle = visit(target, [*path, node])
            if cycle:
                return cycle
        done.add(node)
        return None

    for start in sorted(graph):
        cycle = visit(start, [])
        if cycle:
            return cycle
    return None


def documented_layers(package_init: Path) -> list[list[str]]:
    """The `Layers: a, b < c < ...` line of the package docstring, as lists of module names."""
    docstring = ast.get_docstring(ast.parse(package_init.read_text())) or ""
    joined = " ".join(docstring.split())
    start = joined.find("Layers")
    assert start >= 0, f"{package_init}: the docstring has no 'Layers ...:' line"
    text = joined[joined.index(":", start) + 1:].split(".", 1)[0]
    return [[name.strip() for name in layer.split(",")] for layer in text.split("<")]


def test_motia_has_no_import_cycle() -> None:
    cycle = find_cycle(import_graph(MOTIA, "motia"))
    assert cycle is None, (
        f"import cycle in motia/: {' -> '.join(cycle or [])}; move what both sides need into a "
        "lower module, or type the parameter Any, so every module imports only from layers below it"
    )


def test_motia_layers_in_the_docstring_match_the_imports() -> None:
    graph = import_graph(MOTIA, "motia")
    layers = documented_layers(MOTIA / "__init__.py")
    layer_of = {f"motia.{name}": index for index, layer in enumerate(layers) for name in layer}
    unlisted = sorted(set(graph) - set(layer_of) - {"motia"})
    assert not unlisted, f"motia/__init__.py: add {unlisted} to the 'Layers' line of the docstring"
    upward = sorted(
        f"{importer} imports {target}"
        for importer, targets in graph.items() if importer in layer_of
        for target in targets if layer_of.get(target, -1) >= layer_of[importer]
    )
    assert not upward, f"motia/__init__.py's 'Layers' line says otherwise: {upward}"


def test_motia_modules_import_submodules_not_the_lazy_package() -> None:
    """`from motia import step` inside motia/ would run the lazy table of __init__: a hidden edge."""
    graph = import_graph(MOTIA, "motia")
    assert [name for name, targets in graph.items() if "motia" in targets] == []


def test_fails_on_a_cycle_hidden_under_type_checking_and_relative_imports(tmp_path: Path) -> None:
    package = write_files(tmp_path / "pkg", {
        "__init__.py": "",
        "a.py": "from pkg.b import B\n",
        "b.py": "TYPE_CHECKING = False\nif TYPE_CHECKING:\n    from .sub import c\nB = 1\n",
        "sub/__init__.py": "",
        "sub/c.py": "def f():\n    from .. import a\n",
    })
    graph = import_graph(package, "pkg")
    assert graph == {"pkg": set(), "pkg.a": {"pkg.b"}, "pkg.b": {"pkg.sub.c"}, "pkg.sub": set(), "pkg.sub.c": {"pkg.a"}}
    assert find_cycle(graph) == ["pkg.a", "pkg.b", "pkg.sub.c", "pkg.a"]


def test_finds_no_cycle_in_a_diamond(tmp_path: Path) -> None:
    package = write_files(tmp_path / "pkg", {
        "__init__.py": "",
        "leaf.py": "import os\n",
        "left.py": "import pkg.leaf\n",
        "right.py": "from pkg import leaf\n",
        "top.py": "from pkg import left, right\n",
    })
    assert find_cycle(import_graph(package, "pkg")) is None


def test_reads_the_layers_line_of_a_package_docstring(tmp_path: Path) -> None:
    package = write_files(tmp_path / "pkg", {"__init__.py": '"""Pkg.\n\nLayers (low first): a, b <\n c.\n"""\n'})
    assert documented_layers(package / "__init__.py") == [["a", "b"], ["c"]]


def test_fails_when_the_package_docstring_has_no_layers_line(tmp_path: Path) -> None:
    package = write_files(tmp_path / "pkg", {"__init__.py": '"""No layering written down."""\n'})
    with pytest.raises(AssertionError, match="no 'Layers"):
        documented_layers(package / "__init__.py")

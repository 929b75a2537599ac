"""The import graph inside ``cleaner/`` has no cycle: not at module level, not hidden in a
function, not under ``TYPE_CHECKING``. Layers point one way (sources -> pipeline -> rules/html ->
model), so a module never needs a late import to dodge one.

An edge goes from a module to each module it names in an import (``from .x import y`` names
``x``, or ``x.y`` when that is a module); the parent packages Python runs on the way are not
edges, so a package's ``__init__`` may re-export what its own modules define.
"""

from __future__ import annotations

import ast
from pathlib import Path

PACKAGE = Path(__file__).resolve().parents[1] / "cleaner"


def module_name(path: Path) -> str:
    parts = path.relative_to(PACKAGE.parent).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def modules() -> dict[str, Path]:
    return {module_name(path): path for path in sorted(PACKAGE.rglob("*.py"))}


def imported(name: str, path: Path, known: dict[str, Path]) -> set[str]:
    """The ``cleaner`` modules one module imports, wherever the import statement stands."""
    package = name if path.name == "__init__.py" else name.rpartition(".")[0]
    out: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            targets = [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                anchor = package.split(".")[: len(package.split(".")) - node.level + 1]
                base = ".".join([*anchor, *([base] if base else [])])
            targets = [f"{base}.{alias.name}" if f"{base}.{alias.name}" in known else base
                       for alias in node.names]
        else:
            continue
        out.update(t for t in targets if t in known and t != name)
    return out


def find_cycle(graph: dict[str, set[str]]) -> list[str] | None:
    """One cycle (its modules in import order, the first repeated at the end), or None."""
    state: dict[str, int] = {}  # 1: on the current path, 2: done
    path: list[str] = []

    def visit(node: str) -> list[str] | None:
        state[node] = 1
        path.append(node)
        for nxt in sorted(graph[node]):
            if state.get(nxt) == 1:
                return [*path[path.index(nxt):], nxt]
            if nxt not in state and (found := visit(nxt)):
                return found
        path.pop()
        state[node] = 2
        return None

    for start in sorted(graph):
        if start not in state and (found := visit(start)):
            return found
    return None


def import_graph() -> dict[str, set[str]]:
    known = modules()
    return {name: imported(name, path, known) for name, path in known.items()}


def test_the_walk_sees_imports_in_functions_and_relative_ones() -> None:
    graph = import_graph()
    assert "cleaner._pipeline" in graph["cleaner.fetch._clean"]  # module level, two dots
    assert "cleaner.fetch._run" in graph["cleaner.fetch"]  # inside a function
    assert find_cycle({"a": {"b"}, "b": {"c"}, "c": {"a"}}) == ["a", "b", "c", "a"]
    assert find_cycle({"a": {"b"}, "b": set()}) is None


def test_no_import_cycle_inside_cleaner() -> None:
    cycle = find_cycle(import_graph())
    assert cycle is None, "import cycle: " + " -> ".join(cycle or ())


def test_packages_point_one_way() -> None:
    """With each package taken as one node (``cleaner.rules._match`` is ``rules``), still no
    cycle: ``html`` may use ``rules``, never the other way round."""
    layers: dict[str, set[str]] = {}
    for name, targets in import_graph().items():
        node = name.split(".")[1] if "." in name else name
        layers.setdefault(node, set())
        layers[node] |= {t.split(".")[1] for t in targets if t.split(".")[1] != node}
    for targets in list(layers.values()):
        for target in targets:
            layers.setdefault(target, set())
    cycle = find_cycle(layers)
    assert cycle is None, "packages import each other: " + " -> ".join(cycle or ())

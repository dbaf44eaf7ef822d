"""The package's imports run one way: core <- data <- training, faces, provenance <- registry <- swap <- detect
<- zoo <- lab <- forensics <- lessons <- the shells (demo, cli). No module imports a higher layer, not
even inside a function, and no modules import each other in a loop.

``python -m tests.test_layers`` prints the counts (for notes and reviews).
"""

from __future__ import annotations

import ast
from pathlib import Path

PACKAGE = Path(__file__).resolve().parents[1] / "deepfake_edu"

# Each top-level module or sub-package of deepfake_edu, by layer: a module may import its own
# layer's core and anything in a lower layer. Siblings in one layer do not import each other.
LAYERS = [
    {"__init__", "errors", "fileio", "paths", "lazy", "cli_types"},
    {"data"},
    {"training", "faces", "provenance"},
    {"registry"},  # builds and loads every model by name: above the checkpoints, below the models
    {"swap"},
    {"detect"},
    {"zoo"},  # the shipped models: made by swap's and detect's recipes, installed by the lab
    {"lab"},
    {"forensics"},
    {"lessons"},
    {"demo", "cli", "__main__"},  # the shells: they wire the library and hold no logic
]
LAYER_OF = {name: level for level, names in enumerate(LAYERS) for name in names}
OPEN_LAYERS = {0, len(LAYERS) - 1}  # the core's modules may use each other, and so may the shells


def module_name(path: Path) -> str:
    parts = path.relative_to(PACKAGE.parent).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def imports_of(path: Path) -> set[str]:
    """Every deepfake_edu module ``path`` imports, at the top or inside a function."""
    found = set()
    tree = ast.parse(path.read_text(encoding="utf-8"))
    package = module_name(path) if path.name == "__init__.py" else module_name(path).rpartition(".")[0]
    for node in ast.walk(tree):  # imports only for type checkers run nothing: leave them out
        if isinstance(node, ast.If) and "TYPE_CHECKING" in ast.unparse(node.test):
            node.body = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found |= {alias.name for alias in node.names if alias.name.startswith("deepfake_edu")}
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                base = ".".join(package.split(".")[: len(package.split(".")) - node.level + 1] + ([base] if base else []))
            if base.startswith("deepfake_edu"):
                modules = {f"{base}.{alias.name}" for alias in node.names}
                found |= {m for m in modules if _exists(m)} or {base}
    return found


def _exists(name: str) -> bool:
    relative = Path(*name.split(".")[1:])
    return (PACKAGE / relative).with_suffix(".py").is_file() or (PACKAGE / relative / "__init__.py").is_file()


def graph() -> dict[str, set[str]]:
    edges = {}
    for path in sorted(PACKAGE.rglob("*.py")):
        name = module_name(path)
        edges[name] = {m for m in imports_of(path) if m != name}
    return edges


def top(name: str) -> str:
    parts = name.split(".")
    return parts[1] if len(parts) > 1 else "__init__"


def upward_imports(edges: dict[str, set[str]]) -> list[tuple[str, str]]:
    wrong = []
    for source, targets in edges.items():
        for target in targets:
            a, b = top(source), top(target)
            if a == b or (LAYER_OF[a] == LAYER_OF[b] and LAYER_OF[a] in OPEN_LAYERS):
                continue
            if LAYER_OF[b] >= LAYER_OF[a]:
                wrong.append((source, target))
    return sorted(wrong)


def import_loops(edges: dict[str, set[str]]) -> list[list[str]]:
    """The strongly connected groups of two or more modules (Tarjan), each a loop of imports.

    A package's __init__ importing its own modules (lazily or not) is not a loop."""
    def children(name):
        return {t for t in edges.get(name, ()) if t in edges and not (name.startswith(t + ".") or t.startswith(name + "."))}

    index, low, on_stack, stack, groups = {}, {}, set(), [], []

    def visit(node):
        index[node] = low[node] = len(index)
        stack.append(node)
        on_stack.add(node)
        for child in children(node):
            if child not in index:
                visit(child)
                low[node] = min(low[node], low[child])
            elif child in on_stack:
                low[node] = min(low[node], index[child])
        if low[node] == index[node]:
            group = []
            while True:
                member = stack.pop()
                on_stack.discard(member)
                group.append(member)
                if member == node:
                    break
            if len(group) > 1:
                groups.append(sorted(group))

    for node in sorted(edges):
        if node not in index:
            visit(node)
    return groups


def test_every_module_has_a_layer():
    assert {top(name) for name in graph()} <= set(LAYER_OF)


def test_no_module_imports_a_higher_layer():
    wrong = upward_imports(graph())
    assert not wrong, "imports against the layers:\n" + "\n".join(f"{a} -> {b}" for a, b in wrong)


def test_no_import_loops():
    loops = import_loops(graph())
    assert not loops, "import loops:\n" + "\n".join(" <-> ".join(group) for group in loops)


if __name__ == "__main__":
    edges = graph()
    wrong, loops = upward_imports(edges), import_loops(edges)
    print(f"modules: {len(edges)}; imports against the layers: {len(wrong)}; import loops: {len(loops)}")
    for a, b in wrong:
        print(f"  up: {a} -> {b}")
    for group in loops:
        print(f"  loop: {' <-> '.join(group)}")

"""Modules import downward only: no import cycle among app/ and session_engine/ (counting
imports inside functions too, which is how a cycle hides), and no import of our own modules
inside a function, which is what a module that wants splitting reaches for.

Third-party imports inside a function are allowed: they cannot close a cycle, and they keep
heavy or optional libraries (numpy, redis, WeasyPrint) out of start-up until they are used.
`app/cli.py` may import the web app and the report writer lazily: `versnellingskamer backup`
or `check-content` should not load FastAPI, Jinja2 and every route first."""

from __future__ import annotations

import ast
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
LAYERS = ("app", "session_engine")
LAZY_ALLOWED = {"app.cli"}


def module_name(path: Path) -> str:
    parts = list(path.relative_to(ROOT).with_suffix("").parts)
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def modules() -> dict[str, Path]:
    return {module_name(p): p for layer in LAYERS for p in (ROOT / layer).rglob("*.py")}


def imported(node: ast.Import | ast.ImportFrom, name: str, path: Path) -> list[str]:
    """The modules an import statement names, relative imports resolved."""
    if isinstance(node, ast.Import):
        return [alias.name for alias in node.names]
    package = name if path.name == "__init__.py" else name.rpartition(".")[0]
    if node.level:
        parts = package.split(".")
        base = ".".join(parts[: len(parts) - node.level + 1])
        target = f"{base}.{node.module}" if node.module else base
    else:
        target = node.module or ""
    # `from package import module` names a module too
    return [target] + [f"{target}.{alias.name}" for alias in node.names]


def own(target: str, known: dict[str, Path]) -> str | None:
    """The module of ours an import reaches (the module itself, or its package)."""
    while target and target not in known:
        target = target.rpartition(".")[0]
    return target or None


def imports_of(name: str, path: Path, known: dict[str, Path]) -> list[tuple[str, bool, int]]:
    """(module of ours, inside a function?, line) for every import in the file."""
    found: list[tuple[str, bool, int]] = []

    def visit(node: ast.AST, in_function: bool) -> None:
        for child in ast.iter_child_nodes(node):
            if isinstance(child, ast.Import | ast.ImportFrom):
                reached = {own(target, known) for target in imported(child, name, path)}
                for module in sorted(m for m in reached if m is not None and m != name):
                    found.append((module, in_function, child.lineno))
            inner = in_function or isinstance(child, ast.FunctionDef | ast.AsyncFunctionDef)
            visit(child, inner)

    visit(ast.parse(path.read_text(), str(path)), False)
    return found


def graph() -> dict[str, set[str]]:
    known = modules()
    edges: dict[str, set[str]] = {name: set() for name in known}
    for name, path in known.items():
        for module, _, _ in imports_of(name, path, known):
            edges[name].add(module)
    return edges


def find_cycle(edges: dict[str, set[str]]) -> list[str] | None:
    state: dict[str, int] = {}  # 1: on the current path, 2: done
    path: list[str] = []

    def visit(node: str) -> list[str] | None:
        state[node] = 1
        path.append(node)
        for nxt in sorted(edges[node]):
            if state.get(nxt) == 1:
                return [*path[path.index(nxt) :], nxt]
            if nxt not in state and (cycle := visit(nxt)):
                return cycle
        path.pop()
        state[node] = 2
        return None

    for node in sorted(edges):
        if node not in state and (cycle := visit(node)):
            return cycle
    return None


def test_no_import_cycle() -> None:
    cycle = find_cycle(graph())
    assert cycle is None, "import cycle: " + " → ".join(cycle or [])


def test_no_import_of_our_own_modules_inside_a_function() -> None:
    known = modules()
    lazy = [
        f"{known[name].relative_to(ROOT)}:{line} imports {module}"
        for name in sorted(known)
        if name not in LAZY_ALLOWED
        for module, in_function, line in imports_of(name, known[name], known)
        if in_function
    ]
    assert lazy == []


def test_the_checks_see_a_cycle_through_a_function(tmp_path: Path) -> None:
    """The graph counts an import inside a function: a → b at the top, b → a inside one."""
    edges = {"a": {"b"}, "b": {"a"}, "c": {"a"}}
    assert find_cycle(edges) == ["a", "b", "a"]
    module = tmp_path / "b.py"
    module.write_text("def f():\n    from .a import x\n")
    tree_imports = imports_of("pkg.b", module, {"pkg.a": module, "pkg.b": module})
    assert tree_imports == [("pkg.a", True, 2)]

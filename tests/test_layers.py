"""app/ only translates HTTP and WebSocket to engine calls: it never queries tables itself.
Every read of the database is an engine query (session_engine/), so the rules of who sees
what live in one place. An `ast` scan names each line that reaches past the engine."""

from __future__ import annotations

import ast
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
QUERY_BUILDERS = {"select", "update", "delete", "insert", "text"}
ORM_MODULES = ("sqlmodel", "sqlalchemy")
DB_CALLS = {"scalars", "scalar", "execute", "exec", "get", "query"}


def table_queries(source: str) -> list[tuple[int, str]]:
    """(line, what) for each query builder imported from the ORM and each `db.<call>(…)`."""
    found: list[tuple[int, str]] = []
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.ImportFrom) and (node.module or "").startswith(ORM_MODULES):
            found += [
                (node.lineno, f"imports {a.name} from {node.module}")
                for a in node.names
                if a.name in QUERY_BUILDERS
            ]
        elif isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute):
            target, method = node.func.value, node.func.attr
            if isinstance(target, ast.Name) and target.id == "db" and method in DB_CALLS:
                found.append((node.lineno, f"calls db.{method}"))
    return found


def test_the_scan_finds_a_raw_query() -> None:
    source = "from sqlalchemy import select\n\ndef f(db):\n    return db.scalars(select(1))\n"
    assert table_queries(source) == [(1, "imports select from sqlalchemy"), (4, "calls db.scalars")]


def test_app_never_queries_tables_itself() -> None:
    offending = [
        f"{path.relative_to(ROOT)}:{line}: {what}"
        for path in sorted((ROOT / "app").rglob("*.py"))
        for line, what in table_queries(path.read_text())
    ]
    assert offending == [], "app/ queries tables itself; add an engine query:\n" + "\n".join(
        offending
    )


def role_decisions(source: str) -> list[int]:
    """Lines comparing an actor's role with a literal role: deciding who may do what."""
    return [
        node.lineno
        for node in ast.walk(ast.parse(source))
        if isinstance(node, ast.Compare)
        and isinstance(node.left, ast.Attribute)
        and node.left.attr == "role"
        and any(isinstance(c, ast.Constant) for c in node.comparators)
    ]


def test_app_never_decides_who_may_do_what() -> None:
    """Matching a key to the page it opens (`VIEW_ROLES[view]`) is the app's; a role rule
    (`actor.role != "facilitator"`) is the engine's: require_facilitator and friends."""
    assert role_decisions('if actor.role != "facilitator":\n    pass\n') == [1]
    offending = [
        f"{path.relative_to(ROOT)}:{line}"
        for path in sorted((ROOT / "app").rglob("*.py"))
        for line in role_decisions(path.read_text())
    ]
    assert offending == [], "app/ decides a role rule; use an engine check:\n" + "\n".join(
        offending
    )

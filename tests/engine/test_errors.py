"""Refusals: English messages for API clients, templates and values for translation."""

from __future__ import annotations

import ast
import re
from pathlib import Path

import pytest

from session_engine.errors import N_, Conflict, Invalid

ROOT = Path(__file__).resolve().parents[2]
REFUSALS = {"EngineError", "NotFound", "Forbidden", "Invalid", "Conflict"}
PLACEHOLDER = re.compile(r"%\((\w+)\)")


def test_message_is_the_english_text_with_the_values_filled_in() -> None:
    error = Invalid(N_("Pick at most %(k)s items."), k=3)
    assert (error.message, str(error), error.status) == (
        "Pick at most 3 items.",
        "Pick at most 3 items.",
        422,
    )
    assert (error.template, error.values) == ("Pick at most %(k)s items.", {"k": 3})


def test_a_refusal_without_values_is_its_template() -> None:
    error = Conflict(N_("The timer is not running."))
    assert (error.message, error.template, error.values) == (
        "The timer is not running.",
        "The timer is not running.",
        {},
    )


def test_user_data_in_a_value_is_kept_as_typed() -> None:
    error = Invalid(N_("Unknown category %(category)r."), category="100% %(k)s")
    assert error.message == "Unknown category '100% %(k)s'."


def _refusals(source: str) -> list[ast.Call]:
    calls = []
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Raise) and isinstance(node.exc, ast.Call):
            func = node.exc.func
            name = func.id if isinstance(func, ast.Name) else getattr(func, "attr", "")
            if name in REFUSALS:
                calls.append(node.exc)
    return calls


def _marked(tree: ast.AST) -> dict[str, ast.Call]:
    """A module's constants that are marked templates: `NAME = N_("a literal")`."""
    return {
        target.id: node.value
        for node in ast.walk(tree)
        if isinstance(node, ast.Assign) and isinstance(node.value, ast.Call)
        for target in node.targets
        if isinstance(target, ast.Name)
    }


def _problem(call: ast.Call, constants: dict[str, ast.Call]) -> str | None:
    """Why this refusal would reach users untranslated, or None. A refusal may name a
    constant that holds a marked template (one message refused from several places)."""
    if len(call.args) != 1:
        return "give one template and the values by name"
    [template] = call.args
    if isinstance(template, ast.Name) and template.id in constants:
        template = constants[template.id]
    if not (
        isinstance(template, ast.Call)
        and isinstance(template.func, ast.Name)
        and template.func.id == "N_"
        and len(template.args) == 1
        and isinstance(template.args[0], ast.Constant)
        and isinstance(template.args[0].value, str)
    ):
        return 'the message is not N_("a literal")'
    named = set(PLACEHOLDER.findall(template.args[0].value))
    given = {k.arg or "**" for k in call.keywords}
    if named != given:
        return f"placeholders {sorted(named)} but values {sorted(given)}"
    return None


@pytest.mark.parametrize("package", ["session_engine", "app"])
def test_every_refusal_is_a_marked_template_with_its_values(package: str) -> None:
    """An f-string or unmarked message would reach Dutch pages in English only."""
    paths = sorted((ROOT / package).rglob("*.py"))
    constants: dict[str, ast.Call] = {}
    for path in paths:
        constants.update(_marked(ast.parse(path.read_text())))
    problems = [
        f"{path.relative_to(ROOT)}:{call.lineno}: {problem}"
        for path in paths
        for call in _refusals(path.read_text())
        if (problem := _problem(call, constants))
    ]
    assert problems == []


def test_the_scan_finds_what_would_stay_english() -> None:
    source = """
raise Invalid(f"Pick at most {k} items.")
raise errors.Conflict("The timer is not running.")
raise Invalid(N_("Pick at most %(k)s items."))
raise Invalid(N_("Pick at most %(k)s items."), k=k, n=1)
raise NotFound(N_("No step %(step_id)s in this session."), step_id=step_id)
raise ValueError(f"not a refusal {x}")
CLOSED = N_("Closed.")
UNMARKED = "Closed."
raise Forbidden(CLOSED)
raise Forbidden(UNMARKED)
"""
    constants = _marked(ast.parse(source))
    assert [_problem(call, constants) for call in _refusals(source)] == [
        'the message is not N_("a literal")',
        'the message is not N_("a literal")',
        "placeholders ['k'] but values []",
        "placeholders ['k'] but values ['k', 'n']",
        None,
        None,
        'the message is not N_("a literal")',
    ]

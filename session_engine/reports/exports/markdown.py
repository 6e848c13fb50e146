"""The report as Markdown: headings, lists and tables, every participant's word escaped."""

from __future__ import annotations

import re
from typing import Any

from ...shapes import ItemsColumn, ReportItem, ReportScenario, ThemedColumn
from ..data import Translate
from ..model import CountedText, GlossaryTerm, Report
from ..texts import text_blocks
from .labels import (
    basis_line,
    column_headings,
    columns_heading,
    headings,
    item_note,
    not_discussed,
    scenario_heading,
    statements_put,
    themed_heading,
    wordings,
)
from .tables import (
    answered,
    composition_tables,
    preference_tables,
    sessions_table,
    statement_table,
)

# Escaped wherever they stand: emphasis, code, links, raw HTML, table cells, strikethrough.
# "&" only where it would start an entity ("&amp;"), "#" only as a heading's closing run:
# elsewhere they are plain text, and a backslash before them would only show.
_INLINE = re.compile(r"([\\`*_\[\]<|~]|&(?=#?\w+;)|(?<= )#+$)")
_BLOCK_START = re.compile(r"^(\s*)([-=+>]|#+(?= |$)|\d+[.)])")


def inline(text: str) -> str:
    """Text as literal inline Markdown: one line, no emphasis, links, HTML or table breaks."""
    return _INLINE.sub(lambda m: "\\" + m.group(1), " ".join(str(text).split()))


def md(text: str) -> str:
    """Participant text as a literal Markdown line: also no heading, list or quote marker."""
    return _BLOCK_START.sub(lambda m: m.group(1) + "\\" + m.group(2), inline(text))


def paragraphs(text: str) -> list[str]:
    """A facilitator's text: each paragraph, or bullet list, as a Markdown block."""
    return [
        "\n".join(f"- {md(line)}" for line in lines) if kind == "ul" else md(lines[0])
        for kind, lines in text_blocks(text)
    ]


def to_markdown(report: Report, t: Translate) -> str:
    """The whole report as one Markdown document."""
    h = headings(t)
    out: list[str] = [f"# {md(report.title)}", ""]
    out += _front(report, h, t)
    for scenario in report.scenarios:
        out += _scenario(scenario, h, t, report.kind)
    out += _statements(report, h)
    out += _glossary(report, h)
    out += _preference(report, h)
    out += _conclusion(report, h)
    return "\n".join(out).rstrip() + "\n"


def _section(title: str, body: list[str], level: int = 2) -> list[str]:
    return [f"{'#' * level} {title}", "", *body]


def _table(header: list[str], rows: list[list[Any]]) -> list[str]:
    lines = ["| " + " | ".join(inline(c) for c in header) + " |", "|" + "---|" * len(header)]
    lines += ["| " + " | ".join(inline(str(c)) for c in row) + " |" for row in rows]
    return [*lines, ""]


def _front(report: Report, h: dict[str, str], t: Translate) -> list[str]:
    out = _table(*sessions_table(report, h))
    texts = report.texts
    if texts.intro:
        out += _section(h["intro"], [p + "\n" for p in paragraphs(texts.intro)])
    if report.principles:
        out += _section(h["principles"], [f"- {md(p)}" for p in report.principles] + [""])
    if texts.goal:
        out += _section(h["goal"], [p + "\n" for p in paragraphs(texts.goal)])
    out += _method(report, h, t)
    people = report.participants
    body = [md(people.sentence), ""]
    for table in composition_tables(report, h):
        body += _table(*table)
    out += _section(h["participants"], body)
    return out + _section(h["impression"], [p + "\n" for p in paragraphs(texts.impression)])


def _method(report: Report, h: dict[str, str], t: Translate) -> list[str]:
    """The working method: its text, then the scenarios it was held along, one line each."""
    body = [p + "\n" for p in paragraphs(report.texts.method)]
    body += [f"- {md(scenario_heading(s, t))}" for s in report.scenarios]
    if report.statements:
        body += ["", md(statements_put(report, t))]
    return _section(h["method"], [*body, ""]) if body else []


def _item(item: ReportItem, t: Translate, h: dict[str, str], indent: str = "") -> list[str]:
    note = item_note(item, t)
    line = f"{indent}- {md(item.text)}" + (f" *({md(note)})*" if note else "")
    out = [line]
    if item.members:
        out.append(f"{indent}  - {h['also']}: " + wordings([md(m) for m in item.members]))
    out += [f"{indent}  - {h['comments']}: {md(c)}" for c in item.comments]
    return out


def _items(
    items: list[ReportItem], t: Translate, h: dict[str, str], empty: str = "no_items"
) -> list[str]:
    lines = [line for item in items for line in _item(item, t, h)]
    return [*(lines or [f"*{h[empty]}*"]), ""]


def _scenario(scenario: ReportScenario, h: dict[str, str], t: Translate, kind: str) -> list[str]:
    """A scenario in the seed's outline: description, kenmerken, "Voordelen en nadelen van
    scenario N" (most important and other, per column), "Voorwaarden voor scenario N" per
    theme. One no session brainstormed is its heading and one line."""
    out = [f"## {md(scenario_heading(scenario, t))}", ""]
    if not scenario.discussed:
        return [*out, f"*{not_discussed(kind, h)}*", ""]
    out += [md(scenario.description), ""]
    if scenario.kenmerken:
        out += _section(h["kenmerken"], [f"- {md(k)}" for k in scenario.kenmerken] + [""], 3)
    out += [f"> {md(note)}" for note in scenario.notes] + ([""] if scenario.notes else [])
    split = [c for c in scenario.columns if isinstance(c, ItemsColumn)]
    if split:
        out += _section(md(columns_heading(scenario, t)), [], 3)
    for column in split:
        first, second = column_headings(column, t)
        basis = basis_line(column, t)
        empty = "none_important" if column.other else "no_items"
        out += _section(md(first), [f"*{basis}*", "", *_items(column.important, t, h, empty)], 4)
        if column.count:
            out += _section(md(second), _items(column.other, t, h), 4)
    for themed in [c for c in scenario.columns if isinstance(c, ThemedColumn)]:
        question = [f"*{h['conditions_question']}*", ""]
        out += _section(md(themed_heading(themed, scenario, t)), question, 3)
        out += [] if themed.themes else [f"*{h['no_items']}*", ""]
        for group in themed.themes:
            out += _section(md(group.label), _items(group.items, t, h), 4)
    return out


def _statements(report: Report, h: dict[str, str]) -> list[str]:
    if not report.statements:
        return []
    out = _section(h["statements"], [f"*{h['scale']}*", ""])
    for statement in report.statements:
        if not answered(statement):
            out += _section(md(statement.text), [f"*{h['no_answers']}*", ""], 3)
            continue
        body = _table(*statement_table(report, statement, h))
        differ = [report.labels.fields.get(f, f) for f in statement.segments_differ]
        if differ:
            body += [f"*{md(', '.join(differ))}: {h['groups_differ']}*", ""]
        if statement.arguments:
            body += [f"**{h['arguments']}**", "", *_counted(statement.arguments), ""]
        out += _section(md(statement.text), body, 3)
    return out


def _counted(entries: list[CountedText]) -> list[str]:
    return [f"- {md(e.text)}" + (f" ({e.count}×)" if e.count > 1 else "") for e in entries]


def _glossary(report: Report, h: dict[str, str]) -> list[str]:
    if not report.glossary:
        return []
    out = _section(h["glossary"], [])
    for term in report.glossary:
        title = md(term.term) + (f" ({md(term.session)})" if report.kind == "programme" else "")
        out += _section(title, _term(term, h), 3)
    return out


def _term(term: GlossaryTerm, h: dict[str, str]) -> list[str]:
    """A glossary term: the agreed definition and the others with their votes; of sessions
    whose votes are not shown, only the definitions proposed."""
    if not term.counted:
        proposed = [f"- {md(d.text)}" for d in term.definitions]
        return [f"*{h['not_counted']}*", "", f"{h['definitions_proposed']}:", "", *proposed, ""]
    body = [
        f"**{h['agreed']}:** {md(term.agreed)}" if term.agreed else f"*{h['none_agreed']}*",
        "",
    ]
    others = [d for d in term.definitions if d.text != term.agreed]
    if others:
        body += [f"{h['proposed']}:", "", *[f"- {md(d.text)} ({d.votes})" for d in others]]
        body.append("")
    return body


def _preference(report: Report, h: dict[str, str]) -> list[str]:
    pref = report.preference
    if not pref:
        return []
    body = [line for table in preference_tables(report, h) for line in _table(*table)]
    if pref.reasons:
        body += [f"**{h['reasons']}**", "", *_counted(pref.reasons), ""]
    return _section(h["preference"], body)


def _conclusion(report: Report, h: dict[str, str]) -> list[str]:
    body = [p + "\n" for p in paragraphs(report.texts.conclusion)]
    if report.texts.key_points:
        own = [p + "\n" for p in paragraphs(report.texts.key_points)]
        body += _section(h["own_key_points"], own, 3)
    if report.key_points:
        body += _section(h["key_points"], [], 3)
        body += [f"- {md(p.text)} *— {h['based_on']}: {md(p.basis)}*" for p in report.key_points]
        body.append("")
    if report.notes:
        body += _section(h["notes"], [f"- {md(n)}" for n in report.notes] + [""], 3)
    return _section(h["conclusion"], body)

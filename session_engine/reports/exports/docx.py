"""The report as a Word document organisers edit: real headings (Title, Heading 1-3), bullet
lists and tables, so Word's navigation pane and table of contents work on it."""

from __future__ import annotations

import io
from typing import Any

from ...shapes import ItemsColumn, ReportItem, ReportScenario, ThemedColumn
from ..data import Translate
from ..model import CountedText, Report
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
from .safe import xml_text
from .stamp import fixed_zip_times, report_time
from .tables import (
    answered,
    composition_tables,
    preference_tables,
    sessions_table,
    statement_table,
)


class _Writer:
    """A python-docx document with the few building blocks the report needs. Paragraphs and
    tables are inserted as plain WordprocessingML before the body's closing section
    properties, which are looked up once (style ids and the text width too): python-docx
    looks each up again for every paragraph or table, and finding the section properties
    walks the whole body, so a report of 30,000 paragraphs took seconds per thousand."""

    def __init__(self, t: Translate) -> None:
        from docx import Document

        self.doc = Document()
        self.t = t
        self.h = headings(t)
        body = self.doc.element.body
        self.end = body.sectPr  # the body's last child: everything goes before it
        names = ("Title", "Heading 1", "Heading 2", "Heading 3", "List Bullet", "List Bullet 2")
        self.styles = {name: self.doc.styles[name].style_id for name in names}
        self.table_style = self.doc.styles["Table Grid"].style_id
        self.width = self.doc._block_width  # the space between the margins

    def _paragraph(self, style: str | None, runs: list[tuple[str, bool]]) -> None:
        from docx.oxml.ns import qn
        from lxml import etree

        paragraph = etree.Element(qn("w:p"))
        if style is not None:
            properties = etree.SubElement(paragraph, qn("w:pPr"))
            etree.SubElement(properties, qn("w:pStyle")).set(qn("w:val"), self.styles[style])
        for text, italic in runs:
            run = etree.SubElement(paragraph, qn("w:r"))
            if italic:
                etree.SubElement(etree.SubElement(run, qn("w:rPr")), qn("w:i"))
            element = etree.SubElement(run, qn("w:t"))
            element.set("{http://www.w3.org/XML/1998/namespace}space", "preserve")
            # a note's run keeps the one space that separates it from the text before
            element.text = xml_text(" " * text[:1].isspace() + " ".join(text.split()))
        self.end.addprevious(paragraph)

    def heading(self, text: str, level: int) -> None:
        self._paragraph("Title" if level == 0 else f"Heading {level}", [(text, False)])

    def para(self, text: str, italic: bool = False) -> None:
        self._paragraph(None, [(text, italic)])

    def paras(self, text: str) -> None:
        """A facilitator's text: paragraphs, and bullet lists where lines start with "-"."""
        for kind, lines in text_blocks(text):
            for line in lines:
                if kind == "ul":
                    self.bullet(line)
                else:
                    self.para(line)

    def bullet(self, text: str, note: str = "", level: int = 1, basis: str = "") -> None:
        """A list item; `note` in parentheses after it, `basis` (which may hold parentheses
        of its own) after a dash."""
        runs = [(text, False)] + ([(f" ({note})", True)] if note else [])
        runs += [(f" — {basis}", True)] if basis else []
        self._paragraph("List Bullet" if level == 1 else "List Bullet 2", runs)

    def table(self, header: list[str], rows: list[list[Any]]) -> None:
        """A grid, header row bold, then an empty paragraph: what python-docx's add_table,
        its style and each cell's text give, written straight into the cells' paragraphs."""
        from docx.oxml.ns import qn
        from docx.oxml.table import CT_Tbl
        from docx.text.font import Font

        table = CT_Tbl.new_tbl(1 + len(rows), len(header), self.width)
        table.tblStyle_val = self.table_style
        values = [*header, *(v for row in rows for v in row)]
        paragraphs = list(table.iter(qn("w:p")))  # one empty paragraph per cell, row by row
        for n, (paragraph, value) in enumerate(zip(paragraphs, values, strict=True)):
            run = paragraph.add_r()
            run.text = xml_text(str(value))  # tabs and line breaks as Word's own elements
            if n < len(header):
                Font(run).bold = True
        self.end.addprevious(table)
        self._paragraph(None, [])

    def save(self) -> bytes:
        buffer = io.BytesIO()
        self.doc.save(buffer)
        return buffer.getvalue()


def to_docx(report: Report, t: Translate) -> bytes:
    """The whole report as a .docx file; the same data gives the same bytes (stamp.py)."""
    w = _Writer(t)
    when = report_time(report)
    properties = w.doc.core_properties
    properties.title = xml_text(report.title)
    properties.language = report.language
    properties.created = properties.modified = when
    # python-docx's template names itself as author and last editor: the report has neither
    properties.author = properties.last_modified_by = "Versnellingskamer"
    w.heading(report.title, 0)
    _front(w, report)
    for scenario in report.scenarios:
        _scenario(w, scenario, report.kind)
    _statements(w, report)
    _glossary(w, report)
    _preference(w, report)
    _conclusion(w, report)
    return fixed_zip_times(w.save(), when)


def _front(w: _Writer, report: Report) -> None:
    h = w.h
    w.table(*sessions_table(report, h))
    texts = report.texts
    if texts.intro:
        w.heading(h["intro"], 1)
        w.paras(texts.intro)
    if report.principles:
        w.heading(h["principles"], 1)
        for principle in report.principles:
            w.bullet(principle)
    if texts.goal:
        w.heading(h["goal"], 1)
        w.paras(texts.goal)
    if texts.method or report.scenarios:
        w.heading(h["method"], 1)
        w.paras(texts.method)
        for scenario in report.scenarios:
            w.bullet(scenario_heading(scenario, w.t))
        if report.statements:
            w.para(statements_put(report, w.t))
    w.heading(h["participants"], 1)
    w.para(report.participants.sentence)
    for table in composition_tables(report, h):
        w.table(*table)
    w.heading(h["impression"], 1)
    w.paras(texts.impression)


def _items(w: _Writer, items: list[ReportItem], empty: str = "no_items") -> None:
    if not items:
        w.para(w.h[empty], italic=True)
    for item in items:
        w.bullet(item.text, item_note(item, w.t))
        if item.members:
            w.bullet(f"{w.h['also']}: " + wordings(item.members), level=2)
        for comment in item.comments:
            w.bullet(f"{w.h['comments']}: {comment}", level=2)


def _scenario(w: _Writer, scenario: ReportScenario, kind: str) -> None:
    """A scenario in the seed's outline (see markdown.py's `_scenario`)."""
    h = w.h
    w.heading(scenario_heading(scenario, w.t), 1)
    if not scenario.discussed:
        w.para(not_discussed(kind, h), italic=True)
        return
    w.para(scenario.description)
    if scenario.kenmerken:
        w.heading(h["kenmerken"], 2)
        for kenmerk in scenario.kenmerken:
            w.bullet(kenmerk)
    for note in scenario.notes:
        w.para(note, italic=True)
    split = [c for c in scenario.columns if isinstance(c, ItemsColumn)]
    if split:
        w.heading(columns_heading(scenario, w.t), 2)
    for column in split:
        first, second = column_headings(column, w.t)
        w.heading(first, 3)
        w.para(basis_line(column, w.t), italic=True)
        _items(w, column.important, "none_important" if column.other else "no_items")
        if column.count:
            w.heading(second, 3)
            _items(w, column.other)
    for themed in [c for c in scenario.columns if isinstance(c, ThemedColumn)]:
        w.heading(themed_heading(themed, scenario, w.t), 2)
        w.para(h["conditions_question"], italic=True)
        if not themed.themes:
            w.para(h["no_items"], italic=True)
        for group in themed.themes:
            w.heading(group.label, 3)
            _items(w, group.items)


def _statements(w: _Writer, report: Report) -> None:
    h = w.h
    if not report.statements:
        return
    w.heading(h["statements"], 1)
    w.para(h["scale"], italic=True)
    for statement in report.statements:
        w.heading(statement.text, 2)
        if not answered(statement):
            w.para(h["no_answers"], italic=True)
            continue
        w.table(*statement_table(report, statement, h))
        differ = [report.labels.fields.get(f, f) for f in statement.segments_differ]
        if differ:
            w.para(f"{', '.join(differ)}: {h['groups_differ']}", italic=True)
        if statement.arguments:
            w.heading(h["arguments"], 3)
            _counted(w, statement.arguments)


def _counted(w: _Writer, entries: list[CountedText]) -> None:
    for entry in entries:
        w.bullet(entry.text, f"{entry.count}×" if entry.count > 1 else "")


def _glossary(w: _Writer, report: Report) -> None:
    if not report.glossary:
        return
    w.heading(w.h["glossary"], 1)
    for term in report.glossary:
        named = report.kind == "programme"
        w.heading(term.term + (f" ({term.session})" if named else ""), 2)
        if not term.counted:
            w.para(w.h["not_counted"], italic=True)
            w.para(f"{w.h['definitions_proposed']}:")
            for definition in term.definitions:
                w.bullet(definition.text, "")
            continue
        if term.agreed:
            w.para(f"{w.h['agreed']}: {term.agreed}")
        else:
            w.para(w.h["none_agreed"], italic=True)
        others = [d for d in term.definitions if d.text != term.agreed]
        if others:
            w.para(f"{w.h['proposed']}:")
            for definition in others:
                w.bullet(definition.text, str(definition.votes))


def _preference(w: _Writer, report: Report) -> None:
    pref = report.preference
    if not pref:
        return
    h = w.h
    w.heading(h["preference"], 1)
    for table in preference_tables(report, h):
        w.table(*table)
    if pref.reasons:
        w.heading(h["reasons"], 2)
        _counted(w, pref.reasons)


def _conclusion(w: _Writer, report: Report) -> None:
    h = w.h
    w.heading(h["conclusion"], 1)
    w.paras(report.texts.conclusion)
    if report.texts.key_points:
        w.heading(h["own_key_points"], 2)
        w.paras(report.texts.key_points)
    if report.key_points:
        w.heading(h["key_points"], 2)
        for point in report.key_points:
            w.bullet(point.text, basis=f"{h['based_on']}: {point.basis}")
    if report.notes:
        w.heading(h["notes"], 2)
        for note in report.notes:
            w.bullet(note)

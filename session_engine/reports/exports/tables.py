"""The report's tables as header + rows, shared by every format that prints tables."""

from __future__ import annotations

from typing import Any

from ...shapes import DistributionView
from ..model import Report, ReportStatement
from .labels import mean_text, segment_label

Table = tuple[list[str], list[list[Any]]]


def sessions_table(report: Report, h: dict[str, str]) -> Table:
    header = [h["session"], h["location"], h["date"], h["participants"]]
    rows = [[s.title, s.location, s.date, s.participants] for s in report.sessions]
    return header, rows


def composition_tables(report: Report, h: dict[str, str]) -> list[Table]:
    return [
        ([entry.label, h["count"]], [[g.label, g.count] for g in entry.groups])
        for entry in report.participants.fields
    ]


def statement_header(h: dict[str, str]) -> list[str]:
    return [h["group"], "1", "2", "3", "4", "5", h["no_opinion"], "n", h["mean"], h["assessment"]]


def distribution_row(
    label: str, dist: DistributionView, h: dict[str, str], language: str = "en"
) -> list[Any]:
    counts = [dist.counts[str(k)] for k in range(1, 6)]
    flag = h[dist.flag] if dist.flag else ""
    mean = mean_text(dist.mean, language)
    return [label, *counts, dist.no_opinion, dist.n, mean, flag]


def statement_groups(
    report: Report,
    statement: ReportStatement,
    h: dict[str, str],
    fields: list[str] | None = None,
) -> list[tuple[str, DistributionView]]:
    """(label, distribution) for everyone, each shown segment (of `fields`, default all),
    and each session."""
    groups = [(h["everyone"], statement.overall)]
    for field, seg in statement.segments.items():
        if len(seg.segments) > 1 and (fields is None or field in fields):
            groups += [(segment_label(report, field, k), d) for k, d in seg.segments.items()]
    groups += [(s.session, s.overall) for s in statement.per_session or []]
    return groups


def statement_table(
    report: Report,
    statement: ReportStatement,
    h: dict[str, str],
    fields: list[str] | None = None,
) -> Table:
    groups = statement_groups(report, statement, h, fields)
    language = report.language
    return statement_header(h), [distribution_row(label, d, h, language) for label, d in groups]


def answered(statement: ReportStatement) -> bool:
    return bool(statement.overall.n or statement.overall.no_opinion)


def preference_tables(report: Report, h: dict[str, str]) -> list[Table]:
    pref = report.preference
    if pref is None:
        return []
    scenarios = pref.scenarios
    tables = [([h["scenario"], h["votes"]], [[s.title, s.votes] for s in scenarios])]
    for field, groups in pref.segments.items():
        if len(groups) > 1:
            names = list(groups)
            header = [report.labels.fields.get(field, field)]
            header += [segment_label(report, field, n) for n in names]
            rows = [[s.title, *[groups[n].get(s.key, 0) for n in names]] for s in scenarios]
            tables.append((header, rows))
    return tables

"""Key points computed from the data, each saying what it rests on: condition themes that
recur across scenarios, the items with most support, statements where groups differ or
agree, and the most preferred scenario. A starting point for the facilitator's conclusion."""

from __future__ import annotations

from typing import Any

from babel.numbers import format_decimal

from ..content import Content
from ..errors import N_
from ..shapes import (
    DistributionView,
    KeyPoint,
    PointKind,
    ReportColumn,
    ReportItem,
    ReportScenario,
    ThemedColumn,
)
from .data import Translate
from .model import ReportPreference, ReportStatement

TOP_ITEMS = 5


def column_items(column: ReportColumn) -> list[ReportItem]:
    """A column's items in report order: the most important, the others; or per theme."""
    if isinstance(column, ThemedColumn):
        return [item for group in column.themes for item in group.items]
    return [*column.important, *column.other]


def key_points(
    content: Content,
    scenarios: list[ReportScenario],
    statements: list[ReportStatement],
    preference: ReportPreference | None,
    t: Translate,
) -> list[KeyPoint]:
    """The key points, in a fixed order: themes, support, statements, preference."""
    return [
        *_recurring_themes(scenarios, t),
        *_most_support(scenarios, t),
        *_statement_points(content, statements, t),
        *_preferred(preference, t),
    ]


def _point(kind: PointKind, text: str, basis: str) -> KeyPoint:
    return KeyPoint(kind=kind, text=text, basis=basis)


def _recurring_themes(scenarios: list[ReportScenario], t: Translate) -> list[KeyPoint]:
    found: dict[str, tuple[str, set[str], int]] = {}
    for scenario in scenarios:
        for column in scenario.columns:
            for group in column.themes if isinstance(column, ThemedColumn) else []:
                if not group.key:
                    continue
                label, where, count = found.get(group.key, (group.label, set(), 0))
                where.add(scenario.key)
                found[group.key] = (label, where, count + len(group.items))
    order = list(found)
    recurring = [k for k in order if len(found[k][1]) > 1]
    recurring.sort(key=lambda k: (-len(found[k][1]), -found[k][2], order.index(k)))
    basis = t(N_("the conditions per theme in each scenario"))
    return [
        _point(
            "themes",
            t(
                N_("Conditions on %(theme)s came up in %(n)s scenarios (%(items)s items)."),
                theme=found[k][0],
                n=len(found[k][1]),
                items=found[k][2],
            ),
            basis,
        )
        for k in recurring
    ]


def _most_support(scenarios: list[ReportScenario], t: Translate) -> list[KeyPoint]:
    entries = []
    for scenario in scenarios:
        for column in scenario.columns:
            for item in column_items(column):
                entries.append((item, scenario.short_title, column.label))
    entries = [e for e in entries if e[0].support > 1]
    entries.sort(key=lambda e: -e[0].support)  # stable: report order breaks ties
    basis = t(N_("how often an item was mentioned (merged duplicates and “me too”)"))
    return [
        _point(
            "support",
            t(
                N_("“%(text)s” (%(scenario)s, %(column)s): mentioned %(n)s times."),
                text=item.text,
                scenario=scenario,
                column=column.lower(),
                n=item.support,
            ),
            basis,
        )
        for item, scenario, column in entries[:TOP_ITEMS]
    ]


def _statement_points(
    content: Content, statements: list[ReportStatement], t: Translate
) -> list[KeyPoint]:
    fields = {f.key: f for f in content.scenarios_file.profile_fields}
    points: list[KeyPoint] = []
    for statement in statements:
        for field_key in statement.segments_differ:
            segments = statement.segments[field_key].segments
            options = fields[field_key].options if field_key in fields else []
            means = _means(options, segments, t, content.programme.language)
            points.append(
                _point(
                    "divergence",
                    t(
                        N_("On “%(statement)s” the %(field)s groups differ: %(means)s."),
                        statement=statement.text,
                        field=fields[field_key].label.lower() if field_key in fields else field_key,
                        means=means,
                    ),
                    t(N_("the groups' mean agreement (1 to 5), at least 1 point apart")),
                )
            )
    for statement in statements:
        overall = statement.overall
        if overall.flag == "consensus" and overall.n >= 2 and overall.mean is not None:
            points.append(
                _point(
                    "consensus",
                    t(
                        N_("Consensus on “%(statement)s” (mean %(mean)s)."),
                        statement=statement.text,
                        mean=one_decimal(overall.mean, content.programme.language),
                    ),
                    t(N_("the spread of the answers (below 0.2)")),
                )
            )
    return points


def one_decimal(value: float, language: str) -> str:
    """4,5 in Dutch, 4.5 in English."""
    return format_decimal(value, format="0.0", locale=language)


def _means(
    options: list[Any], segments: dict[str, DistributionView], t: Translate, language: str
) -> str:
    """ "Primair onderwijs (PO) 4,5, Voortgezet onderwijs (VO) 2,3"."""
    labels = {o.key: o.label for o in options}
    labels.update(other=t(N_("Other")), unknown=t(N_("Not given")))
    return ", ".join(
        f"{labels.get(name, name)} {one_decimal(dist.mean, language)}"
        for name, dist in segments.items()
        if dist.mean is not None
    )


def _preferred(preference: ReportPreference | None, t: Translate) -> list[KeyPoint]:
    if not preference:
        return []
    counts = preference.scenarios
    top = max((s.votes for s in counts), default=0)
    if not top:
        return []
    total = sum(s.votes for s in counts)
    titles = [s.title for s in counts if s.votes == top]
    conjunction = t(N_("and"))
    text = t(
        N_("Most preferred: %(titles)s (%(votes)s of %(total)s votes)."),
        titles=f" {conjunction} ".join(titles),
        votes=top,
        total=total,
    )
    return [_point("preference", text, t(N_("the preference vote")))]

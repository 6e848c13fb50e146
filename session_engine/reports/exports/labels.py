"""The report's headings and fixed phrases, translated once per export; every format uses the
same ones so a Word file and the web page say the same thing."""

from __future__ import annotations

from babel.numbers import format_decimal

from ...errors import N_
from ...shapes import ReportColumn, ReportItem, ReportScenario
from ..data import Translate
from ..model import Report

HEADINGS = {
    "report": N_("Report"),
    "programme_report": N_("Programme report"),
    "intro": N_("Introduction"),
    "principles": N_("Starting principles"),
    "goal": N_("Goal"),
    "method": N_("Working method"),
    "impression": N_("General impression"),
    "own_key_points": N_("Key points"),
    "participants": N_("Participants"),
    "scenarios": N_("Scenarios"),
    "kenmerken": N_("Characteristics"),
    "conditions_question": N_("What is needed for this scenario to work well?"),
    "statements": N_("Statements"),
    "glossary": N_("Glossary"),
    "preference": N_("Scenario preference"),
    "conclusion": N_("Conclusion"),
    "key_points": N_("Key points from the data"),
    "notes": N_("Notes"),
    "sessions": N_("Sessions"),
    "session": N_("Session"),
    "date": N_("Date"),
    "location": N_("Location"),
    "group": N_("Group"),
    "count": N_("Number"),
    "everyone": N_("Everyone"),
    "mean": N_("Mean"),
    "answers": N_("Answers"),
    "no_opinion": N_("No opinion"),
    "assessment": N_("Assessment"),
    "arguments": N_("Arguments"),
    "reasons": N_("Reasons"),
    "votes": N_("Votes"),
    "scenario": N_("Scenario"),
    "term": N_("Term"),
    "agreed": N_("Agreed definition"),
    "proposed": N_("Other definitions proposed"),
    "none_agreed": N_("No definition agreed."),
    "definitions_proposed": N_("Definitions proposed"),
    "not_counted": N_("Too few voters in these sessions to show their votes."),
    "not_discussed": N_("Not discussed in this session."),
    "not_discussed_programme": N_("Not discussed in any of the sessions."),
    "no_items": N_("Nothing was added."),
    "none_important": N_("No item stood out: none was mentioned more than once."),
    "no_answers": N_("No answers."),
    "often": N_("often mentioned"),
    "yes": N_("yes"),
    "no": N_("no"),
    "type_vote": N_("Vote"),
    "type_statements": N_("Statements"),
    "type_glossary": N_("Glossary"),
    "type_preference": N_("Preference"),
    "comments": N_("Comments"),
    "also": N_("Also worded as"),
    "basis_vote": N_("Split by the importance vote."),
    "basis_support": N_(
        "Split by support: the third most mentioned (merged duplicates and “me too”)."
    ),
    "based_on": N_("Based on"),
    "groups_differ": N_("groups differ"),
    "per_session": N_("Per session"),
    "none": N_("None yet."),
    "more": N_("and %(n)s more (see the spreadsheet export)"),
    "consensus": N_("consensus"),
    "mixed": N_("mixed"),
    "divergent": N_("divided"),
    "scale": N_("1 = strongly disagree … 5 = strongly agree"),
    "summary_note": N_(
        "This PDF is a summary: long lists are shortened, and statements are broken down by "
        "the first profile question only. The web page, the Word file and the spreadsheets "
        "hold everything."
    ),
    # raw data (spreadsheets)
    "items": N_("Items"),
    "column": N_("Column"),
    "theme": N_("Theme"),
    "importance": N_("Importance"),
    "most_important": N_("most important"),
    "other_item": N_("other"),
    "text": N_("Text"),
    "mentions": N_("Mentions"),
    "metoo": N_("Me too"),
    "support": N_("Support"),
    "score": N_("Vote score"),
    "in_sessions": N_("Sessions"),
    "step": N_("Step"),
    "type": N_("Type"),
    "subject": N_("Subject"),
    "value": N_("Value"),
    "choice": N_("Choice"),
    "argument": N_("Argument"),
    "field": N_("Profile question"),
    "spread": N_("Spread"),
}
SCALE = (
    N_("strongly disagree"),
    N_("disagree"),
    N_("neutral"),
    N_("agree"),
    N_("strongly agree"),
)


def headings(t: Translate) -> dict[str, str]:
    """Every heading and phrase in the report's language."""
    return {key: t(message) for key, message in HEADINGS.items()}


def column_headings(column: ReportColumn, t: Translate) -> tuple[str, str]:
    """ "Belangrijkste voordelen" and "Andere voordelen die genoemd zijn" for a column
    labelled "Voordelen" (the seed's headings)."""
    label = column.label.lower()
    return (
        t(N_("Most important %(label)s"), label=label),
        t(N_("Other %(label)s mentioned"), label=label),
    )


def basis_line(column: ReportColumn, t: Translate) -> str:
    """What split the column into most important and other, and how many entries the
    organiser placed by hand (a programme report's curation), for under its first heading."""
    h = headings(t)
    line = h["basis_vote"] if column.basis == "vote" else h["basis_support"]
    if column.placed:
        line += " " + t(N_("Placed by the organiser by hand: %(n)s."), n=column.placed)
    return line


def columns_heading(scenario: ReportScenario, t: Translate) -> str:
    """ "Voordelen en nadelen van scenario 1": the heading over a scenario's unthemed columns."""
    labels = [c.label for c in scenario.columns if not c.themed]
    words = [labels[0], *(label.lower() for label in labels[1:])] if labels else []
    joined = f" {t(N_('and'))} ".join(words)
    return t(N_("%(labels)s of scenario %(number)s"), labels=joined, number=scenario.number)


def themed_heading(column: ReportColumn, scenario: ReportScenario, t: Translate) -> str:
    """ "Voorwaarden voor scenario 1": the heading of a scenario's themed column."""
    return t(N_("%(label)s for scenario %(number)s"), label=column.label, number=scenario.number)


def statements_put(report: Report, t: Translate) -> str:
    """The working method's last line when there were statements (the seed names them)."""
    count = len(report.statements)
    if count == 1:
        return t(N_("Besides the scenarios, 1 statement was put to the participants."))
    return t(N_("Besides the scenarios, %(n)s statements were put to the participants."), n=count)


def not_discussed(kind: str, h: dict[str, str]) -> str:
    """The one line a scenario nobody brainstormed gets, in a session's or a programme's."""
    return h["not_discussed_programme" if kind == "programme" else "not_discussed"]


def item_note(item: ReportItem, t: Translate) -> str:
    """What the room gave an item, in one parenthesis-free phrase: "12 stemmen; vaak
    genoemd, 3×, in 2 sessies" (the parts it has), else nothing."""
    parts = []
    if item.votes:
        parts.append(t(N_("1 vote")) if item.votes == 1 else t(N_("%(n)s votes"), n=item.votes))
    if item.often:
        often = t(N_("often mentioned, %(n)s×"), n=item.support)
        if item.sessions > 1:
            often += ", " + t(N_("in %(n)s sessions"), n=item.sessions)
        parts.append(often)
    return "; ".join(parts)


def wordings(members: list[str]) -> str:
    """An entry's other wordings, each quoted as it was said: "‘Te duur.’; ‘Kost veel.’" (a
    bare join read "Te duur.; Kost veel.")."""
    return "; ".join(f"‘{m}’" for m in members)


def scenario_heading(scenario: ReportScenario, t: Translate) -> str:
    return t(N_("Scenario %(number)s. %(title)s"), number=scenario.number, title=scenario.title)


def segment_label(report: Report, field: str, segment: str) -> str:
    return str(report.labels.segments.get(field, {}).get(segment, segment))


def mean_text(value: float | None, language: str = "en") -> str:
    """A mean as the report's language writes it: 3,25 in Dutch, 3.25 in English."""
    return "–" if value is None else format_decimal(value, format="0.00", locale=language)

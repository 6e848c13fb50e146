from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from session_engine.content import Content, ContentError, load_content
from tests.conftest import SCENARIOS, STATEMENTS


def test_default_programme_is_the_seed(content: Content) -> None:
    scenarios = content.scenarios_file.scenarios
    assert [s.short_title for s in scenarios] == ["Afstemming", "Samenwerking", "Leerloopbaan"]
    assert scenarios[0].kenmerken[0] == "Gescheiden curricula"
    assert [c.key for c in content.scenarios_file.categories] == [
        "voordelen",
        "nadelen",
        "voorwaarden",
    ]
    assert [t.label for t in content.scenarios_file.themes] == [
        "Organisatie",
        "Opleiden",
        "HR-beleid",
        "Leiderschap",
        "Onderzoek",
        "Visie",
    ]
    assert len(content.programme.principles) == 3
    assert len(content.statements_file.statements) == 7
    fields = {f.key: [o.key for o in f.options] for f in content.scenarios_file.profile_fields}
    assert fields["sector"][:2] == ["PO", "VO"]
    assert "instituutsopleider" in fields["role"]


def test_default_agenda(content: Content) -> None:
    agenda = [(s.type, s.scenario) for s in content.scenarios_file.agenda]
    assert agenda == [
        ("info", None),
        ("brainstorm", "afstemming"),
        ("brainstorm", "samenwerking"),
        ("brainstorm", "leerloopbaan"),
        ("statements", None),
    ]


def _write_broken(tmp_path: Path, change: object) -> Path:
    data = yaml.safe_load(SCENARIOS.read_text())
    change(data)  # type: ignore[operator]
    path = tmp_path / "scenarios.yaml"
    path.write_text(yaml.safe_dump(data, allow_unicode=True))
    return path


@pytest.mark.parametrize(
    ("change", "entry", "problem"),
    [
        (lambda d: d["scenarios"][1].pop("title"), "scenarios.1.title", "Field required"),
        (lambda d: d["agenda"].append({"type": "dance"}), "agenda.5.type", "Input should be"),
        (lambda d: d["categories"][0].update(key="voor delen"), "categories.0.key", "pattern"),
        (
            lambda d: d["themes"].append({"key": "visie", "label": "Nog eens"}),
            "entry themes.6.key",
            "duplicate key 'visie'",
        ),
        (
            lambda d: d["agenda"].append({"type": "brainstorm", "scenario": "onbekend"}),
            "entry agenda.5: unknown scenario",
            "'onbekend'",
        ),
        (lambda d: d["programme"].update(colour="blue"), "programme.colour", "Extra inputs"),
    ],
)
def test_a_bad_scenarios_file_names_file_entry_and_problem(
    tmp_path: Path, change: object, entry: str, problem: str
) -> None:
    path = _write_broken(tmp_path, change)
    with pytest.raises(ContentError) as error:
        load_content(path, STATEMENTS)
    message = str(error.value)
    assert str(path) in message
    assert entry in message
    assert problem in message


def test_bad_yaml_and_missing_file(tmp_path: Path) -> None:
    broken = tmp_path / "statements.yaml"
    broken.write_text("statements: [unclosed\n")
    with pytest.raises(ContentError, match=r"statements\.yaml: not valid YAML"):
        load_content(SCENARIOS, broken)
    with pytest.raises(ContentError, match="cannot read the file"):
        load_content(tmp_path / "nope.yaml", STATEMENTS)


def test_statement_without_text_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "statements.yaml"
    path.write_text("statements:\n  - key: s1\n    text: ''\n")
    with pytest.raises(ContentError, match=r"entry statements\.0\.text"):
        load_content(SCENARIOS, path)


def test_migration_gives_stored_programmes_their_content_hash(tmp_path: Path, content) -> None:
    """Programmes stored before migration 0005 get the hash load_programme would give them."""
    import json

    from alembic import command
    from sqlalchemy import create_engine, text

    from session_engine.programmes import content_hash
    from session_engine.store.schema import alembic_config, migrate

    url = f"sqlite:///{tmp_path / 'old.db'}"
    command.upgrade(alembic_config(url), "0004")
    data = content.model_dump(mode="json")
    engine = create_engine(url)
    with engine.begin() as connection:
        connection.execute(
            text(
                "INSERT INTO programme (key, title, language, content, created_at) "
                "VALUES ('p', 'P', 'nl', :content, '2026-01-01 00:00:00')"
            ),
            {"content": json.dumps(data)},
        )
    migrate(url)
    with engine.connect() as connection:
        stored = connection.execute(text("SELECT content_hash FROM programme")).scalar_one()
    engine.dispose()
    assert stored == content_hash(data)

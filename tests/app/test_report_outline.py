"""The programme report's outline is the seed's: a three-session programme like the seed's
(Zwolle, Eindhoven, Utrecht) gives every section heading of the 2016 report, in Dutch and in
English, with every point in its section; vote counts beside the items a vote put first;
nothing printed twice in parentheses, no needless Markdown escapes."""

from __future__ import annotations

import pytest
from fastapi.testclient import TestClient

from app.main import create_app
from app.settings import Settings
from tests.harness import ORGANISER, ORGANISER_TOKEN
from tests.report_seed import seed_programme


@pytest.fixture(scope="module")
def built(tmp_path_factory, databases, content):
    yield from seed_programme(tmp_path_factory, databases, content, utrecht=True)


@pytest.fixture(scope="module")
def app_client(built):
    settings = Settings(database_url=built.database_url, organiser_token=ORGANISER_TOKEN)
    with TestClient(create_app(settings)) as client:
        yield client


def test_dump(app_client, built):
    md = app_client.get(f"/api/programmes/{built.programme_id}/report.md", headers=ORGANISER)
    open("/tmp/c_dbg/programme.md", "w").write(md.text)

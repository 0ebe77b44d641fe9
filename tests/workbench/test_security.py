"""Another site cannot write, another host name cannot read, and every answer says so.

Each state-changing route is tried as another site's page would try it: without the
session's token, or from a foreign Origin; each must be refused and change nothing.
"""

from __future__ import annotations

import io
import os
import stat
from pathlib import Path

import pytest
from flask.testing import FlaskClient

from tests.conftest import demo_page
from workbench.app import create_app
from workbench.security import CONTENT_SECURITY_POLICY, secret_key

PAIR = {
    "slot-lang-0": "ru-RU",
    "slot-text-0": "Встреча прошла в Бишкеке. Она была продуктивной.",
    "slot-lang-1": "en-GB",
    "slot-text-1": "The meeting took place in Bishkek. It was productive.",
}
TMX = (b'<?xml version="1.0" encoding="UTF-8"?>\n<tmx version="1.4"><header creationtool="t" '
       b'creationtoolversion="1" datatype="plaintext" segtype="sentence" adminlang="en" '
       b'srclang="en" o-tmf="t"/><body><tu><tuv xml:lang="en"><seg>Hello</seg></tuv>'
       b'<tuv xml:lang="de"><seg>Hallo</seg></tuv></tu></body></tmx>')


def make_set(client: FlaskClient) -> int:
    response = client.post("/sets", data=PAIR)
    assert response.status_code == 303
    return int(client.get("/sets.json").get_json()[-1]["id"])


def state(client: FlaskClient) -> dict[str, object]:
    """What a user would see: the sets with their rows, and the memory's files."""
    return {
        "sets": client.get("/sets.json").get_json(),
        "rows": client.get("/sets/1.json").get_json() if client.get("/sets/1.json").status_code
        == 200 else None,
        "memory": client.get("/memory/?format=json").get_data(as_text=True),
    }


def writes(set_id: int) -> list[tuple[str, dict[str, object]]]:
    """Every state-changing request a page of the workbench makes."""
    return [
        ("/sets", dict(PAIR)),
        (f"/sets/{set_id}/edit/confirm", {"revision": "0", "row": "1"}),
        (f"/sets/{set_id}/edit/text", {"revision": "0", "sentence": "1", "text": "Pwned."}),
        (f"/sets/{set_id}/edit/merge", {"revision": "0", "row": "1"}),
        (f"/sets/{set_id}/edit/undo", {"revision": "0"}),
        (f"/sets/{set_id}/edit/realign", {"revision": "0"}),
        ("/memory/import", {"file": (io.BytesIO(TMX), "evil.tmx")}),
        ("/memory/files/1/remove", {}),
        ("/terms/flags/x/settle", {"status": "preferred"}),
        ("/terms/flags/x/dismiss", {}),
        ("/terms/discover", {}),
        ("/terms/termbase/import", {"file": (io.BytesIO(b"<tbx/>"), "evil.tbx")}),
        ("/sets/archive", {}),
        ("/jobs/1/cancel", {}),
        ("/jobs/1/rerun", {}),
        ("/accounts", {"name": "eve", "password": "a long password", "role": "administrator"}),
        ("/login", {"name": "eve", "password": "a long password"}),
        ("/logout", {}),
        ("/account/password", {"current": "x", "password": "a long password"}),
    ]


@pytest.fixture
def with_set(client: FlaskClient) -> int:
    return make_set(client)


def test_a_write_without_the_token_is_refused_and_changes_nothing(
        client: FlaskClient, bare_client: FlaskClient, with_set: int) -> None:
    before = state(client)
    for path, data in writes(with_set):
        response = bare_client.post(path, data=data)
        assert response.status_code == 400, path
        assert "did not come from the workbench" in response.get_data(as_text=True)
    assert state(client) == before


def test_a_write_from_another_origin_is_refused_even_with_the_token(
        client: FlaskClient, with_set: int) -> None:
    before = state(client)
    for path, data in writes(with_set):
        response = client.post(path, data=data, headers={"Origin": "http://evil.example"})
        assert response.status_code == 403, path
        assert "came from another site (http://evil.example)" in response.get_data(as_text=True)
    response = client.post(f"/sets/{with_set}/edit/confirm", data={"revision": "0", "row": "1"},
                           headers={"Referer": "http://127.0.0.1:9999/attack.html"})
    assert response.status_code == 403
    assert state(client) == before


def test_the_token_and_the_own_origin_let_the_edit_through(
        client: FlaskClient, with_set: int) -> None:
    page = client.get(f"/sets/{with_set}/edit").get_data(as_text=True)
    assert 'name="csrf-token"' in page
    response = client.post(f"/sets/{with_set}/edit/confirm", data={"revision": "0", "row": "1"},
                           headers={"Origin": "http://localhost"})
    assert response.status_code == 200
    assert client.get(f"/sets/{with_set}.json").get_json()["rows"][0]["status"] == "confirmed"


def test_every_form_carries_the_token(client: FlaskClient, with_set: int) -> None:
    for path in ("/sets/new", "/memory/", "/terms/termbase"):
        page = client.get(path).get_data(as_text=True)
        assert page.count('<form method="post"') == page.count('name="csrf_token"'), path
        assert 'name="csrf_token"' in page, path


def test_a_foreign_host_name_is_refused_before_any_page(client: FlaskClient,
                                                        with_set: int) -> None:
    for path in ("/", "/sets/1.json", "/memory/search?q=Bishkek"):
        response = client.get(path, headers={"Host": "rebind.evil.example"})
        assert response.status_code == 421, path
        assert "Bishkek" not in response.get_data(as_text=True)
        assert "--allowed-host rebind.evil.example" in response.get_data(as_text=True)
    for host in ("127.0.0.1:5000", "localhost", "[::1]:8080"):
        assert client.get("/", headers={"Host": host}).status_code == 200, host


def test_an_allowed_host_name_is_answered(database_url: str) -> None:
    app = create_app({"TESTING": True, "DATABASE_URL": database_url, "SECRET_KEY": "x",
                      "ALLOWED_HOSTS": "workbench.team.lan, 10.0.0.5"})
    client = app.test_client()
    assert client.get("/", headers={"Host": "workbench.team.lan:5000"}).status_code == 200
    assert client.get("/", headers={"Host": "10.0.0.5"}).status_code == 200
    assert client.get("/", headers={"Host": "other.lan"}).status_code == 421


def test_every_answer_carries_the_security_headers(client: FlaskClient) -> None:
    for path in ("/", "/sets/new", "/nowhere", "/static/workbench.js"):
        headers = client.get(path).headers
        assert headers["Content-Security-Policy"] == CONTENT_SECURITY_POLICY, path
        assert "script-src 'self'" in CONTENT_SECURITY_POLICY
        assert "frame-ancestors 'none'" in CONTENT_SECURITY_POLICY
        assert headers["X-Content-Type-Options"] == "nosniff"
        assert headers["X-Frame-Options"] == "DENY"
        assert headers["Referrer-Policy"] == "same-origin"


def test_no_page_holds_an_inline_script(client: FlaskClient, with_set: int) -> None:
    for path in ("/", "/sets/new", f"/sets/{with_set}", f"/sets/{with_set}/edit", "/memory/",
                 "/terms/", "/terms/termbase"):
        page = client.get(path).get_data(as_text=True)
        for tag in page.split("<script")[1:]:
            assert tag.split(">", 1)[0].strip().startswith("src="), (path, tag[:80])
        assert " onclick=" not in page and " onsubmit=" not in page


def test_the_secret_key_is_made_once_readable_by_its_owner(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("WORKBENCH_SECRET_KEY", raising=False)
    first = secret_key(tmp_path)
    assert len(first) == 64 and first != "dev"
    assert secret_key(tmp_path) == first
    mode = stat.S_IMODE(os.stat(tmp_path / "secret_key").st_mode)
    assert mode == 0o600
    assert secret_key(tmp_path / "other") != first
    monkeypatch.setenv("WORKBENCH_SECRET_KEY", "from-the-team-config")
    assert secret_key(tmp_path) == "from-the-team-config"


def test_the_app_takes_the_teams_key_or_makes_one(database_url: str,
                                                  monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("WORKBENCH_SECRET_KEY", "shared-by-the-workers")
    assert create_app({"DATABASE_URL": database_url}).config["SECRET_KEY"] == \
        "shared-by-the-workers"


def test_numbers_beyond_a_database_integer_are_not_a_server_error(
        client: FlaskClient, with_set: int) -> None:
    huge = str(2**63)
    assert client.get(f"/sets/{huge}").status_code == 404
    assert client.get(f"/sets/{huge}/edit").status_code == 404
    response = client.post(f"/sets/{with_set}/edit/confirm",
                           data={"revision": huge, "row": "1"})
    assert response.status_code == 400
    response = client.post(f"/sets/{with_set}/edit/confirm",
                           data={"revision": "0", "row": str(2**70)})
    assert response.status_code == 400


@pytest.mark.parametrize("content_type", ["multipart/form-data",
                                          "application/x-www-form-urlencoded"])
def test_a_long_pasted_page_gets_the_page_limit_not_the_upload_limit(
        client: FlaskClient, content_type: str) -> None:
    response = client.post("/sets", data={"slot-lang-0": "en-GB",
                                          "slot-text-0": "A sentence. " * 600_000,
                                          "slot-lang-1": "ru-RU", "slot-text-1": "Да."},
                           content_type=content_type)
    assert response.status_code in (400, 413)
    said = response.get_data(as_text=True)
    assert "at most 5 MB" in said and "25 MB" not in said
    assert client.get("/sets.json").get_json() == []


def test_a_pasted_page_over_werkzeugs_form_default_is_not_refused_for_its_size(
        client: FlaskClient) -> None:
    text = "The delegation met the ministers in Minsk. " * 14_000  # about 600 KB
    response = client.post("/sets", data={"slot-lang-0": "en-GB", "slot-text-0": text},
                           content_type="multipart/form-data")
    said = response.get_data(as_text=True)
    assert response.status_code == 400  # one version alone: read, then refused for that
    assert "too large" not in said and "at least two" in said


def test_creating_sets_is_rate_limited(database_url: str) -> None:
    app = create_app({"TESTING": True, "DATABASE_URL": database_url, "SECRET_KEY": "x",
                      "RATE_LIMIT_CREATE": "3 per minute"})
    from tests.conftest import PageClient

    app.test_client_class = PageClient
    client = app.test_client()
    codes = [client.post("/sets", data=PAIR).status_code for _ in range(5)]
    assert codes == [303, 303, 303, 429, 429]
    response = client.post("/sets", data=PAIR)
    assert "Too many new sets or imports" in response.get_data(as_text=True)
    assert len(client.get("/sets.json").get_json()) == 3


def test_the_refusals_speak_the_users_language(client: FlaskClient,
                                               bare_client: FlaskClient) -> None:
    response = bare_client.post("/sets?ui=de", data=PAIR)
    assert response.status_code == 400
    assert "did not come from the workbench" not in response.get_data(as_text=True)
    response = client.get("/?ui=fr", headers={"Host": "evil.example"})
    assert "--allowed-host evil.example" in response.get_data(as_text=True)
    assert "does not answer" not in response.get_data(as_text=True)


def test_demo_pages_upload_through_the_form_with_the_token(client: FlaskClient) -> None:
    files = [(io.BytesIO(demo_page("004", lang).read_bytes()), f"004.{lang}.html")
             for lang in ("ru-RU", "en-GB")]
    response = client.post("/sets", data={"files": files}, content_type="multipart/form-data")
    assert response.status_code == 303


def test_a_nul_character_is_refused_before_anything(client: FlaskClient) -> None:
    # PostgreSQL cannot store one: each such request answered 500, before sign-in too
    for answer in (client.post("/login", data={"name": "ad\x00a", "password": "x" * 12}),
                   client.get("/memory/fuzzy.json?text=a%00b&source=en&target=ru"),
                   client.post("/sets", data={"slot-lang-0": "ru-RU", "slot-text-0": "А\x00"})):
        assert answer.status_code == 400
        assert "holds a NUL character" in answer.get_data(as_text=True)

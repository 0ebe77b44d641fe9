"""Shared fixtures: an app on a fresh SQLite database, its test client, a CLI runner."""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner
from flask import Flask
from flask.testing import FlaskClient
from werkzeug.test import TestResponse

from workbench.app import create_app

ROOT = Path(__file__).resolve().parent.parent
SHARED = ROOT.parent / "shared"
DEMO_PAGES = ROOT / "workbench" / "demo" / "pages"


class PageClient(FlaskClient):
    """A test client that posts as the workbench's own pages do: with the session's CSRF
    token, read once from a page as a browser would (``X-CSRFToken``, as htmx sends it)."""

    token: str | None = None

    def open(self, *args: Any, **kwargs: Any) -> TestResponse:
        method = str(kwargs.get("method", "GET")).upper()
        if method not in ("GET", "HEAD", "OPTIONS"):
            if self.token is None:
                page = super().open("/", method="GET").get_data(as_text=True)
                found = re.search(r'<meta name="csrf-token" content="([^"]+)"', page)
                assert found, "the page carries no CSRF token"
                self.token = found.group(1)
            headers = dict(kwargs.pop("headers", None) or {})
            headers.setdefault("X-CSRFToken", self.token)
            kwargs["headers"] = headers
        return super().open(*args, **kwargs)


@pytest.fixture
def database_url(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> str:
    url = f"sqlite:///{tmp_path / 'workbench.sqlite'}"
    monkeypatch.setenv("WORKBENCH_DATABASE_URL", url)
    return url


@pytest.fixture
def app(database_url: str) -> Iterator[Flask]:
    app = create_app({"TESTING": True, "DATABASE_URL": database_url, "SECRET_KEY": "test"})
    app.test_client_class = PageClient
    yield app


@pytest.fixture
def client(app: Flask) -> FlaskClient:
    return app.test_client()


@pytest.fixture
def bare_client(app: Flask) -> FlaskClient:
    """A client that sends no CSRF token, as another site's page would."""
    return FlaskClient(app, app.response_class, use_cookies=True)


@pytest.fixture
def runner(database_url: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> CliRunner:
    monkeypatch.chdir(tmp_path)
    return CliRunner()


def demo_page(number: str, lang: str) -> Path:
    """A demo page file, e.g. demo_page('000', 'ru-RU')."""
    return DEMO_PAGES / f"{number}.{lang}.html"

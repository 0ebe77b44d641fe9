"""Shared fixtures: an app on a fresh SQLite database, its test client, a CLI runner."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from click.testing import CliRunner
from flask import Flask
from flask.testing import FlaskClient

from workbench.app import create_app

ROOT = Path(__file__).resolve().parent.parent
SHARED = ROOT.parent / "shared"
DEMO_PAGES = ROOT / "workbench" / "demo" / "pages"


@pytest.fixture
def database_url(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> str:
    url = f"sqlite:///{tmp_path / 'workbench.sqlite'}"
    monkeypatch.setenv("WORKBENCH_DATABASE_URL", url)
    return url


@pytest.fixture
def app(database_url: str) -> Iterator[Flask]:
    app = create_app({"TESTING": True, "DATABASE_URL": database_url})
    yield app


@pytest.fixture
def client(app: Flask) -> FlaskClient:
    return app.test_client()


@pytest.fixture
def runner(database_url: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> CliRunner:
    monkeypatch.chdir(tmp_path)
    return CliRunner()


def demo_page(number: str, lang: str) -> Path:
    """A demo page file, e.g. demo_page('000', 'ru-RU')."""
    return DEMO_PAGES / f"{number}.{lang}.html"

"""The alignment engine's errors said in the user's language (``workbench.engine_messages``):
every kind the engine can raise, in every interface language."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from flask import Flask

from alignments import AlignmentError
from alignments.errors import MESSAGES
from workbench.engine_messages import ENGINE_MESSAGES, engine_message

PLACEHOLDER = re.compile(r"%\((\w+)\)[sr]")


@pytest.fixture(scope="module")
def interface(tmp_path_factory: pytest.TempPathFactory) -> Flask:
    """The app, for its interface languages only (no database is read)."""
    from workbench.app import create_app

    folder: Path = tmp_path_factory.mktemp("interface")
    return create_app({"TESTING": True, "SECRET_KEY": "test",
                       "DATABASE_URL": f"sqlite:///{folder / 'workbench.sqlite'}"})


def sample(kind: str) -> AlignmentError:
    """An error of ``kind`` with made-up particulars."""
    return AlignmentError(kind, **{name: f"<{name}>" for name in
                                   PLACEHOLDER.findall(MESSAGES[kind])})


def test_every_kind_the_engine_raises_has_its_sentence_here() -> None:
    assert set(ENGINE_MESSAGES) == set(MESSAGES)
    for kind, sentence in ENGINE_MESSAGES.items():
        # a sentence here uses only particulars the engine gives
        assert set(PLACEHOLDER.findall(sentence)) <= set(PLACEHOLDER.findall(MESSAGES[kind])), \
            kind


@pytest.mark.parametrize("ui", ["ru", "de", "fr", "es"])
def test_every_engine_error_is_said_in_the_interface_language(interface: Flask,
                                                              ui: str) -> None:
    for kind in MESSAGES:
        with interface.test_request_context("/?ui=en"):
            english = engine_message(sample(kind))
        with interface.test_request_context(f"/?ui={ui}"):
            said = engine_message(sample(kind))
        assert said != english and "%(" not in said, (ui, kind, said)
        for name in PLACEHOLDER.findall(ENGINE_MESSAGES[kind]):
            assert f"<{name}>" in said, (ui, kind, name)


def test_without_a_request_the_engine_speaks_english() -> None:
    # the command line has no interface language
    error = AlignmentError("pivot-missing", lang="fr", langs="ru, en")
    assert engine_message(error) == "the pivot language 'fr' is not among the versions (ru, en)"

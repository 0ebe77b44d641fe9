"""The demo corpus stored through its gold rows (hand alignment), without the aligner:
what the terminology tests and benchmarks measure discovery on."""

from __future__ import annotations

import json
from collections.abc import Mapping
from importlib import resources
from typing import Any

from sqlalchemy.orm import Session

from workbench.memory.rows import cover_rows
from workbench.models import DocumentSet, Row, Sentence, Version


def gold_pages() -> list[dict[str, Any]]:
    """The gold alignment of every demo page (``workbench/demo/gold/NNN.json``)."""
    folder = resources.files("workbench.demo") / "gold"
    return [
        json.loads(entry.read_text(encoding="utf-8"))
        for entry in sorted(folder.iterdir(), key=lambda e: e.name)
        if entry.name.endswith(".json")
    ]


def store_gold_set(session: Session, gold: Mapping[str, Any], *, name: str | None = None,
                   pivot: str = "ru-RU") -> DocumentSet:
    """A document set whose rows are the gold rows of one demo page. An imported TMX unit
    one of its rows says the same as is shown once, as the set's row, as for any set stored
    (``memory.rows.cover_rows``)."""
    langs: list[str] = sorted(gold["langs"], key=lambda lang: lang != pivot)
    pivot_lang = langs[0]
    document_set = DocumentSet(name=name or f"demo {gold['page']}", pivot_lang=pivot_lang)
    session.add(document_set)
    versions = {}
    for position, lang in enumerate(langs):
        version = Version(lang=lang, position=position, title="", source=f"gold {gold['page']}",
                          variants=[])
        document_set.versions.append(version)
        versions[lang] = version
    counters = dict.fromkeys(langs, 0)
    for position, cells in enumerate(gold["rows"]):
        row = Row(position=position, score=1.0, status="confirmed")
        document_set.rows.append(row)
        for lang in langs:
            for text in cells.get(lang, []):
                sentence = Sentence(position=counters[lang], paragraph=0, text=text)
                counters[lang] += 1
                versions[lang].sentences.append(sentence)
                sentence.row = row
    session.flush()
    cover_rows(session, [row.id for row in document_set.rows])
    return document_set


def store_gold_corpus(session: Session) -> list[DocumentSet]:
    """Every demo page stored through its gold rows."""
    return [store_gold_set(session, gold) for gold in gold_pages()]

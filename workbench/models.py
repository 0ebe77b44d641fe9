"""The working state, as SQLAlchemy 2 models: document sets, versions, sentences, rows.

A row is an aligned unit; each sentence belongs to exactly one row, so a row's cell for a
language is the sentences of that language's version that point at it. Merging, splitting
and moving are therefore updates of ``Sentence.row_id``; every edit is kept in ``Edit`` for
undo and redo. ``DocumentSet.revision`` grows with every change so that a stale edit (from
a second tab) can be refused.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from datetime import UTC, datetime

from sqlalchemy import (
    JSON,
    FetchedValue,
    Float,
    ForeignKey,
    Integer,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, relationship


def utcnow() -> datetime:
    """The current time, in UTC."""
    return datetime.now(UTC).replace(tzinfo=None)


class Base(DeclarativeBase):
    pass


class DocumentSet(Base):
    """The language versions of one page, aligned together."""

    __tablename__ = "document_set"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(300))
    pivot_lang: Mapped[str] = mapped_column(String(20))
    revision: Mapped[int] = mapped_column(Integer, default=0)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)

    versions: Mapped[list[Version]] = relationship(
        back_populates="document_set", cascade="all, delete-orphan", order_by="Version.position"
    )
    rows: Mapped[list[Row]] = relationship(
        back_populates="document_set", cascade="all, delete-orphan", order_by="Row.position"
    )

    @property
    def langs(self) -> list[str]:
        """The languages of the set, pivot first."""
        return [v.lang for v in self.versions]


class Version(Base):
    """One language version of the page, as imported."""

    __tablename__ = "version"
    __table_args__ = (UniqueConstraint("set_id", "lang"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    set_id: Mapped[int] = mapped_column(ForeignKey("document_set.id", ondelete="CASCADE"))
    lang: Mapped[str] = mapped_column(String(20))
    position: Mapped[int] = mapped_column(Integer, default=0)
    title: Mapped[str] = mapped_column(Text, default="")
    source: Mapped[str] = mapped_column(String(500), default="")
    published: Mapped[str | None] = mapped_column(String(100), nullable=True)
    variants: Mapped[list[str]] = mapped_column(JSON, default=list)

    document_set: Mapped[DocumentSet] = relationship(back_populates="versions")
    sentences: Mapped[list[Sentence]] = relationship(
        back_populates="version", cascade="all, delete-orphan", order_by="Sentence.position"
    )


def cell_scores_text(scores: Mapping[str, float]) -> str | None:
    """What ``Row.cell_scores`` stores of each version's confidence in a row (None: none)."""
    if not scores:
        return None
    return json.dumps({lang: round(float(score), 4) for lang, score in sorted(scores.items())},
                      separators=(",", ":"))


def read_cell_scores(stored: str | None) -> dict[str, float]:
    """``Row.cell_scores`` as a mapping (empty for a row stored without them)."""
    if not stored:
        return {}
    return {str(lang): float(score) for lang, score in json.loads(stored).items()}


class Row(Base):
    """An aligned unit across all languages, with its confidence and status."""

    __tablename__ = "row"

    id: Mapped[int] = mapped_column(primary_key=True)
    set_id: Mapped[int] = mapped_column(ForeignKey("document_set.id", ondelete="CASCADE"))
    position: Mapped[int] = mapped_column(Integer, index=True)
    score: Mapped[float] = mapped_column(Float, default=0.0)
    status: Mapped[str] = mapped_column(String(20), default="auto")  # auto | confirmed
    # how sure the aligner is of each version's cell, as JSON ({"de-DE": 0.93, …}: see
    # alignments.beads.Row.cell_scores); None for a row it did not place. Left out of an
    # INSERT that does not set it (FetchedValue, not fetched back), as rows were written
    # before migration 0017: tests store sets under older schemas.
    cell_scores: Mapped[str | None] = mapped_column(Text, nullable=True,
                                                    server_default=FetchedValue())

    __mapper_args__ = {"eager_defaults": False}

    document_set: Mapped[DocumentSet] = relationship(back_populates="rows")
    sentences: Mapped[list[Sentence]] = relationship(
        back_populates="row", order_by="Sentence.position"
    )


class Sentence(Base):
    """A sentence of one version, in document order, in exactly one row."""

    __tablename__ = "sentence"

    id: Mapped[int] = mapped_column(primary_key=True)
    version_id: Mapped[int] = mapped_column(ForeignKey("version.id", ondelete="CASCADE"))
    row_id: Mapped[int | None] = mapped_column(
        ForeignKey("row.id", ondelete="SET NULL"), nullable=True, index=True
    )
    position: Mapped[int] = mapped_column(Integer)
    paragraph: Mapped[int] = mapped_column(Integer, default=0)
    text: Mapped[str] = mapped_column(Text)
    original_text: Mapped[str | None] = mapped_column(Text, nullable=True)

    version: Mapped[Version] = relationship(back_populates="sentences")
    row: Mapped[Row | None] = relationship(back_populates="sentences")


class Edit(Base):
    """One step of a set's edit history: what an operation changed, for undo and redo."""

    __tablename__ = "edit"

    id: Mapped[int] = mapped_column(primary_key=True)
    set_id: Mapped[int] = mapped_column(
        ForeignKey("document_set.id", ondelete="CASCADE"), index=True
    )
    seq: Mapped[int] = mapped_column(Integer)
    operation: Mapped[str] = mapped_column(String(40))
    before: Mapped[dict[str, object]] = mapped_column(JSON)
    after: Mapped[dict[str, object]] = mapped_column(JSON)
    undone: Mapped[bool] = mapped_column(default=False)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    # the name of the account that made the step (kept after the account is removed, like
    # ``Activity.account``); None on a desk with no accounts (migration 0012_edit_author)
    author: Mapped[str | None] = mapped_column(String(80), nullable=True, default=None)

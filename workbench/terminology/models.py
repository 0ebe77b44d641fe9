"""The termbase and the terminologist's decisions, as SQLAlchemy models (migration 0002;
0009 added what TBX files say beyond the basics, and keeps languages with their regions).

A term's language is its code as the file or the terminologist gave it, region and all
(``en-US`` and ``en-GB`` are two languages of a concept, ``zh-CN`` and ``zh-TW`` too);
what matches a term to text by its base language (the checks) does so itself.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, ForeignKey, String, Text, UniqueConstraint
from sqlalchemy import text as sql
from sqlalchemy.orm import Mapped, mapped_column, relationship

from workbench.models import Base, utcnow

STATUSES = ("preferred", "admitted", "deprecated")


class Concept(Base):
    """A concept of the termbase: one thing, named by terms in several languages."""

    __tablename__ = "term_concept"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(500))
    definition: Mapped[str] = mapped_column(Text, default="")
    subject: Mapped[str] = mapped_column(String(200), default="")
    note: Mapped[str] = mapped_column(Text, default="")
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    # What a TBX file says of the concept beyond the columns, to write it out again:
    # ``details`` and ``transactions`` (every definition, note, subject field, source ...,
    # in order), ``languages`` (the same for each language: {lang: {details, transactions}})
    # and the file's ``id``. Empty for a concept the workbench made itself.
    data: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict, server_default=sql("'{}'"))

    terms: Mapped[list[Term]] = relationship(
        back_populates="concept", cascade="all, delete-orphan", order_by="Term.id"
    )

    def terms_in(self, lang: str) -> list[Term]:
        """The concept's terms in one language (its code as stored), preferred first."""
        return sorted(
            (t for t in self.terms if t.lang == lang), key=lambda t: STATUSES.index(t.status)
        )


class Term(Base):
    """A term of a concept in one language, with its status."""

    __tablename__ = "term_entry"
    __table_args__ = (UniqueConstraint("concept_id", "lang", "text"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    concept_id: Mapped[int] = mapped_column(
        ForeignKey("term_concept.id", ondelete="CASCADE"), index=True
    )
    lang: Mapped[str] = mapped_column(String(20), index=True)
    text: Mapped[str] = mapped_column(String(500))
    status: Mapped[str] = mapped_column(String(20), default="admitted")
    note: Mapped[str] = mapped_column(Text, default="")
    # The TBX status as the file gave it (``status`` above is what it means: superseded is
    # deprecated, standardized preferred ...), the term's ``details`` (part of speech, term
    # type, contexts, notes ...) and ``transactions``. Empty for a term the workbench made.
    data: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict, server_default=sql("'{}'"))

    concept: Mapped[Concept] = relationship(back_populates="terms")


class Decision(Base):
    """What a terminologist decided about a flag: settled (a concept) or dismissed."""

    __tablename__ = "term_decision"

    id: Mapped[int] = mapped_column(primary_key=True)
    flag_key: Mapped[str] = mapped_column(String(32), unique=True, index=True)
    action: Mapped[str] = mapped_column(String(20))  # settled | dismissed
    lang: Mapped[str] = mapped_column(String(20))
    variants: Mapped[list[str]] = mapped_column(JSON, default=list)
    concept_id: Mapped[int | None] = mapped_column(
        ForeignKey("term_concept.id", ondelete="SET NULL"), nullable=True
    )
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    # The terms a settlement added to its concept, [[lang, text], ...] (migration 0010);
    # None for decisions taken before, and for dismissals.
    terms: Mapped[list[list[str]] | None] = mapped_column(JSON, nullable=True, default=None)


class ExcludedSet(Base):
    """A document set left out of discovery (a throw-away or test set): its rows raise no
    flags unless the set is chosen by name (migration 0005)."""

    __tablename__ = "term_excluded_set"

    set_id: Mapped[int] = mapped_column(
        ForeignKey("document_set.id", ondelete="CASCADE"), primary_key=True
    )
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class CheckDismissal(Base):
    """A termbase check issue marked as a false positive: kept by the issue's key (its
    set, row, language, concept, kind and the term's text), so it does not come back
    while that row says the same thing (migration 0005)."""

    __tablename__ = "term_check_dismissal"

    id: Mapped[int] = mapped_column(primary_key=True)
    issue_key: Mapped[str] = mapped_column(String(32), unique=True, index=True)
    set_id: Mapped[int] = mapped_column()
    row_id: Mapped[int] = mapped_column()
    lang: Mapped[str] = mapped_column(String(20))
    kind: Mapped[str] = mapped_column(String(30))
    concept_id: Mapped[int] = mapped_column()
    text: Mapped[str] = mapped_column(String(500), default="")
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

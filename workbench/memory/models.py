"""The imported translation memory, as SQLAlchemy models (migration 0003).

An origin is one imported TMX file; its units keep the variants (one text per language)
exactly as the file had them, with the language codes normalised (``EN-US`` -> ``en-US``).
Its ``status`` (migration 0004) is ``ready`` only once the whole file is stored: an import
commits in batches, and only ready origins are part of the memory.
What a unit and a variant said about themselves in the file (migration 0005) is kept in
their ``meta``, JSON, NULL when they said nothing beyond their text (see ``MemoryUnit``).
The FTS5 index over the variants and the one over the sets' sentences are not models: the
migration creates them with the triggers that keep them current.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, BigInteger, ForeignKey, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from workbench.models import Base, utcnow

IMPORTING, READY, REMOVING = "importing", "ready", "removing"


class MemoryOrigin(Base):
    """A TMX file imported into the memory: its name, the tool that made it, when, and
    the languages of its units.

    ``status`` is ``ready`` once every unit is stored; before (``importing``) and while it
    is taken out (``removing``) the origin is part of no search, count or export.
    ``importer`` (host:pid) and ``heartbeat_at`` say who is at it and when they last
    committed, so that what a killed process left can be told from work in progress."""

    __tablename__ = "memory_origin"

    id: Mapped[int] = mapped_column(primary_key=True)
    file_name: Mapped[str] = mapped_column(String(500))
    tool: Mapped[str] = mapped_column(String(200), default="")
    source_lang: Mapped[str] = mapped_column(String(20), default="")
    imported_at: Mapped[datetime] = mapped_column(default=utcnow)
    unit_count: Mapped[int] = mapped_column(Integer, default=0)
    langs: Mapped[list[str]] = mapped_column(JSON, default=list)  # as normalised, sorted
    status: Mapped[str] = mapped_column(String(20), default=READY, server_default=READY)
    importer: Mapped[str] = mapped_column(String(200), default="", server_default="")
    heartbeat_at: Mapped[datetime | None] = mapped_column(nullable=True)

    units: Mapped[list[MemoryUnit]] = relationship(
        back_populates="origin", cascade="all, delete-orphan", passive_deletes=True
    )
    # Not stored: set by the import, the units of the file left out as already in the
    # memory (another file holds the same texts), and those kept but not shown, a set's
    # row saying the same (``MemoryUnit.row_id``; ``store.origins`` counts them too).
    already_in_memory = 0
    in_sets = 0


class MemoryEcho(Base):
    """A unit a file left out as already in the memory (another file holds the same
    texts): the file, the unit's place in it and its fingerprint. Removing the file that
    holds the unit hands it to this one, at this place (migration 0015)."""

    __tablename__ = "memory_echo"

    id: Mapped[int] = mapped_column(primary_key=True)
    origin_id: Mapped[int] = mapped_column(ForeignKey("memory_origin.id", ondelete="CASCADE"),
                                           index=True)
    position: Mapped[int] = mapped_column(Integer)
    fingerprint: Mapped[int] = mapped_column(BigInteger, index=True)


class MemoryRowPrint(Base):
    """The fingerprint of a set's row in two of its languages (``prints.fingerprint`` of
    those two texts), one for each pair of languages it has text in: what an import looks
    its units up in, to find those a set's row already says (migration 0016). Kept current
    set by set, by the set's revision (``MemorySetPrint``), by the imports themselves."""

    __tablename__ = "memory_row_print"

    id: Mapped[int] = mapped_column(primary_key=True)
    set_id: Mapped[int] = mapped_column(Integer, index=True)
    row_id: Mapped[int] = mapped_column(Integer)
    fingerprint: Mapped[int] = mapped_column(BigInteger, index=True)


class MemorySetPrint(Base):
    """The revision of a set its rows' fingerprints (``MemoryRowPrint``) were taken at."""

    __tablename__ = "memory_set_print"

    set_id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=False)
    revision: Mapped[int] = mapped_column(Integer)


class MemoryUnit(Base):
    """A translation unit of an imported file, and its place there (the n-th ``<tu>``).

    ``meta`` (and a variant's) is what the ``<tu>`` (``<tuv>``) carried besides its tuid and
    texts, for the export to give back: ``{"attrs": [[name, value], ...], "props": [[type,
    text], ...], "notes": [text, ...]}``, each key only when there is something. ``attrs``
    are the attributes as ``tmx`` reads them (dates in TMX's form ``20130514T091402Z``;
    ``srclang`` normalised like the variants' languages); NULL when there is nothing."""

    __tablename__ = "memory_unit"
    __table_args__ = (UniqueConstraint("origin_id", "position"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    origin_id: Mapped[int] = mapped_column(ForeignKey("memory_origin.id", ondelete="CASCADE"))
    position: Mapped[int] = mapped_column(Integer)
    tuid: Mapped[str | None] = mapped_column(String(200), nullable=True)
    meta: Mapped[dict[str, list[Any]] | None] = mapped_column(JSON(none_as_null=True),
                                                             nullable=True)
    # a hash of its languages and texts (migration 0013): the same unit in another file is
    # not stored again (``workbench.memory.prints.fingerprint``)
    fingerprint: Mapped[int | None] = mapped_column(BigInteger, nullable=True, index=True)
    # the set's row that says the same in the unit's languages (migration 0016), found when
    # the file was imported or when the row was stored or edited later: the unit is kept,
    # but no search, count or export shows it while the row is there saying so; an edit of
    # the row or the set's deletion sets it back to NULL
    # (``workbench.memory.rows.release_rows``), and the unit is seen again
    row_id: Mapped[int | None] = mapped_column(Integer, nullable=True, index=True)
    # the fingerprint of its texts in its first two languages (migration 0018), as a row
    # has one for each pair of its languages: what rows stored or edited after the import
    # look the units they say up by (``workbench.memory.rows.cover_rows``); NULL for a
    # unit no row can say (one language, or two texts in one)
    pair_print: Mapped[int | None] = mapped_column(BigInteger, nullable=True, index=True)

    origin: Mapped[MemoryOrigin] = relationship(back_populates="units")
    variants: Mapped[list[MemoryVariant]] = relationship(
        back_populates="unit", cascade="all, delete-orphan", passive_deletes=True,
        order_by="MemoryVariant.id",
    )


class MemoryVariant(Base):
    """The text of an imported unit in one language."""

    __tablename__ = "memory_variant"

    id: Mapped[int] = mapped_column(primary_key=True)
    unit_id: Mapped[int] = mapped_column(
        ForeignKey("memory_unit.id", ondelete="CASCADE"), index=True
    )
    lang: Mapped[str] = mapped_column(String(20))
    text: Mapped[str] = mapped_column(Text)
    meta: Mapped[dict[str, list[Any]] | None] = mapped_column(JSON(none_as_null=True),
                                                             nullable=True)

    unit: Mapped[MemoryUnit] = relationship(back_populates="variants")

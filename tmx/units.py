"""What a TMX file holds, and the small rules both directions share.

A unit and its variants are named tuples: immutable like a frozen dataclass, and three times
cheaper to make, which counts when a memory holds millions of them.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import UTC, datetime
from functools import lru_cache
from typing import NamedTuple

# XML 1.0 allows TAB, LF, CR, U+0020-U+D7FF, U+E000-U+FFFD and U+10000-U+10FFFF; the rest
# (C0 controls, lone surrogates, U+FFFE/U+FFFF) cannot be written at all.
XML_FORBIDDEN = re.compile("[^\t\n\r\u0020-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")
TMX_DATE = re.compile(r"(\d{4})-?(\d\d)-?(\d\d)T(\d\d):?(\d\d):?(\d\d)Z?", re.IGNORECASE)
PROPERTY_PREFIX = "x-"


def N_(message: str) -> str:  # noqa: N802 (the usual name of gettext_noop)
    """``message`` as it is, marked for the interface catalogues: the application that shows
    an error translates its ``template`` and fills in its ``params``."""
    return message


class TmxParseError(ValueError):
    """A TMX file that cannot be read; the message says where and why, in plain words.

    ``reason`` is the English sentence; ``template`` (marked with ``N_``) and ``params`` let
    an application say it in its user's language: ``gettext(template) % params``.
    """

    def __init__(self, template: str, line: int | None = None, **params: object) -> None:
        reason = template % params if params else template
        super().__init__(f"line {line}: {reason}" if line else reason)
        self.line = line
        self.reason = reason
        self.template = template
        self.params = params


Pairs = tuple[tuple[str, str], ...]

# The attributes TMX 1.4b's DTD allows on a <tu> and a <tuv> besides tuid, the dates the unit
# has fields for, srclang and the language: what ``attributes`` may hold, in the DTD's order.
TU_ATTRIBUTES = ("o-encoding", "datatype", "usagecount", "lastusagedate", "creationtool",
                 "creationtoolversion", "creationid", "segtype", "changeid", "o-tmf")
TUV_ATTRIBUTES = ("o-encoding", "datatype", "usagecount", "lastusagedate", "creationtool",
                  "creationtoolversion", "creationdate", "creationid", "changedate", "o-tmf",
                  "changeid")
DATE_ATTRIBUTES = frozenset({"creationdate", "changedate", "lastusagedate"})
SEGTYPES = ("block", "paragraph", "sentence", "phrase")


class Variant(NamedTuple):
    """The text of one translation unit in one language (``lang`` as written, e.g. ``ru-RU``),
    with what the ``<tuv>`` says about it: ``attributes`` (``creationid``, ``changedate``,
    ``usagecount`` ... as (name, value) in the file's order, dates in TMX's own form
    ``20260124T093000Z``; see ``TUV_ATTRIBUTES``), ``properties`` (``<prop>`` type and text)
    and ``notes``."""

    lang: str
    text: str
    attributes: Pairs = ()
    properties: Pairs = ()
    notes: tuple[str, ...] = ()


class TranslationUnit(NamedTuple):
    """One aligned segment in several languages, with its properties, dates and notes.

    ``srclang`` is the unit's own source language (``<tu srclang>``), which overrides the
    header's; ``attributes`` are the other attributes of the ``<tu>`` (``creationid``,
    ``changeid``, ``usagecount``, ``lastusagedate`` ... as (name, value) in the file's order,
    dates in TMX's own form; see ``TU_ATTRIBUTES``).
    """

    tuid: str | None
    variants: tuple[Variant, ...]
    properties: Pairs = ()
    creation_date: datetime | None = None
    change_date: datetime | None = None
    notes: tuple[str, ...] = ()
    srclang: str | None = None
    attributes: Pairs = ()

    @property
    def note(self) -> str | None:
        """The notes joined with a newline, or None when there is none."""
        return "\n".join(self.notes) if self.notes else None

    def text(self, lang: str) -> str | None:
        """The text in ``lang`` (the first variant in that language), or None."""
        for variant in self.variants:
            if variant.lang == lang:
                return variant.text
        return None

    @property
    def langs(self) -> tuple[str, ...]:
        """The languages of the variants, in order."""
        return tuple(variant.lang for variant in self.variants)


@dataclass(frozen=True, slots=True)
class TmxHeader:
    """The ``<header>`` of a TMX file: who made it, the source language, how it is segmented.

    ``srclang`` may be ``*all*`` (any variant can be the source); a variant never can.
    """

    srclang: str
    creation_tool: str = "alignment-workbench"
    creation_tool_version: str = "unknown"
    segtype: str = "sentence"
    o_tmf: str = "alignment-workbench"
    adminlang: str = "en-US"
    datatype: str = "plaintext"
    creation_date: datetime | None = None
    properties: Pairs = ()


def xml_safe(text: str) -> str:
    """``text`` without the characters XML 1.0 cannot carry (everything else untouched)."""
    return XML_FORBIDDEN.sub("", text)


def property_type(name: str) -> str:
    """A property type as TMX wants user-defined ones: prefixed with ``x-``."""
    return name if name.startswith(PROPERTY_PREFIX) else PROPERTY_PREFIX + name


@lru_cache(maxsize=4096)  # a file's dates repeat: one per document set, mostly
def format_date(moment: datetime) -> str:
    """``moment`` in UTC as TMX writes dates, ``YYYYMMDDThhmmssZ`` (naive means UTC)."""
    if moment.tzinfo is not None:
        moment = moment.astimezone(UTC)
    return (f"{moment.year:04d}{moment.month:02d}{moment.day:02d}"
            f"T{moment.hour:02d}{moment.minute:02d}{moment.second:02d}Z")


@lru_cache(maxsize=4096)
def parse_date(value: str | None) -> datetime | None:
    """A TMX date (``20260124T093000Z``) as an aware UTC datetime; None if absent or unreadable.

    Also takes the ISO 8601 spelling some tools write (``2026-01-24T09:30:00Z``).
    """
    match = TMX_DATE.fullmatch(value.strip()) if value else None
    if match is None:
        return None
    try:
        year, month, day, hour, minute, second = map(int, match.groups())
        return datetime(year, month, day, hour, minute, second, tzinfo=UTC)
    except ValueError:
        return None


def attribute_value(name: str, value: str, allowed: tuple[str, ...]) -> str | None:
    """``value`` as ``attributes`` keep it for a ``<tu>`` or ``<tuv>`` attribute ``name`` (one
    of ``allowed``), or None when TMX 1.4b could not carry it: a name the DTD does not allow
    there, an unreadable date (dates come back in TMX's form), a segtype TMX does not know."""
    if name not in allowed:
        return None
    if name in DATE_ATTRIBUTES:
        moment = parse_date(value)
        return None if moment is None else format_date(moment)
    if name == "segtype" and value not in SEGTYPES:
        return None
    return value

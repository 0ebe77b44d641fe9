"""A Word document (.docx) as a page: its paragraphs and table cells, in document order.

``read_version`` (workbench.importers) hands a file here when ``is_docx`` says it is one: a
name ending in .docx, or a ZIP package holding ``word/document.xml``. What comes back is
what the other formats give: a title, the body paragraphs and, when the document says so,
its language. Headers, footers, footnotes, comments and text boxes are left out, as menus
and footers are left out of an HTML page; deleted text (tracked changes) too.

A .docx is a ZIP package of XML parts. Before python-docx unpacks anything, the sizes the
package declares are checked (a ZIP that unpacks to gigabytes is refused, and zipfile never
unpacks more than a member declares); the XML is parsed without resolving entities.
"""

from __future__ import annotations

import io
import zipfile
import zlib
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass
from typing import TYPE_CHECKING

from flask_babel import format_decimal
from flask_babel import gettext as _
from lxml import etree

from workbench.errors import PageImportError
from workbench.importers import MAX_PAGE_BYTES, agreeing_language

if TYPE_CHECKING:
    from docx.document import Document as WordDocument

__all__ = ["MAX_UNPACKED_BYTES", "WordPage", "is_docx", "read_docx"]

# What a document's parts may unpack to, all together. A page's text is at most
# MAX_PAGE_BYTES, and Word's XML around text is a few times the text: five times that is
# room for any page, and refuses a ZIP bomb before anything is unpacked.
MAX_UNPACKED_BYTES = 5 * MAX_PAGE_BYTES

_ZIP = b"PK\x03\x04"
_OLD_OFFICE = b"\xd0\xcf\x11\xe0"
_W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
# Inside a paragraph: what is text, what is a space, and what is not the paragraph's text.
_TEXT = {f"{_W}t": None, f"{_W}tab": " ", f"{_W}br": " ", f"{_W}cr": " ",
         f"{_W}noBreakHyphen": "-"}
_SKIPPED = {f"{_W}txbxContent", f"{_W}del", f"{_W}moveFrom", f"{_W}rPr", f"{_W}pPr",
            f"{_W}footnoteReference", f"{_W}endnoteReference", f"{_W}commentReference"}
_TITLE_STYLES = ("Title",)
_HEADING_STYLES = ("Heading 1",)


@dataclass(frozen=True)
class WordPage:
    """What a Word document holds for the workbench (the title is not among the paragraphs)."""

    title: str
    paragraphs: tuple[str, ...]
    lang: str | None  # as the document declares it, when its text agrees


def is_docx(data: bytes, filename: str) -> bool:
    """Whether a file is to be read as a Word document: by its name, or by its content."""
    if filename.lower().endswith(".docx"):
        return True
    if not data.startswith(_ZIP):
        return False
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as package:
            return "word/document.xml" in package.namelist()
    except (zipfile.BadZipFile, OSError, ValueError):
        return False


def read_docx(data: bytes, filename: str) -> WordPage:
    """The title, paragraphs and declared language of a Word document; ``PageImportError``
    saying what is wrong with a file that is not one, is damaged, too large or empty."""
    _check_package(data, filename)
    # python-docx (87 ms to import) only once a Word document comes in
    from docx import Document
    from docx.opc.exceptions import PackageNotFoundError

    try:
        document = Document(io.BytesIO(data))
    except (PackageNotFoundError, KeyError, ValueError, zipfile.BadZipFile, EOFError,
            etree.XMLSyntaxError, NotImplementedError, zlib.error):
        raise PageImportError(_(
            "%(file)s is damaged: it is not a Word document that can be read (its parts are "
            "missing or broken). Open it in Word or LibreOffice and save it again as .docx.",
            file=filename)) from None
    style_names = {style.style_id: style.name for style in document.styles}
    title = ""
    paragraphs: list[str] = []
    languages = _RunLanguages(document.styles.element)
    for paragraph in _paragraphs(document.element.body):
        text = " ".join(_text(paragraph, languages).split())
        if not text:
            continue
        style = style_names.get(_style_id(paragraph), "")
        if not title and (style in _TITLE_STYLES
                          or (style in _HEADING_STYLES and not paragraphs)):
            title = text
            continue
        paragraphs.append(text)
    if not title and not paragraphs:
        raise PageImportError(_("%(file)s is an empty Word document: it holds no text outside "
                                "its headers and footers.", file=filename))
    if not paragraphs:  # a document of one styled line: that line is its text
        paragraphs, title = [title], ""
    characters = sum(len(p) for p in paragraphs) + len(title)
    if characters > MAX_PAGE_BYTES:
        raise PageImportError(_(
            "%(file)s holds too much text (%(size)s characters): a page may hold at most "
            "%(limit)s. Split the document and import each part as a page of its own.",
            file=filename, size=format_decimal(characters),
            limit=format_decimal(MAX_PAGE_BYTES)))
    declared = _declared_languages(document, languages)
    return WordPage(title, tuple(paragraphs),
                    agreeing_language(declared, " ".join((title, *paragraphs))))


def _check_package(data: bytes, filename: str) -> None:
    """Refuse what is not a .docx at all, a damaged ZIP, and a ZIP that unpacks too far."""
    if data.startswith(_OLD_OFFICE):
        raise PageImportError(_(
            "%(file)s is an old Word document (.doc), not a .docx: open it in Word or "
            "LibreOffice and save it as .docx.", file=filename))
    if not data.startswith(_ZIP):
        raise PageImportError(_(
            "%(file)s is not a Word document: a .docx file is a ZIP package, and this one is "
            "not. Save it from Word as .docx, or give it the name of what it is (.txt, "
            ".html).", file=filename))
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as package:
            members = package.infolist()
    except (zipfile.BadZipFile, OSError, ValueError):
        raise PageImportError(_(
            "%(file)s is damaged: the Word document is cut short or corrupt (its ZIP "
            "directory cannot be read). Download or save it again.", file=filename)) from None
    if "word/document.xml" not in {member.filename for member in members}:
        raise PageImportError(_(
            "%(file)s is a ZIP archive but not a Word document (it has no word/document.xml).",
            file=filename))
    unpacked = sum(member.file_size for member in members)
    if unpacked > MAX_UNPACKED_BYTES:
        raise PageImportError(_(
            "%(file)s unpacks to %(size).0f MB, more than a page may (%(limit)s MB): it was "
            "not read. Split the document, or remove its pictures.", file=filename,
            size=unpacked / 1024 / 1024, limit=MAX_UNPACKED_BYTES // 1024 // 1024))


def _paragraphs(container: etree._Element) -> Iterator[etree._Element]:
    """The ``w:p`` elements of the body in reading order: paragraphs, table cells row by row
    (nested tables inside their cell), content controls' paragraphs where they stand."""
    for child in container:
        if child.tag == f"{_W}p":
            yield child
        elif child.tag == f"{_W}tbl":
            for row in child.iterchildren(f"{_W}tr"):
                for cell in row.iterchildren(f"{_W}tc"):
                    yield from _paragraphs(cell)
        elif child.tag in (f"{_W}sdt", f"{_W}sdtContent", f"{_W}customXml",
                           f"{_W}smartTag"):
            yield from _paragraphs(child)


def _text(paragraph: etree._Element, languages: _RunLanguages) -> str:
    """A paragraph's text; counts the characters each run's language covers."""
    style = _style_id(paragraph)
    parts: list[str] = []
    stack = list(reversed(paragraph))
    while stack:
        element = stack.pop()
        tag = element.tag
        if not isinstance(tag, str) or tag in _SKIPPED:
            continue
        if tag == f"{_W}r":
            before = sum(len(p) for p in parts)
            _run_text(element, parts)
            languages.count(element, style, sum(len(p) for p in parts) - before)
            continue
        stack.extend(reversed(element))  # hyperlinks, insertions, fields, smart tags
    return "".join(parts)


def _run_text(run: etree._Element, parts: list[str]) -> None:
    for element in run:
        if element.tag not in _TEXT:
            continue
        replacement = _TEXT[element.tag]
        parts.append((element.text or "") if replacement is None else replacement)


def _style_id(paragraph: etree._Element) -> str:
    style = paragraph.find(f"{_W}pPr/{_W}pStyle")
    return str(style.get(f"{_W}val", "")) if style is not None else ""


def _declared_languages(document: WordDocument, runs: _RunLanguages) -> list[str]:
    """The languages the document declares, the likeliest first: its properties', then
    those of its runs, by the text each covers (for the text to bear one out, see
    ``agreeing_language``)."""
    declared = [lang for lang, _count in runs.characters.most_common()]
    language = document.core_properties.language
    if language and language.strip():
        declared.insert(0, language.strip())
    return declared


class _RunLanguages:
    """The language of each run of text as Word reads it, and the characters each covers.

    A run's language is its own ``w:lang`` (Word sets one where the keyboard's language, or
    its detection's, differs from the style's), else its character style's, else its
    paragraph style's (Normal when it names none), each with the styles it is based on,
    else the document's default (the template's: en-US in Word's own). Counting only the
    runs that declare one took a Russian or Swiss German document for English where Word
    had marked its English names en-US and left its own text to the default."""

    def __init__(self, styles: etree._Element) -> None:
        self._styles = {str(style.get(f"{_W}styleId")): style
                        for style in styles.iterfind(f"{_W}style")}
        self._normal = next((name for name, style in self._styles.items()
                             if style.get(f"{_W}type") == "paragraph"
                             and style.get(f"{_W}default") in ("1", "true", "on")), None)
        self._default = _lang_of(styles.find(f"{_W}docDefaults/{_W}rPrDefault/{_W}rPr"))
        self.characters: Counter[str] = Counter()

    def count(self, run: etree._Element, paragraph_style: str, characters: int) -> None:
        if characters <= 0:
            return
        properties = run.find(f"{_W}rPr")
        lang = (_lang_of(properties)
                or self._of_style(_value(run.find(f"{_W}rPr/{_W}rStyle")))
                or self._of_style(paragraph_style or self._normal)
                or self._default)
        if lang:
            self.characters[lang] += characters

    def _of_style(self, style_id: str | None) -> str | None:
        seen: set[str] = set()
        while style_id and style_id not in seen:
            seen.add(style_id)
            style = self._styles.get(style_id)
            if style is None:
                return None
            if lang := _lang_of(style.find(f"{_W}rPr")):
                return lang
            style_id = _value(style.find(f"{_W}basedOn"))
        return None


def _lang_of(properties: etree._Element | None) -> str | None:
    """The language a run's properties set for its text (not an East Asian or bidi one)."""
    if properties is None:
        return None
    return _value(properties.find(f"{_W}lang"))


def _value(element: etree._Element | None) -> str | None:
    value = element.get(f"{_W}val") if element is not None else None
    return str(value) if value else None

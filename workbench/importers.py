"""One uploaded or imported file as a `Version`: its language, title, date and paragraphs.

Four kinds of file come in: ministry HTML pages, text pages saved from the ministry's
site (date line, title, a "• de-DE1 en-GB1 …" variant line, body, then menus and
boilerplate), Word documents (.docx, read by ``workbench.docx_pages``), and plain text.
Anything else is refused with a `PageImportError` that names the file.
"""

from __future__ import annotations

import codecs
import functools
import itertools
import logging
import re
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import charset_normalizer
import lxml.html
from babel import Locale, UnknownLocaleError
from flask_babel import gettext as _
from flask_babel import lazy_gettext
from lxml import etree
from py3langid.langid import MODEL_FILE, LanguageIdentifier

from workbench.errors import PageImportError

__all__ = ["DETECTABLE", "MAX_PAGE_BYTES", "Version", "agreeing_language", "decode_text",
           "detect_language", "language_tag", "read_page_bytes", "read_version"]

_log = logging.getLogger(__name__)

MAX_PAGE_BYTES = 5 * 1024 * 1024
# The ministry's languages: its dates' month names, the codes a refusal suggests.
MINISTRY_LANGUAGES = ("en", "ru", "de", "fr", "es")
# The languages detection tells apart (py3langid's model, restricted to these): Europe's
# most translated, and the world's. Among all 142 of the model a short Spanish or
# Portuguese text spreads its likelihood over Galician, Asturian … and comes out as no
# language twice as often.
DETECTABLE = (
    "en", "ru", "de", "fr", "es", "it", "pt", "nl", "pl", "tr", "uk", "be", "bg", "cs",
    "sk", "sl", "hr", "sr", "ro", "hu", "fi", "sv", "da", "nb", "et", "lv", "lt", "el",
    "ca", "ja", "ko", "zh", "ar", "he", "th", "fa", "hi", "vi", "id",
)
# Norwegian as the workbench tags it: 'no' is the macrolanguage, and what is written in it
# is Bokmål (nb) but for Nynorsk (nn, a tag of its own). CAT tools list Bokmål as nb-NO
# (OmegaT, Trados), Babel has no locale 'no_NO' to name a 'no-NO' by, and py3langid's
# 'no' was learnt from Bokmål: a 'no' given, in a file name or detected is nb.
_MACROLANGUAGES = {"no": "nb"}
_MODEL_LABELS = {tag: label for label, tag in _MACROLANGUAGES.items()}  # nb -> no
# Below this probability (over those languages) a guess is not a language.
_MIN_CONFIDENCE = 0.6

_BOMS = (
    (codecs.BOM_UTF32_LE, "utf-32"), (codecs.BOM_UTF32_BE, "utf-32"),
    (codecs.BOM_UTF8, "utf-8-sig"),
    (codecs.BOM_UTF16_LE, "utf-16"), (codecs.BOM_UTF16_BE, "utf-16"),
)
# Single-byte encodings a ministry page plausibly comes in when it is not UTF-8.
_LEGACY = ("cp1251", "cp1252", "latin_1")
_MAGIC = (  # what a file that is not a page looks like, said when it is refused
    (b"%PDF-", lazy_gettext("a PDF document")),
    (b"\x89PNG\r\n\x1a\n", lazy_gettext("a PNG image")),
    (b"\xff\xd8\xff", lazy_gettext("a JPEG image")),
    (b"GIF87a", lazy_gettext("a GIF image")),
    (b"GIF89a", lazy_gettext("a GIF image")),
    (b"PK\x03\x04", lazy_gettext("a ZIP archive (or a Word/OpenDocument file)")),
    (b"\x1f\x8b", lazy_gettext("a gzip archive")),
    (b"\xd0\xcf\x11\xe0", lazy_gettext("an old Microsoft Office file")),
    (b"RIFF", lazy_gettext("a RIFF (WebP, WAV or AVI) file")),
    (b"{\\rtf", lazy_gettext("an RTF document")),
)
# Headings that end the page body on the ministry's site, in its five languages.
BOILERPLATE = frozenset({
    "additional materials", "advanced settings", "general information",
    "дополнительные материалы", "расширенные настройки", "общая информация",
    "zusätzliche materialien", "erweiterte einstellungen", "allgemeine informationen",
    "documents supplémentaires", "matériaux supplémentaires", "paramètres avancés",
    "informations générales", "materiales adicionales", "configuración avanzada",
    "información general",
})
_VARIANT = re.compile(r"\b([a-z]{2,3}-[A-Z]{2})\d*(?=\s|$)")
_VARIANT_LINE = re.compile(r"^\s*(?:[•·*-]\s*)?(?:[a-z]{2,3}-[A-Z]{2}\d*\s*){2,}$")
_DATE = re.compile(r"^\s*(\d{1,2})\s+(\w+)\.?,?\s+(\d{4})(?:\s*г\.)?,?\s*(\d{1,2}:\d{2})?\s*$")
_SENTENCE_END = re.compile(r"[.!?…:;][\"'»”’)\]]*$")
_FILE_LANG = re.compile(r"[._]([A-Za-z]{2})(?:[-_]([A-Za-z]{2}))?$")
_SPACES = re.compile(r"[\s\u200b]+")
_BLANK = re.compile(r"\n[ \t\u00a0]*\n\s*")
_DROP_TAGS = ("script", "style", "nav", "header", "footer", "aside", "form", "noscript",
              "iframe", "svg", "button", "select", "template", "object", "embed")
_DROP_CLASS = re.compile(r"menu|nav|breadcrumb|lang|share|social|footer|header|settings|"
                         r"additional|banner|sidebar|cookie|\btoc\b|\btoctree\b", re.IGNORECASE)
# a publication date's box ("date", "news-date", "pubdate"), not a word that holds those
# letters ("update", "candidate": a section on sponsoring an update was dropped)
_DATE_CLASS = re.compile(r"(?<![a-z])(pub)?date", re.IGNORECASE)
_BLOCKS = ("p", "li", "blockquote", "h2", "h3", "h4", "h5", "h6", "dd", "pre")
# a table's cell, a term of a definition list, a caption: a paragraph of its own when it
# holds no block (a layout table's cell holding paragraphs is read for them)
_CELLS = ("td", "th", "dt", "caption")
# an item holding these is read as its parts: its own words, then each of them
_ITEMS = ("li", "dd", "blockquote")
_NESTED = ("p", "ul", "ol", "dl", "pre", "blockquote")


@dataclass(frozen=True)
class Version:
    """One language version of a page, as imported (the title is not among the paragraphs).

    A paragraph holds no line break, except a code block (an HTML page's ``<pre>`` holding
    code, not wrapped prose): its lines, each ended by ``"\\n"``, which the segmenter takes
    as its sentences."""

    lang: str
    title: str
    paragraphs: tuple[str, ...]
    published: str | None
    variants: tuple[str, ...]
    source: str


@dataclass(frozen=True)
class _Page:
    title: str
    paragraphs: tuple[str, ...]
    published: str | None = None
    variants: tuple[str, ...] = ()
    declared_lang: str | None = None


def _check_size(data: bytes, filename: str) -> None:
    if len(data) > MAX_PAGE_BYTES:
        raise PageImportError(_(
            "%(file)s is too large (%(size).1f MB): a page may be at most %(limit)s MB.",
            file=filename, size=len(data) / 1024 / 1024, limit=MAX_PAGE_BYTES // 1024 // 1024))


def read_page_bytes(path: Path) -> bytes:
    """A page file's bytes, read no further than one byte past ``MAX_PAGE_BYTES`` (a huge
    file, or /dev/zero, is refused by ``read_version`` without filling the memory first);
    ``OSError`` when it cannot be read."""
    with path.open("rb") as page:
        return page.read(MAX_PAGE_BYTES + 1)


def decode_text(data: bytes, filename: str) -> str:
    """A text file's bytes as text, as a page's are read: a byte order mark says the
    encoding, else UTF-8, else the declared charset or the likeliest legacy one; binary
    data is refused (``PageImportError``). Line ends become ``\\n``."""
    _check_size(data, filename)
    return _decode(data, filename)


def language_tag(code: str, filename: str) -> str:
    """A language code as the workbench writes it ('ru_ru' -> 'ru-RU'), or
    ``PageImportError`` naming ``filename`` when it is no language."""
    return _canonical(code, filename)


def read_version(data: bytes, filename: str, lang: str | None = None) -> Version:
    """The `Version` in one file; raises `PageImportError` saying what is wrong with it."""
    _check_size(data, filename)
    if not data:
        raise PageImportError(_("%(file)s is empty.", file=filename))
    from workbench.docx_pages import is_docx, read_docx  # python-docx only when needed

    if is_docx(data, filename):  # a Word document (.docx): paragraphs and table cells
        word = read_docx(data, filename)
        page = _Page(word.title, word.paragraphs, declared_lang=word.lang)
        return Version(_language(page, filename, lang), page.title, page.paragraphs, None, (),
                       filename)
    text = _decode(data, filename)
    if not text.strip():
        raise PageImportError(_("%(file)s is empty: it holds only whitespace.", file=filename))
    if _looks_like_html(text, filename):
        page = _read_html(text)
    elif _is_saved_page(text):
        page = _read_saved_page(text)
    else:
        page = _Page(title="", paragraphs=_text_paragraphs(text))
    if not page.paragraphs:
        raise PageImportError(_(
            "%(file)s has no body text: nothing was left after removing the title, menus and "
            "boilerplate.", file=filename))
    language = _language(page, filename, lang)
    return Version(language, page.title, page.paragraphs, page.published, page.variants, filename)


# -- bytes to text -----------------------------------------------------------------------

def _decode(data: bytes, filename: str) -> str:
    for bom, encoding in _BOMS:
        if data.startswith(bom):
            try:
                return _clean(data.decode(encoding), filename)
            except UnicodeDecodeError:
                raise PageImportError(_(
                    "%(file)s could not be decoded: it starts with a %(encoding)s byte order "
                    "mark but is not valid text in that encoding.",
                    file=filename, encoding=encoding.upper())) from None
    for magic, kind in _MAGIC:
        if data.startswith(magic):
            raise PageImportError(_("%(file)s is not a text or HTML page: it looks like "
                                    "%(kind)s.", file=filename, kind=kind))
    if b"\x00" in data:
        raise PageImportError(_(
            "%(file)s is not a text or HTML page: it contains binary data (NUL bytes). If it "
            "is UTF-16 text, save it with a byte order mark, or as UTF-8.", file=filename))
    try:
        return _clean(data.decode("utf-8"), filename)
    except UnicodeDecodeError:
        pass
    declared = re.search(rb"charset=[\"']?([\w-]+)", data[:4096], re.IGNORECASE)
    if declared:
        try:
            codec = codecs.lookup(declared.group(1).decode("ascii")).name
            if codec in {codecs.lookup(name).name for name in _LEGACY}:
                return _clean(data.decode(codec), filename)
        except (LookupError, UnicodeDecodeError):
            pass
    best = charset_normalizer.from_bytes(data, cp_isolation=list(_LEGACY)).best()
    if best is None:
        raise PageImportError(_(
            "%(file)s could not be decoded: it is not UTF-8, UTF-16, windows-1251 or "
            "windows-1252 text.", file=filename))
    return _clean(str(best), filename)


def _clean(text: str, filename: str) -> str:
    controls = sum(1 for c in text if ord(c) < 32 and c not in "\t\n\r\f")
    if controls > max(8, len(text) // 100):
        raise PageImportError(_(
            "%(file)s is not a text or HTML page: it contains binary control characters.",
            file=filename))
    return text.replace("\r\n", "\n").replace("\r", "\n").lstrip("\ufeff")


_NO_BREAK = frozenset("\u00a0\u202f\u2007")  # no-break, narrow no-break, figure space


def _normalise(text: str) -> str:
    """Runs of white space as one space, but a lone no-break space stays one: French
    typography puts it before : ; ? ! and inside « », and a CAT tool's match needs it."""
    return _SPACES.sub(
        lambda run: run.group() if run.group() in _NO_BREAK else " ", text).strip()


# -- plain text and saved ministry pages -------------------------------------------------

def _text_paragraphs(text: str) -> tuple[str, ...]:
    """Blank-line separated blocks; inside a block, a line ending a sentence ends a paragraph."""
    paragraphs: list[str] = []
    for block in _BLANK.split(text.strip()):
        current: list[str] = []
        for line in block.split("\n"):
            line = _normalise(line)
            if not line:
                continue
            current.append(line)
            if _SENTENCE_END.search(line):
                paragraphs.append(" ".join(current))
                current = []
        if current:
            paragraphs.append(" ".join(current))
    return tuple(paragraphs)


def _is_boilerplate(line: str) -> bool:
    return _normalise(line).rstrip(":").casefold() in BOILERPLATE


def _is_saved_page(text: str) -> bool:
    lines = text.split("\n")
    if any(_VARIANT_LINE.match(line) for line in lines[:40]):
        return True
    return any(_is_boilerplate(line) for line in lines) and any(
        _parse_date(line) for line in lines[:20]
    )


def _read_saved_page(text: str) -> _Page:
    lines = [_normalise(line) for line in text.split("\n")]
    end = next((i for i, line in enumerate(lines) if _is_boilerplate(line)), len(lines))
    lines = lines[:end]
    published = None
    for i, line in enumerate(lines[:20]):
        if (published := _parse_date(line)) is not None:
            lines = lines[i + 1:]  # breadcrumbs ("Statements and speeches") come before it
            break
    variants: tuple[str, ...] = ()
    for i, line in enumerate(lines):
        if _VARIANT_LINE.match(line):
            variants = tuple(_VARIANT.findall(line))
            head, lines = lines[:i], lines[i + 1:]
            break
    else:
        head = []
    blocks = list(_text_paragraphs("\n".join(lines)))
    head_blocks = list(_text_paragraphs("\n".join(head)))
    if head_blocks:
        title = " ".join(head_blocks)
    elif published is not None and blocks:
        title = blocks.pop(0)
    else:
        title = ""
    return _Page(title, tuple(blocks), published, variants)


@functools.cache
def _month_numbers() -> dict[str, int]:
    numbers: dict[str, int] = {}
    for code in MINISTRY_LANGUAGES:
        months = Locale(code).months
        for context in ("format", "stand-alone"):
            for width in ("wide", "abbreviated"):
                for number, name in months[context][width].items():
                    numbers[name.casefold().rstrip(".")] = number
    return numbers


def _parse_date(line: str) -> str | None:
    """'22 May 201917:53' -> '2019-05-22T17:53'; None when the line is not a date."""
    match = _DATE.match(line)
    if not match:
        return None
    day, month_name, year, time = match.groups()
    month = _month_numbers().get(month_name.casefold())
    if month is None:
        return None
    date = f"{year}-{month:02d}-{int(day):02d}"
    if time:
        hours, minutes = time.split(":")
        date += f"T{int(hours):02d}:{minutes}"
    return date


# -- HTML --------------------------------------------------------------------------------

def _looks_like_html(text: str, filename: str) -> bool:
    head = text[:2048].lstrip().lower()
    return filename.lower().endswith((".html", ".htm", ".xhtml")) or head.startswith(
        ("<!doctype html", "<html", "<?xml")
    ) or any(tag in head for tag in ("<body", "<head", "<p>", "<div"))


def _read_html(text: str) -> _Page:
    text = re.sub(r"^\s*<\?xml[^>]*\?>", "", text)  # lxml refuses str with an XML declaration
    parser = lxml.html.HTMLParser(no_network=True, remove_comments=True, remove_pis=True)
    root = lxml.html.document_fromstring(text, parser=parser)
    for br in root.iter("br"):  # inside a paragraph a line break is a space; in code, an end
        in_code = any(True for _ in br.iterancestors("pre"))
        br.tail = ("\n" if in_code else " ") + (br.tail or "")
    # a heading's permalink sign (Sphinx's "¶"), before the title is read from the heading
    for link in root.xpath("//a[contains(concat(' ', normalize-space(@class), ' '), "
                           "' headerlink ')]"):
        _drop(link)
    declared = root.get("lang") or root.get("{http://www.w3.org/XML/1998/namespace}lang")
    variants = _html_variants(root)
    published = _html_published(root)
    h1 = root.find(".//h1")
    title = _text_of(h1) if h1 is not None else _site_title(root.findtext(".//title") or "")
    _strip_chrome(root)
    if not variants:
        lines = root.text_content().split("\n")
        variants = next((tuple(_VARIANT.findall(x)) for x in lines if _VARIANT_LINE.match(x)), ())
    paragraphs = _html_paragraphs(root)
    if paragraphs and title and paragraphs[0] == title:  # a heading the title was taken from
        paragraphs = paragraphs[1:]
    return _Page(title, paragraphs, published, variants, declared)


def _html_variants(root: lxml.html.HtmlElement) -> tuple[str, ...]:
    """The language versions a page links to with hreflang, in page order."""
    codes = (str(e.get("hreflang", "")).strip() for e in root.xpath("//*[@hreflang]"))
    return tuple(dict.fromkeys(code for code in codes if code and code != "x-default"))


def _html_published(root: lxml.html.HtmlElement) -> str | None:
    for element in root.xpath("//time | //*[contains(@class, 'date')]"):
        published = _parse_date(_text_of(element)) or element.get("datetime")
        if published:
            return str(published)
    return None


def _strip_chrome(root: lxml.html.HtmlElement) -> None:
    """Remove scripts, menus, headers, footers, language lists and boilerplate sections."""
    for element in list(root.iter(*_DROP_TAGS, "h1", "title", "time")):
        _drop(element)
    for element in list(root.iter()):
        if not isinstance(element.tag, str) or element.tag in ("html", "body", "main", "article"):
            continue
        marks = f"{element.get('class', '')} {element.get('id', '')}"
        if (_DROP_CLASS.search(marks) or _DATE_CLASS.search(marks)) and not _is_code(element):
            _drop(element)
    for heading in list(root.iter("h2", "h3", "h4", "h5", "h6", "div", "p", "strong")):
        text = heading.text_content()
        if len(text) < 80 and _is_boilerplate(text):
            _drop_from(heading)


def _is_code(element: etree._Element) -> bool:
    """A code block, a part of one, or a box holding one and nothing else: its class names
    its language ("language-bash", "lang-js", "highlight-console"), not a language menu's."""
    if element.tag in ("pre", "code") or any(True for _ in element.iterancestors("pre")):
        return True
    blocks = list(element.iter("pre"))
    return bool(blocks) and _normalise(element.text_content()) == _normalise(
        " ".join(block.text_content() for block in blocks))


def _text_of(element: etree._Element) -> str:
    return _normalise(element.text_content())


def _preformatted(element: etree._Element) -> tuple[str, ...]:
    """A ``<pre>``'s paragraphs: a code block keeps its lines (:func:`_code_lines`); prose
    wrapped at a width (a letter or an e-mail pasted as preformatted text) is read as the
    paragraphs it was written in (:func:`_wrapped_paragraphs`), not a sentence a line."""
    lines = [line.rstrip() for line in element.text_content().split("\n")]
    if _is_wrapped_prose(lines):
        return _wrapped_paragraphs(lines)
    code = _code_lines(lines)
    return (code,) if code else ()


def _code_lines(lines: list[str]) -> str:
    """A code block's text as its lines, each ended by a line break: the non-empty ones,
    as they are but for the white space that ends them (a command, a file's line, an
    output column), for the segmenter to take one by one and leave whole."""
    return "".join(f"{line}\n" for line in lines if line.strip())


# A word of prose, with the quotes and punctuation around it ("«Hello,", "l'année",
# "non-free"), and what prose and code both write (numbers, dates, a dash).
_PROSE_WORD = re.compile(r"[\"'«„“‘(\[¡¿]*[^\W\d_]+(?:[-'’][^\W\d_]+)*[\"'»“”’)\].,;:!?…]*")
_NEUTRAL_WORD = re.compile(r"[\d.,:/%()–—-]+")
# How a line of code, a comment, a prompt, a quotation or a markup line starts.
_CODE_START = re.compile(r"[#$%;|\\{}<>*/=@`~^&]")
_SENTENCE_INSIDE = re.compile(r"[^\W\d_][.!?…][\"'»“”’)]*\s+[\"'«„“(]*[^\W\d_]")


def _blocks(lines: list[str]) -> list[list[str]]:
    """The lines of a text in blocks apart at blank lines, the indentation all share gone."""
    indent = min((len(line) - len(line.lstrip()) for line in lines if line.strip()), default=0)
    blocks: list[list[str]] = [[]]
    for line in lines:
        if line.strip():
            blocks[-1].append(line[indent:])
        elif blocks[-1]:
            blocks.append([])
    return [block for block in blocks if block]


def _is_wrapped_prose(lines: list[str]) -> bool:
    """Whether a preformatted text is prose cut into lines at a width: words, and no code's
    marks nor tabs; a block's lines after its first indented alike; most line ends at the
    width (the next word would not have fitted); sentences (a full stop and a capital after
    it, one at least per 300 characters); and a line ending inside a sentence, at the width
    or with the next line going on in lowercase. Code, program output, a file's lines and
    verse keep their lines: each of them fails one of these."""
    blocks = _blocks(lines)
    text = [line for block in blocks for line in block]
    if not text or any(_CODE_START.match(line.lstrip()) or "\t" in line for line in text):
        return False
    if any(len({len(line) - len(line.lstrip()) for line in block[1:]}) > 1 for block in blocks):
        return False
    tokens = [token for line in text for token in line.split()
              if not _NEUTRAL_WORD.fullmatch(token)]
    if not tokens or sum(bool(_PROSE_WORD.fullmatch(t)) for t in tokens) < 0.9 * len(tokens):
        return False
    width = max(len(line) for line in text)
    breaks = [pair for block in blocks for pair in itertools.pairwise(block)]
    if width < 40 or not breaks:
        return False
    if sum(_fills_the_width(line, following, width) for line, following in breaks) < (
            0.6 * len(breaks)):
        return False
    joined = " ".join(" ".join(block) for block in blocks)
    sentences = len(_SENTENCE_INSIDE.findall(joined)) + sum(
        bool(_SENTENCE_END.search(line)) for line in text)
    if sentences < max(1, len(joined) / 300):
        return False
    return any(not _SENTENCE_END.search(line) and (
        following.lstrip()[:1].islower() or _fills_the_width(line, following, width))
        for line, following in breaks)


def _fills_the_width(line: str, following: str, width: int) -> bool:
    """Whether a line was cut where the next word would have gone past the width (a tenth
    of it to spare: a text wrapped by hand, or at a width its longest line does not reach)."""
    word = following.split()[0]
    return len(line) + 1 + len(word) > 0.9 * width


def _wrapped_paragraphs(lines: list[str]) -> tuple[str, ...]:
    """Prose cut into lines at a width, as its paragraphs: a block's lines are joined
    where a line fills the width or the next one goes on in lowercase; a short line
    followed by a capital (a greeting, a signature's lines) is a paragraph of its own."""
    blocks = _blocks(lines)
    width = max(len(line) for block in blocks for line in block)
    paragraphs: list[str] = []
    for block in blocks:
        current = [block[0]]
        for line, following in itertools.pairwise(block):
            if not (_fills_the_width(line, following, width)
                    or following.lstrip()[:1].islower()):
                paragraphs.append(_normalise(" ".join(current)))
                current = []
            current.append(following)
        paragraphs.append(_normalise(" ".join(current)))
    return tuple(paragraph for paragraph in paragraphs if paragraph)


def _site_title(title: str) -> str:
    """'Remarks … - The Ministry of Foreign Affairs of the Russian Federation' -> 'Remarks …'."""
    parts = re.split(r"\s+[-|–—]\s+", _normalise(title))
    site = re.compile(r"ministry|министерств|мид\b|ministerium|minist[eè]re|ministerio", re.I)
    dropped = []
    while len(parts) > 1 and site.search(parts[-1]):
        dropped.append(parts.pop())
    if parts[0] in dropped:  # the page has no title of its own, only the site's name
        return ""
    return " - ".join(parts)


def _drop(element: lxml.html.HtmlElement) -> None:
    if element.getparent() is not None:
        element.drop_tree()


def _drop_from(element: etree._Element) -> None:
    """Drop a boilerplate heading's section, and everything after it in its parent."""
    section = element.getparent()
    if section is not None and section.tag in ("section", "div") and len(section) <= 3:
        element = section
    parent = element.getparent()
    if parent is None:
        return
    for sibling in list(element.itersiblings()):
        _drop(sibling)
    _drop(element)


def _html_paragraphs(root: etree._Element) -> tuple[str, ...]:
    """The paragraphs of the article body: the block holding the most paragraph text, and
    the sections beside it when the body is cut into sections (:func:`_body`)."""
    best, best_length = None, 0
    for container in root.iter():
        blocks = [child for child in container if child.tag in _BLOCKS]
        length = sum(len(child.text_content()) for child in blocks)
        if length > best_length:
            best, best_length = container, length
    if best is None:
        body = root.find("body")
        return _text_paragraphs(body.text_content() if body is not None else "")
    paragraphs = []
    stack: list[etree._Element | str] = list(reversed(_body(best)))
    while stack:  # outermost blocks only: a <p> inside an <li> is part of the item ...
        element = stack.pop()
        if isinstance(element, str):
            if text := _normalise(element):
                paragraphs.append(text)
        elif element.tag in _ITEMS and any(True for _ in element.iterdescendants(*_NESTED)):
            stack.extend(reversed(_item_parts(element)))  # ... unless it holds a list
        elif element.tag == "pre":  # a code block keeps its lines, wrapped prose not
            paragraphs.extend(_preformatted(element))
        elif element.tag in _BLOCKS or (element.tag in _CELLS and not any(
                True for _ in element.iterdescendants(*_BLOCKS))):
            if text := _text_of(element):
                paragraphs.append(text)
        else:
            stack.extend(reversed(element))
    return tuple(paragraphs)


def _item_parts(item: etree._Element) -> list[etree._Element | str]:
    """A list item (or a quotation) holding paragraphs or a list of its own, in reading
    order: its loose text as one paragraph, each block inside it on its own (a manual's
    item with a paragraph and a sub-list read as one sentence)."""
    parts: list[etree._Element | str] = []
    loose = item.text or ""
    for child in item:
        if not isinstance(child.tag, str):
            loose += child.tail or ""
        elif child.tag in _BLOCKS or child.tag in _NESTED or child.tag in ("div", "table"):
            parts.append(loose)
            parts.append(child)
            loose = child.tail or ""
        else:
            loose += child.text_content() + (child.tail or "")
    parts.append(loose)
    return parts


def _body(best: etree._Element) -> etree._Element:
    """``best`` widened to the sections beside it.

    A manual or a long report (DocBook, Sphinx, any ``<section>``) cuts its body into
    sections, each its own block of paragraphs: the richest is one section only (or one
    list of it), and each translation may find another one richest. So the search climbs
    while the parent holds little but paragraphs, titles and sections of the same kind
    (tag and class) as the block it comes from: what else is there (a table, a note, a
    list, footnotes: a quarter of the text at most) comes along, as part of the body."""
    node = best
    while (parent := node.getparent()) is not None and parent.tag not in ("html", "body"):
        kind = (node.tag, node.get("class"))
        children = [c for c in parent if isinstance(c.tag, str)]
        others = [c for c in children if c is not node and (c.tag, c.get("class")) != kind
                  and c.tag not in _BLOCKS and not _headings_only(c)]
        if sum(_block_text(c) for c in others) > 0.25 * sum(_block_text(c) for c in children):
            break
        node = parent
    return node


def _block_text(element: etree._Element) -> int:
    return sum(len(b.text_content()) for b in element.iter(*_BLOCKS))


def _headings_only(element: etree._Element) -> bool:
    """A section's title block: headings and nothing else with words in it."""
    headings = list(element.iter("h1", "h2", "h3", "h4", "h5", "h6"))
    return bool(headings) and _normalise(element.text_content()) == _normalise(
        " ".join(h.text_content() for h in headings))


# -- language ----------------------------------------------------------------------------

def page_name(filename: str) -> tuple[str, bool]:
    """The page a file is one language version of: its name without the extension and the
    language the name gives ('000.ru-RU.html' -> '000', 'report_en.txt' -> 'report'), and
    whether the name gave a language (else the name is the stem as it is)."""
    stem = filename.rsplit("/", 1)[-1].rsplit(".", 1)[0]
    match = _FILE_LANG.search(stem)
    if match:
        try:
            _canonical(match.group(0)[1:], filename)
        except PageImportError:
            return stem, False  # "report_v2": not a language
        return stem[: match.start()], True
    return stem, False


def _language(page: _Page, filename: str, given: str | None) -> str:
    if given is not None and given.strip():
        return _with_region(_canonical(given, filename), page)
    stem = filename.rsplit("/", 1)[-1].rsplit(".", 1)[0]
    match = _FILE_LANG.search(stem)
    if match:
        code = match.group(1) + (f"-{match.group(2)}" if match.group(2) else "")
        try:
            return _with_region(_canonical(code, filename), page)
        except PageImportError:
            pass  # "report_v2" or "page_xx": not a language, so look further
    if page.declared_lang:
        try:
            return _with_region(_canonical(page.declared_lang, filename), page)
        except PageImportError:
            pass
    detected = detect_language(" ".join((page.title, *page.paragraphs)))
    if detected is None:
        raise PageImportError(_(
            "%(file)s: the language could not be determined; give it explicitly or in the "
            "file name (page.ru.html).", file=filename))
    _log.info("%s: language detected as %s", filename, detected)
    return _with_region(detected, page)


def _canonical(code: str, filename: str) -> str:
    """A BCP-47 tag ('ru_ru' -> 'ru-RU', 'no-NO' -> 'nb-NO') for a language CLDR knows;
    raises otherwise."""
    parts = re.split(r"[-_]", code.strip())
    language = _MACROLANGUAGES.get(parts[0].lower(), parts[0].lower())
    try:
        locale = Locale.parse(language)
    except (UnknownLocaleError, ValueError):
        raise PageImportError(_(
            "%(file)s: '%(code)s' is not a language the workbench supports (use %(known)s or "
            "another ISO 639 code).", file=filename, code=code.strip(),
            known=", ".join(MINISTRY_LANGUAGES))) from None
    tag = [locale.language]
    for part in parts[1:]:
        if len(part) == 4 and part.isalpha():
            tag.append(part.title())
        elif part.upper() in locale.territories:
            tag.append(part.upper())
    return "-".join(tag)


def _with_region(tag: str, page: _Page) -> str:
    """A bare code gets the region the page itself gives it ('en' + variant 'en-GB')."""
    if "-" in tag:
        return tag
    hints = (page.declared_lang or "", *page.variants)
    for hint in hints:
        parts = re.split(r"[-_]", hint.strip())
        if len(parts) == 2 and parts[0].lower() == tag and len(parts[1]) == 2:
            return f"{tag}-{parts[1].upper()}"
    return tag


@functools.cache
def _identifier() -> LanguageIdentifier:
    identifier = LanguageIdentifier.from_model_file(MODEL_FILE, norm_probs=True)
    identifier.set_languages([_MODEL_LABELS.get(code, code) for code in DETECTABLE])
    return identifier


# Scripts of one language each here, and the language a text mostly in that script is
# taken to be (kana before Han: Japanese writes both).
_SCRIPTS = (
    ("ja", re.compile(r"[\u3040-\u30ff]")),
    ("ko", re.compile(r"[\uac00-\ud7af\u1100-\u11ff]")),
    ("zh", re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff]")),
    ("ar", re.compile(r"[\u0600-\u06ff]")),
    ("el", re.compile(r"[\u0370-\u03ff]")),
    ("he", re.compile(r"[\u0590-\u05ff]")),
    ("th", re.compile(r"[\u0e00-\u0e7f]")),
)


def detect_language(text: str) -> str | None:
    """The language of a text among ``DETECTABLE`` (Japanese, Korean, Chinese, Arabic,
    Greek, Hebrew and Thai first by their script); None when the guess is too weak."""
    sample = text[:20000]
    letters = sum(c.isalpha() for c in sample)
    if letters < 12 and not any(script.search(sample) for _, script in _SCRIPTS):
        return None
    if by_script := _script_language(sample, max(letters, 1)):
        return by_script
    if letters < 12:
        return None
    label, confidence = _identifier().classify(sample)
    code = _MACROLANGUAGES.get(str(label), str(label))
    if code == "zh" and _is_japanese(sample):  # a manual's Japanese among its code
        code = "ja"
    return code if confidence >= _MIN_CONFIDENCE else None


# Below this likelihood among ``DETECTABLE`` a text is not in a language it is declared in,
# though too short or mixed for detection to name its own: a Russian or German note's
# likelihood of English is under it ('Протокол № 3 / Москва, 5 мая 2021 года' 0.0,
# 'Protokoll Nr. 3 / Berlin, 5. Mai 2021' 0.012); of 7,400 sentences of 4-60 letters of the
# bench corpora in 15 languages, two have their own language's under it.
_CONTRADICTED = 0.02
# what detection names a declared language as: both Norwegians are 'nb' to it
_DETECTED_AS = {"no": "nb", "nn": "nb"}


def agreeing_language(declared: Sequence[str], text: str) -> str | None:
    """The first of the languages a file declares that its text does not contradict, as
    declared ('de-CH'); None when the text contradicts them all. A text contradicts a
    language when detection names another one, or, too weak a guess to name one, gives it
    a likelihood under ``_CONTRADICTED``; a language detection does not know is never
    contradicted (Albanian declared is Albanian)."""
    detected = detect_language(text)
    likelihoods: dict[str, float] | None = None
    for lang in declared:
        base = lang.replace("_", "-").split("-")[0].lower()
        base = _DETECTED_AS.get(base, base)
        if base not in DETECTABLE:
            return lang
        if detected is not None:
            if detected == base:
                return lang
            continue
        if likelihoods is None:
            likelihoods = _likelihoods(text)
        if likelihoods is None or likelihoods.get(base, 0.0) >= _CONTRADICTED:
            return lang
    return None


def _likelihoods(text: str) -> dict[str, float] | None:
    """Each detectable language's likelihood for a text; None for a text without letters."""
    sample = text[:20000]
    if not any(c.isalpha() for c in sample):
        return None
    return {_MACROLANGUAGES.get(str(label), str(label)): float(p)
            for label, p in _identifier().rank(sample)}


def _script_language(text: str, letters: int) -> str | None:
    """The language of a text written mostly (half its letters) in a script of
    ``_SCRIPTS``: a Chinese or Japanese page was taken for English among five languages."""
    counts = {code: len(script.findall(text)) for code, script in _SCRIPTS}
    if sum(counts.values()) < letters / 2:
        return None
    if _is_japanese(text):
        return "ja"
    return max(counts, key=lambda code: counts[code])


def _is_japanese(text: str) -> bool:
    """Kana are a twentieth of its Chinese characters and kana at least (a Chinese text
    may quote a Japanese name)."""
    scripts = dict(_SCRIPTS)
    kana, han = len(scripts["ja"].findall(text)), len(scripts["zh"].findall(text))
    return kana > 0 and kana >= 0.05 * (kana + han)

"""Sentences of a paragraph, from SRX 2.0 rules per language.

Three rule sets cascade, first one wins: a translator's own SRX file (optional), our rules
for ministry texts (``resources/ministry.srx``), then LanguageTool's ``segment.srx``. The
last one ships inside the ``choppa-srx`` wheel and is used unmodified; it is LanguageTool's
data file, licensed LGPL-2.1 (see ``choppa/data/srx/PROVENANCE.md``).

In a cascading SRX document an exception rule (``break="no"``) vetoes every break rule that
comes after it, so our exceptions overrule LanguageTool's breaks and a user's overrule both.

Every file is parsed here with lxml (no DTD, no entities, no network) and validated against
SRX 2.0's schema; choppa's own loader (``xml.sax``) is never handed outside input.
"""

from __future__ import annotations

import functools
import re
import threading
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from importlib import resources

import choppa
from choppa.structures import LanguageRule, Rule
from lxml import etree

from alignments.beads import AlignmentError

__all__ = ["SegmentationRulesError", "Segmenter", "split_sentences"]

SRX_NS = "http://www.lisa.org/srx20"
_NS = {"srx": SRX_NS}
# The SRX language key of a paragraph: "ru_two" selects LanguageTool's rules for Russian plus
# its "two line breaks end a segment" rule (a paragraph holds no blank line anyway).
_KEY_SUFFIX = "_two"
_UNKNOWN = "und"
_LANGUAGE = re.compile(r"^([A-Za-z]{2,3})(?:[-_][A-Za-z0-9]+)*$")


class SegmentationRulesError(AlignmentError):
    """A user-supplied SRX file cannot be used: not XML, not SRX 2.0, or a bad rule."""


@dataclass(frozen=True, slots=True)
class _LanguageMap:
    pattern: str
    rule: LanguageRule


def _parser() -> etree.XMLParser:
    return etree.XMLParser(
        resolve_entities=False, no_network=True, load_dtd=False, dtd_validation=False,
        huge_tree=False, remove_comments=True,
    )


# libxml2 cannot build two schemas at once, nor share one validator's error log: two jobs
# that segmented their first pages at the same moment failed ("Internal error:
# xmlSchemaPValAttrNodeValue ... while parsing a schema")
_SCHEMA_LOCK = threading.Lock()


@functools.cache
def _schema() -> etree.XMLSchema:
    """The SRX 2.0 schema (call with ``_SCHEMA_LOCK`` held)."""
    xsd = etree.parse(str(choppa.SRX_2_XSD), _parser())
    return etree.XMLSchema(xsd)


def _read_srx(data: bytes, name: str) -> list[_LanguageMap]:
    """The language maps of one SRX 2.0 file, in file order; raises on anything else."""
    if not data.strip():
        raise SegmentationRulesError("rules-empty", file=name)
    try:
        root = etree.fromstring(data, _parser())
    except etree.XMLSyntaxError as error:
        raise SegmentationRulesError("rules-not-xml", file=name, detail=str(error)) from None
    tree = root.getroottree()
    if tree.docinfo.doctype or tree.docinfo.internalDTD is not None:
        raise SegmentationRulesError("rules-doctype", file=name)
    if root.tag != f"{{{SRX_NS}}}srx" or root.get("version") != "2.0":
        found = etree.QName(root).localname
        raise SegmentationRulesError("rules-not-srx", file=name, element=found,
                                     namespace=SRX_NS)
    with _SCHEMA_LOCK:
        schema = _schema()
        errors = None if schema.validate(tree) else schema.error_log.filter_from_errors()
    if errors is not None:
        raise SegmentationRulesError("rules-schema", file=name, line=errors[0].line,
                                     detail=errors[0].message)
    rules: dict[str, LanguageRule] = {}
    for element in root.iterfind(".//srx:languagerule", _NS):
        language_rule = LanguageRule(element.get("languagerulename", ""))
        for rule in element.iterfind("srx:rule", _NS):
            before = rule.findtext("srx:beforebreak", "", _NS)
            after = rule.findtext("srx:afterbreak", "", _NS)
            language_rule.add_rule(Rule(rule.get("break", "yes") != "no", before, after))
        rules[language_rule.name] = language_rule
    maps = []
    for element in root.iterfind(".//srx:languagemap", _NS):
        target = element.get("languagerulename", "")
        if target not in rules:
            raise SegmentationRulesError("rules-unknown-rule", file=name,
                                         pattern=element.get("languagepattern"), rule=target)
        maps.append(_LanguageMap(element.get("languagepattern", ""), rules[target]))
    return maps


def _check_patterns(maps: list[_LanguageMap], name: str) -> None:
    document = choppa.SrxDocument()
    for language_map in maps:
        try:
            re.compile(language_map.pattern)
        except re.error as error:
            raise SegmentationRulesError("rules-bad-language-pattern", file=name,
                                         pattern=language_map.pattern, detail=str(error)
                                         ) from None
        for rule in language_map.rule.rules:
            for pattern in (rule.before_pattern, rule.after_pattern):
                try:
                    document.compile(pattern)
                except Exception as error:  # the `regex` module's error type is untyped
                    raise SegmentationRulesError("rules-bad-pattern", file=name,
                                                 rule=language_map.rule.name, pattern=pattern,
                                                 detail=str(error)) from None


def _packaged(name: str) -> bytes:
    return (resources.files("alignments") / "resources" / name).read_bytes()


class Segmenter:
    """Splits paragraphs into sentences with cascaded SRX rules (user, ministry, LanguageTool)."""

    def __init__(self, custom_rules: bytes | None = None) -> None:
        self._custom: list[_LanguageMap] = []
        if custom_rules is not None:
            self._custom = _read_srx(custom_rules, "The custom segmentation rules file")
            _check_patterns(self._custom, "The custom segmentation rules file")
        self._document: choppa.SrxDocument | None = None

    @property
    def document(self) -> choppa.SrxDocument:
        """The merged SRX document, built on first use."""
        if self._document is None:
            document = choppa.SrxDocument(cascade=True)
            for language_map in (*self._custom, *_builtin_maps()):
                document.add_language_map(language_map.pattern, language_map.rule)
            self._document = document
        return self._document

    def language_key(self, lang: str) -> str:
        """The SRX language code for a BCP-47-ish code: 'ru-RU' -> 'ru_two', 'xx' -> 'und_two'."""
        match = _LANGUAGE.match(lang.strip())
        base = match.group(1).lower() if match else _UNKNOWN
        key = base + _KEY_SUFFIX
        fallback = _UNKNOWN + _KEY_SUFFIX
        specific = any(
            m.language_pattern.fullmatch(key) and not m.language_pattern.fullmatch(fallback)
            for m in self.document.language_map_list
        )
        return key if specific else fallback

    def split(self, text: str, lang: str) -> list[str]:
        """The sentences of one paragraph, stripped, without empty ones."""
        return list(self.sentences(text, lang))

    def sentences(self, text: str, lang: str) -> Iterator[str]:
        """The sentences of one paragraph as ``split`` gives them, one at a time (a caller
        can stop at a limit before the rest of a long paragraph is segmented).

        A paragraph holding a line break is a code block (the importer keeps a ``<pre>``'s
        lines so): its sentences are its lines, whole; no rule breaks inside one (a
        shell example's "echo Done. Next" or "Hello!")."""
        if not text.strip():
            return
        if "\n" in text:
            yield from (line.strip() for line in text.split("\n") if line.strip())
            return
        for sentence in choppa.SrxTextIterator(self.document, self.language_key(lang), text):
            if sentence.strip():
                yield sentence.strip()

    def split_paragraphs(self, paragraphs: Sequence[str], lang: str) -> list[list[str]]:
        """The sentences of each paragraph, one list per paragraph (empty for a blank one)."""
        return [self.split(paragraph, lang) for paragraph in paragraphs]


@functools.cache
def _builtin_maps() -> tuple[_LanguageMap, ...]:
    ours = _read_srx(_packaged("ministry.srx"), "alignments/resources/ministry.srx")
    languagetool = _read_srx(
        choppa.DEFAULT_SRX_RULESET.read_bytes(), "LanguageTool's segment.srx"
    )
    return (*ours, *languagetool)


@functools.cache
def default_segmenter() -> Segmenter:
    """The shared Segmenter with the built-in rules only."""
    return Segmenter()


def split_sentences(text: str, lang: str) -> list[str]:
    """The sentences of one paragraph with the built-in rules."""
    return default_segmenter().split(text, lang)

"""Terminology in the aligned corpus: variant flags found without a termbase, and rows
checked against one. Pure functions over frozen dataclasses; no I/O beyond the packaged
morphology dictionaries (loaded on first use).

- ``discovery``: where one term is written several ways (renderings of a source term across
  languages, spelling, transliteration, word order, acronym), with every occurrence;
- ``lang``: tokens with spans, dictionary forms (pymorphy3, simplemma), the folds that make
  spelling and transliteration variants compare equal;
- ``span``: the corpus as tokens, term-like spans, sub-sentence alignment of a term;
- ``mono``: the monolingual detectors;
- ``checks``: a termbase compiled into patterns, and the issues of a row against it.
"""

from alignments.terms.checks import Issue, TermChecker, TermRecord, term_pattern
from alignments.terms.discovery import AlignedRow, Flag, Occurrence, discover, flag_key
from alignments.terms.lang import base_lang, dictionary_form, load_dictionaries, term_key

__all__ = [
    "AlignedRow",
    "Flag",
    "Issue",
    "Occurrence",
    "TermChecker",
    "TermRecord",
    "base_lang",
    "dictionary_form",
    "discover",
    "flag_key",
    "load_dictionaries",
    "term_key",
    "term_pattern",
]

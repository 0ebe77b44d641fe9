"""What the engine says when it cannot do what it was asked: every error it raises, by kind.

An ``AlignmentError`` carries a ``kind`` (one of ``MESSAGES``' keys, a name a program can
test) and its ``params`` (the particulars: languages, beads, counts, a file's name), so that
an application says it in its user's language; ``str(error)`` is the English sentence
(``MESSAGES[kind] % params``), for the command line, the benches and the logs.
"""

from __future__ import annotations

MESSAGES: dict[str, str] = {
    # choosing the pivot and the hub (multi.py)
    "no-versions": "no language versions to choose a pivot from",
    "pivot-missing": "the pivot language '%(lang)s' is not among the versions (%(langs)s)",
    "hub-missing": "the hub language '%(lang)s' is not among the versions (%(langs)s)",
    # the beads a translator confirmed, kept as anchors (align.py)
    "anchor-gaps": "confirmed bead %(bead)s has gaps in its %(side)s sentences",
    "anchor-past-end": "confirmed bead %(bead)s points past the end of the %(side)s "
                       "(%(size)s sentences)",
    "anchor-empty": "a confirmed bead has no sentence on either side",
    "anchors-cross": "confirmed bead %(bead)s crosses or overlaps another confirmed bead",
    # the search (search.py)
    "no-path": "the alignment search found no path (internal error)",
    # scoring against a gold (score.py)
    "gold-count": "%(golds)s gold documents but %(hypotheses)s hypotheses",
    "not-a-bead": "line %(line)s is not a bead like '[0, 1]:[2]': %(text)r",
    # a user's own segmentation rules, an SRX file (segment.py)
    "rules-empty": "%(file)s is empty: expected an SRX 2.0 file.",
    "rules-not-xml": "%(file)s is not well-formed XML: %(detail)s.",
    "rules-doctype": "%(file)s declares a DOCTYPE: SRX rules may not use a DTD or entities.",
    "rules-not-srx": "%(file)s is not an SRX 2.0 file: the root element is <%(element)s>, "
                     'expected <srx version="2.0"> in the namespace %(namespace)s.',
    "rules-schema": "%(file)s does not follow the SRX 2.0 schema (line %(line)s): "
                    "%(detail)s.",
    "rules-unknown-rule": "%(file)s: the languagemap for %(pattern)r names a language rule "
                          "%(rule)r that the file does not define.",
    "rules-bad-language-pattern": "%(file)s: the language pattern %(pattern)r is not a valid "
                                  "regular expression (%(detail)s).",
    "rules-bad-pattern": "%(file)s: in language rule %(rule)r, the pattern %(pattern)r is "
                         "not a valid regular expression (%(detail)s).",
}


class AlignmentError(ValueError):
    """The engine cannot align what it was given (no sentences, an unknown language, ...):
    ``kind`` (a key of ``MESSAGES``) and ``params`` say what, ``str(error)`` in English."""

    def __init__(self, kind: str, **params: object) -> None:
        super().__init__(MESSAGES[kind] % params)
        self.kind = kind
        self.params = params

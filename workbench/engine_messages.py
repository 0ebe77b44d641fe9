"""The alignment engine's errors in the user's language.

The engine (``alignments``) speaks no language of the interface: an ``AlignmentError``
carries a ``kind`` and its ``params`` (``alignments.errors.MESSAGES`` holds every kind, and
its English sentence, which the command line prints). Here each kind has its sentence for
the interface, marked for the catalogues; ``engine_message`` says an error in the user's
language wherever the workbench shows it (a job's page, a JSON error, a page's message).
A sentence may leave out a particular the engine gives (the name it gives a rules file:
the only rules file the workbench hands the engine is the custom one).
"""

from __future__ import annotations

from typing import Protocol

from flask_babel import gettext

from tmx.units import N_


class EngineError(Protocol):
    """An ``alignments.AlignmentError``: its kind and the particulars of it."""

    kind: str
    params: dict[str, object]


ENGINE_MESSAGES: dict[str, str] = {
    "no-versions": N_("there are no language versions to choose a pivot from"),
    "pivot-missing": N_("the pivot language '%(lang)s' is not among the versions "
                        "(%(langs)s)"),
    "hub-missing": N_("the language '%(lang)s', to align the others with, is not among the "
                      "versions (%(langs)s)"),
    "anchor-gaps": N_("the confirmed row %(bead)s skips sentences between its own"),
    "anchor-past-end": N_("the confirmed row %(bead)s holds a sentence past the end of its "
                          "version (%(size)s sentences)"),
    "anchor-empty": N_("a confirmed row holds no sentence"),
    "anchors-cross": N_("the confirmed row %(bead)s crosses or overlaps another confirmed "
                        "row"),
    "no-path": N_("the aligner found no way through the sentences (a fault of the aligner; "
                  "please report it)"),
    "gold-count": N_("%(golds)s reference alignments but %(hypotheses)s alignments to score"),
    "not-a-bead": N_("line %(line)s is not a bead like [0, 1]:[2]: %(text)s"),
    "rules-empty": N_("The custom segmentation rules file is empty: an SRX 2.0 file was "
                      "expected."),
    "rules-not-xml": N_("The custom segmentation rules file is not well-formed XML: "
                        "%(detail)s."),
    "rules-doctype": N_("The custom segmentation rules file declares a DOCTYPE: SRX rules "
                        "may not use a DTD or entities."),
    "rules-not-srx": N_("The custom segmentation rules file is not an SRX 2.0 file: its root "
                        "element is <%(element)s>, not <srx version=\"2.0\"> in the "
                        "namespace %(namespace)s."),
    "rules-schema": N_("The custom segmentation rules file does not follow the SRX 2.0 "
                       "schema (line %(line)s): %(detail)s."),
    "rules-unknown-rule": N_("The custom segmentation rules file: the languagemap for "
                             "“%(pattern)s” names a language rule “%(rule)s” that the file "
                             "does not define."),
    "rules-bad-language-pattern": N_("The custom segmentation rules file: the language "
                                     "pattern “%(pattern)s” is not a valid regular "
                                     "expression (%(detail)s)."),
    "rules-bad-pattern": N_("The custom segmentation rules file: in the language rule "
                            "“%(rule)s”, the pattern “%(pattern)s” is not a valid regular "
                            "expression (%(detail)s)."),
}


def engine_message(error: EngineError) -> str:
    """What ``error`` says, in the user's language (the request's, or a job's); its own
    English sentence for a kind this table does not know."""
    template = ENGINE_MESSAGES.get(error.kind)
    if template is None:
        return str(error)
    return gettext(template, **error.params)

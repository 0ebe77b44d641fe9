"""The data the engine speaks: pairwise beads and N-way rows (and, from ``errors``, what
it says when it cannot align)."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

from alignments.errors import AlignmentError

__all__ = ["AlignmentError", "Bead", "Row"]


@dataclass(frozen=True, slots=True)
class Bead:
    """A pairwise correspondence: source sentence ids to target sentence ids.

    Ids are 0-based positions in each version's sentence list and are contiguous and
    ascending. ``(1,) -> ()`` is a 1-0 bead (a sentence with no counterpart).
    ``score`` is a confidence in [0, 1].
    """

    source: tuple[int, ...]
    target: tuple[int, ...]
    score: float = 1.0

    @property
    def shape(self) -> str:
        """The bead type as translators say it: '1-1', '2-1', '0-1' ..."""
        return f"{len(self.source)}-{len(self.target)}"

    def vecalign(self) -> str:
        """The bead in Vecalign's text format, '[0, 1]:[0]:0.8123'."""
        src = ", ".join(map(str, self.source))
        tgt = ", ".join(map(str, self.target))
        return f"[{src}]:[{tgt}]:{self.score:.4f}"


@dataclass(frozen=True, slots=True)
class Row:
    """An N-way aligned unit: for each language, the ids of its sentences in this row.

    A language with no sentence in the row maps to ``()``. ``cell_scores``: for each
    language the hub was aligned to, how sure the placing of its sentences here is (the
    lowest confidence of the pairwise beads that put them in this row, or surer where a
    second hub's beads agree: :func:`alignments.multi.second_opinion`): with five or more
    versions, the cells a translator should read first when the row needs a look. The
    hub's own cell has one only where the other versions agree with each other better than
    with it (:func:`alignments.multi.weigh_hub`); a row confirmed by hand has none.
    """

    cells: Mapping[str, tuple[int, ...]] = field(default_factory=dict)
    score: float = 1.0
    cell_scores: Mapping[str, float] = field(default_factory=dict)

    def sentences(self, lang: str) -> tuple[int, ...]:
        """The sentence ids of one language in this row (empty when it has none)."""
        return tuple(self.cells.get(lang, ()))

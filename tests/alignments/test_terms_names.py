"""How far a name's rendering runs: to the end of the name it stands in, not into the
initials of a person after it. What the terminologist sees: the variants whole ('Cumbre de
Asia Oriental' / 'Cumbre de Asia del Este', not 'Cumbre de Asia' twice)."""

from __future__ import annotations

from functools import cache

import pytest

from alignments.terms import Flag, discover


@cache
def _flags(corpus: str) -> tuple[Flag, ...]:
    """The flags of a corpus of bench/corpora through its gold rows."""
    from bench.terms import CORPORA, ROOT, gold_pages, gold_rows

    folder = CORPORA[corpus][0] if corpus in CORPORA else ROOT / "bench/corpora" / corpus / "gold"
    return tuple(discover(gold_rows(gold_pages(folder))))


@pytest.mark.parametrize(("corpus", "lang", "variants"), [
    # «ВАС» rendered 'Cumbre de Asia Oriental' and 'Cumbre de Asia del Este': 'Este' is the
    # demonstrative 'este' too, 'Oriental' is written three times, and neither goes with
    # «ВАС» enough to be taken for itself (labelled by the corpus's author)
    ("asia", "es", {"Cumbre de Asia Oriental", "Cumbre de Asia del Este"}),
    # the name's last word, not 'Anti-Terrorist' alone
    ("sco", "en", {"Director of the RATS Executive Committee",
                   "Director of the Executive Committee of the SCO Regional Anti-Terrorist "
                   "Structure"}),
])
def test_a_names_rendering_runs_to_the_end_of_the_name(corpus: str, lang: str,
                                                       variants: set[str]) -> None:
    assert any(variants <= set(f.variants) for f in _flags(corpus) if f.lang == lang), [
        f.variants for f in _flags(corpus) if f.lang == lang]


@pytest.mark.parametrize("corpus", ["brics", "summit"])
def test_a_names_rendering_stops_before_a_persons_initial(corpus: str) -> None:
    # «… БРИКС Г.А.Ерофеев», 'Mr F. Müller': an initial is the next person's
    ending = [v for f in _flags(corpus) for v in f.variants
              if len(v.split()[-1]) == 1 and v.split()[-1].isupper()]
    assert ending == []

"""The gold builder of the labelled corpora (``bench/build_demo.py``): what its source lines
mean for the gold rows and beads every alignment figure is scored against."""

from __future__ import annotations

import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "bench"))

from build_demo import components, pair_beads, read_source  # noqa: E402


def _lines(tmp_path: Path, texts: dict[str, str]) -> dict:
    out = {}
    for lang, text in texts.items():
        path = tmp_path / f"100.{lang}.txt"
        path.write_text(text, encoding="utf-8")
        out[lang] = [line for paragraph in read_source(path) for line in paragraph]
    return out


def test_a_sentence_the_english_left_out_is_one_row_in_the_versions_that_keep_it(
        tmp_path: Path) -> None:
    lines = _lines(tmp_path, {
        "en": "1\tTalks were held.\n2\tThey ended.\n",
        "ru": "1\tПрошли переговоры.\n-a\tАтмосфера была деловой.\n2\tОни закончились.\n",
        "de": "1\tEs gab Gespräche.\n-a\tDie Atmosphäre war sachlich.\n-\tEine Anmerkung.\n"
              "2\tSie endeten.\n",
    })
    rows = components(lines, ["en", "ru", "de"])
    assert {"en": [], "ru": [1], "de": [1]} in rows  # one row, not one per version
    assert {"en": [], "ru": [], "de": [2]} in rows  # a plain "-" stays on its own
    assert pair_beads(lines, "ru", "de") == [[[0], [0]], [[1], [1]], [[], [2]], [[2], [3]]]
    assert [[], [1]] in pair_beads(lines, "en", "ru")

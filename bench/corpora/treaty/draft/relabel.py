"""Write ``source/`` numbered by the Russian original (the drafts' own labels), with the
final text of each sentence from ``source/`` as ``convert.py`` wrote it (non-breaking spaces
added). Then build with ``--reference ru``:

    .venv/bin/python bench/corpora/treaty/draft/relabel.py
    .venv/bin/python bench/build_demo.py --reference ru --source bench/corpora/treaty/source \
        --pages bench/corpora/treaty/pages --gold bench/corpora/treaty/gold
"""
import re
from pathlib import Path

HERE = Path(__file__).resolve().parent
SOURCE = HERE.parent / "source"


def lines(path: Path) -> list[tuple[str, str] | None]:
    """(label, sentence) per line, None for a paragraph break."""
    out: list[tuple[str, str] | None] = []
    for raw in path.read_text(encoding="utf-8").splitlines():
        if not raw.strip():
            out.append(None)
        else:
            label, sentence = raw.split("\t", 1)
            out.append((label, sentence))
    return out


for draft in sorted(HERE.glob("[0-9][0-9][0-9].*.txt")):
    final = SOURCE / draft.name
    old, new = lines(draft), lines(final)
    drafted = [x for x in old if x is not None]
    written = [x for x in new if x is not None]
    assert len(drafted) == len(written), draft.name
    out, k = [], 0
    for item in new:
        if item is None:
            out.append("")
            continue
        units, _ = drafted[k]
        _, sentence = written[k]
        k += 1
        ids = sorted({int(re.match(r"\d+", u).group()) for u in units.split(",")}) \
            if units != "+" else []
        out.append(f"{','.join(map(str, ids)) or '-'}\t{sentence}")
    final.write_text("\n".join(out).strip("\n") + "\n", encoding="utf-8")

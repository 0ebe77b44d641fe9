"""Build the demo corpus: ministry-style HTML pages and gold alignments from the sources.

    python bench/build_demo.py
    python bench/build_demo.py --source bench/corpora/sco/source \
        --pages bench/corpora/sco/pages --gold bench/corpora/sco/gold \
        [--meta bench/corpora/sco/pages.json]

Reads ``workbench/demo/source/NNN.LANG.txt`` (format: that folder's README) and writes
``workbench/demo/pages/NNN.LANG-REGION.html`` and ``workbench/demo/gold/NNN.json``. The gold
holds each version's sentences, the N-way rows, and the pairwise beads of every pair, found
through the English sentence numbers that every source line names (or those of another
reference language, ``--reference``).

With ``--source`` (and ``--pages``/``--gold``) it builds another corpus in the same format;
its per-page metadata (publication date and whether the first paragraph is the title) is
read from ``--meta``, by default ``pages.json`` next to the source folder::

    {"100": {"published": "2024-05-21T18:05", "title": true}, ...}

A page missing from that file has no date and no title.

``--reference LANG`` (default ``en``): the language whose line numbers the other files
name. A corpus written from a Russian original and labelled against it says ``ru``.
"""

from __future__ import annotations

import argparse
import html
import json
from datetime import datetime
from itertools import combinations
from pathlib import Path
from typing import NamedTuple

from babel.dates import format_datetime

ROOT = Path(__file__).resolve().parent.parent
SOURCE = ROOT / "workbench" / "demo" / "source"
PAGES = ROOT / "workbench" / "demo" / "pages"
GOLD = ROOT / "workbench" / "demo" / "gold"
REGIONS = {"ru": "ru-RU", "en": "en-GB", "de": "de-DE", "fr": "fr-FR", "es": "es-ES",
           "zh": "zh-CN", "it": "it-IT", "pt": "pt-PT", "nl": "nl-NL", "pl": "pl-PL",
           "tr": "tr-TR", "ar": "ar-EG", "ja": "ja-JP", "ko": "ko-KR", "th": "th-TH"}
# a corpus has the languages whose files exist
ORDER = ["ru", "en", "de", "fr", "es", "zh", "it", "pt", "nl", "pl", "tr", "ar", "ja", "ko",
         "th"]
# How the page shows its date, and what separates the sentences of a paragraph: Chinese
# writes "2023年5月16日" and puts no space between sentences.
DATE_PATTERNS = {"zh": "y年M月d日 HH:mm", "ja": "y年M月d日 HH:mm", "ko": "y년 M월 d일 HH:mm"}
DATE_PATTERN = "d MMMM y HH:mm"
SENTENCE_JOINERS = {"zh": "", "ja": ""}
PUBLISHED = {
    "000": datetime(2019, 5, 22, 17, 53),
    "001": datetime(2020, 5, 26, 17, 51),
    "002": datetime(2018, 6, 11, 11, 50),
    "003": datetime(2020, 12, 1, 16, 22),
    "004": None,
}
HAS_TITLE = {"000", "001", "002", "003"}
CHROME = {
    "ru": (
        "Министерство иностранных дел Российской Федерации",
        "Дополнительные материалы",
        "Расширенные настройки",
        ["Главная", "Министерство", "Внешняя политика", "Пресс-служба"],
    ),
    "en": (
        "The Ministry of Foreign Affairs of the Russian Federation",
        "Additional materials",
        "Advanced settings",
        ["Home", "Ministry", "Foreign policy", "Press service"],
    ),
    "de": (
        "Außenministerium der Russischen Föderation",
        "Zusätzliche Materialien",
        "Erweiterte Einstellungen",
        ["Startseite", "Ministerium", "Außenpolitik", "Pressedienst"],
    ),
    "fr": (
        "Ministère des Affaires étrangères de la Fédération de Russie",
        "Documents supplémentaires",
        "Paramètres avancés",
        ["Accueil", "Ministère", "Politique étrangère", "Service de presse"],
    ),
    "es": (
        "Ministerio de Asuntos Exteriores de la Federación de Rusia",
        "Materiales adicionales",
        "Configuración avanzada",
        ["Inicio", "Ministerio", "Política exterior", "Servicio de prensa"],
    ),
    "zh": (
        "俄罗斯联邦外交部",
        "补充材料",
        "高级设置",
        ["首页", "外交部", "外交政策", "新闻处"],
    ),
}

class Line(NamedTuple):
    ids: tuple[int, ...]  # the reference (English) sentences it translates
    sentence: str
    blended: bool = False  # "~": split like another version, but not at the same place
    added: str = ""  # "-x": added where the English has nothing, the same sentence as the
    # other versions' "-x" lines of the page


def read_source(path: Path) -> list[list[Line]]:
    """The paragraphs of a source file, each a list of (reference ids, sentence)."""
    paragraphs: list[list[Line]] = [[]]
    for raw in path.read_text(encoding="utf-8").splitlines():
        if not raw.strip():
            if paragraphs[-1]:
                paragraphs.append([])
            continue
        ids, sentence = raw.split("\t", 1)
        blended = ids.startswith("~")
        ids = ids.lstrip("~").strip()
        added = ids[1:] if ids.startswith("-") else ""
        key = () if ids.startswith("-") else tuple(int(x) for x in ids.split(","))
        paragraphs[-1].append(Line(key, sentence.strip(), blended, added))
    return [p for p in paragraphs if p]


def components(lines: dict[str, list[Line]], langs: list[str], reference: str = "en"
               ) -> list[dict[str, list[int]]]:
    """Rows over ``langs``: sentences joined when they share a reference id (``reference``: the
    language whose line numbers the others name), in order."""
    parent: dict[object, object] = {}

    def find(x: object) -> object:
        parent.setdefault(x, x)
        while parent[x] != x:
            parent[x] = parent[parent[x]]
            x = parent[x]
        return x

    def union(a: object, b: object) -> None:
        parent[find(a)] = find(b)

    order_key: dict[object, float] = {}
    for lang in langs:
        last = 0.0
        since = 0  # added sentences since the last one with a reference id
        for i, (ids, _, _, added) in enumerate(lines[lang]):
            node = (lang, i)
            find(node)
            if lang == reference:
                order_key[node] = float(i + 1)
                last = float(i + 1)
            elif ids:
                for e in ids:
                    union(node, ("E", e))
                last = float(max(ids))
                order_key[node] = float(min(ids))
                since = 0
            else:  # after the reference sentence before it, in the order written
                order_key[node] = last + 0.5 + 0.001 * since
                since += 1
                if added:  # the same added sentence in several versions: one row
                    union(node, ("added", added))
            if lang == reference:
                union(node, ("E", i + 1))
    groups: dict[object, list[tuple[str, int]]] = {}
    for lang in langs:
        for i in range(len(lines[lang])):
            groups.setdefault(find((lang, i)), []).append((lang, i))
    rows = []
    for members in groups.values():
        row = {lang: sorted(i for m_lang, i in members if m_lang == lang) for lang in langs}
        key = min(order_key[m] for m in members)
        rows.append((key, row))
    rows.sort(key=lambda kr: (kr[0], [min(v) if v else -1 for v in kr[1].values()]))
    return [r for _, r in rows]


def pair_beads(lines: dict[str, list[Line]], a: str, b: str, reference: str = "en"
               ) -> list[list[list[int]]]:
    """The gold beads between two languages.

    Sentences are joined through the English ids they share, except where both translators
    split one English sentence the same way (the Russian original had two sentences there
    and the English merged them): those pair one to one, in order, unless a line is marked
    blended ("~"), its content spread over the parts differently.
    """
    beads: list[list[list[int]]] = []
    for row in components(lines, [a, b], reference):
        left, right = row[a], row[b]
        if not left and not right:
            continue
        same_split = (len(left) == len(right) > 1
                      and [lines[a][i].ids for i in left] == [lines[b][j].ids for j in right]
                      and not any(lines[a][i].blended for i in left)
                      and not any(lines[b][j].blended for j in right))
        if same_split:
            beads.extend([[i], [j]] for i, j in zip(left, right, strict=True))
        else:
            beads.append([left, right])
    return beads


def page_html(
    number: str,
    lang: str,
    paragraphs: list[list[Line]],
    langs: list[str],
    published: dict[str, datetime | None] | None = None,
    has_title: set[str] | None = None,
) -> str:
    published_at = PUBLISHED if published is None else published
    titled = HAS_TITLE if has_title is None else has_title
    # a language without its own page chrome (a test corpus) gets the English one
    site, extra, settings, menu = CHROME.get(lang, CHROME["en"])
    code = REGIONS[lang]
    joiner = SENTENCE_JOINERS.get(lang, " ")
    title = joiner.join(line.sentence for line in paragraphs[0]) if number in titled else ""
    body = paragraphs[1:] if number in titled else paragraphs
    published = published_at.get(number)
    date = (
        format_datetime(published, DATE_PATTERNS.get(lang, DATE_PATTERN),
                        locale=code.replace("-", "_"))
        if published
        else ""
    )
    menu_items = "".join(f'<li><a href="#">{html.escape(m)}</a></li>' for m in menu)
    variants = "".join(
        f'<li><a hreflang="{REGIONS[o]}" href="{number}.{REGIONS[o]}.html">{REGIONS[o]}</a></li>'
        for o in langs
    )
    text = "\n".join(
        "<p>" + joiner.join(html.escape(line.sentence, quote=False) for line in p) + "</p>"
        for p in body
    )
    head_title = html.escape(title or site)
    return f"""<!DOCTYPE html>
<html lang="{code}">
<head>
<meta charset="utf-8">
<title>{head_title} - {html.escape(site)}</title>
</head>
<body>
<header class="site-header"><a class="logo" href="#">{html.escape(site)}</a>
<nav class="main-menu"><ul>{menu_items}</ul></nav></header>
<main>
<article class="announce">
{f'<div class="announce__date">{html.escape(date)}</div>' if date else ""}
{f'<h1 class="announce__title">{html.escape(title)}</h1>' if title else ""}
<ul class="lang-versions">{variants}</ul>
<div class="text">
{text}
</div>
<section class="additional"><h2>{html.escape(extra)}</h2>
<ul><li><a href="#">PDF</a></li></ul></section>
</article>
</main>
<footer><div class="settings">{html.escape(settings)}</div></footer>
</body>
</html>
"""


def read_meta(path: Path) -> tuple[dict[str, datetime | None], set[str]]:
    """Publication dates and titled pages from a ``pages.json`` (see the module docstring)."""
    if not path.exists():
        return {}, set()
    meta = json.loads(path.read_text(encoding="utf-8"))
    published = {
        number: datetime.fromisoformat(m["published"]) if m.get("published") else None
        for number, m in meta.items()
    }
    titled = {number for number, m in meta.items() if m.get("title")}
    return published, titled


def build(
    source: Path = SOURCE,
    pages: Path = PAGES,
    gold_dir: Path = GOLD,
    published: dict[str, datetime | None] | None = None,
    has_title: set[str] | None = None,
    reference: str = "en",
) -> None:
    numbers = sorted({p.name.split(".")[0] for p in source.glob(f"*.{reference}.txt")
                      if p.name.split(".")[0].isdigit()}, key=lambda n: (len(n), n))
    if not numbers:
        raise SystemExit(f"{source} holds no NNN.{reference}.txt file: nothing to build "
                         "(is --reference the language the other files are numbered by?)")
    pages.mkdir(parents=True, exist_ok=True)
    gold_dir.mkdir(parents=True, exist_ok=True)
    for number in numbers:
        langs = [lang for lang in ORDER if (source / f"{number}.{lang}.txt").exists()]
        paragraphs = {lang: read_source(source / f"{number}.{lang}.txt") for lang in langs}
        lines = {lang: [line for p in paragraphs[lang] for line in p] for lang in langs}
        for lang in langs:
            (pages / f"{number}.{REGIONS[lang]}.html").write_text(
                page_html(number, lang, paragraphs[lang], langs, published, has_title),
                encoding="utf-8",
            )
        rows = components(lines, langs, reference)
        pairs = {}
        for a, b in combinations(langs, 2):
            pairs[f"{a}-{b}"] = pair_beads(lines, a, b, reference)
        gold = {
            "page": number,
            "langs": [REGIONS[lang] for lang in langs],
            "sentences": {REGIONS[lang]: [line.sentence for line in lines[lang]] for lang in langs},
            "rows": [
                {REGIONS[lang]: [lines[lang][i][1] for i in r[lang]] for lang in langs}
                for r in rows
            ],
            "pairs": {"-".join(REGIONS[x] for x in k.split("-")): v for k, v in pairs.items()},
        }
        (gold_dir / f"{number}.json").write_text(
            json.dumps(gold, ensure_ascii=False, indent=1), encoding="utf-8"
        )
        print(number, langs, len(rows), "rows")


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--source", type=Path, help="folder of NNN.LANG.txt (default: the demo's)")
    parser.add_argument("--pages", type=Path, help="where to write the HTML pages")
    parser.add_argument("--gold", type=Path, help="where to write the gold alignments")
    parser.add_argument("--meta", type=Path, help="pages.json (default: next to --source)")
    parser.add_argument("--reference", default="en",
                        help="the language whose line numbers the other files name (default: en)")
    args = parser.parse_args(argv)
    if args.source is None and args.pages is None and args.gold is None and args.meta is None:
        build()
        return
    source = args.source or SOURCE
    pages = args.pages or source.parent / "pages"
    gold_dir = args.gold or source.parent / "gold"
    published, has_title = read_meta(args.meta or source.parent / "pages.json")
    build(source, pages, gold_dir, published, has_title, args.reference)


if __name__ == "__main__":
    main()

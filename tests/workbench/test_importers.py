"""Importing pages: saved ministry text pages, HTML, plain text, encodings and bad input."""

from __future__ import annotations

import codecs
import os
from html import escape
from pathlib import Path

import pytest

from alignments.segment import Segmenter
from workbench.errors import PageImportError
from workbench.importers import MAX_PAGE_BYTES, Version, detect_language, read_version
from workbench.sets import segment_version

# CI has ../shared beside the clone: there, its absence is a failure, not a skip
SHARED_REQUIRED = bool(os.environ.get("WORKBENCH_REQUIRE_SYSTEM_TOOLS"))

SEEDS = Path(__file__).resolve().parent.parent.parent.parent / "shared" / "seeds"
BOILERPLATE = ("Additional materials", "Advanced settings", "General Information", "Flag")
ALL_FIVE = ("de-DE", "en-GB", "es-ES", "ru-RU", "fr-FR")

SEED_PAGES = [
    # file, title starts with, published, variants, paragraphs, first paragraph starts with
    ("000_a5e364639e9012db.txt", "Foreign Minister Sergey Lavrov’s remarks and answers",
     "2019-05-22T17:53", ("en-GB", "ru-RU"), 12, "A meeting of the Foreign Ministers"),
    ("001_5c9d7a97ec4f11db.txt", "Foreign Minister Sergey Lavrov’s remarks and answers",
     "2020-05-26T17:51", ALL_FIVE, 35, "We have held a CSTO Foreign Ministers Council"),
    ("002_e563b7151c10cdad.txt", "Foreign Minister Sergey Lavrov’s answers to media",
     "2018-06-11T11:50", ALL_FIVE, 10, "Question: What is the focal point"),
    ("003_d8097ca1fc5205e1.txt", "Foreign Minister Sergey Lavrov’s opening remarks",
     "2020-12-01T16:22", ("en-GB", "ru-RU"), 17, "I am glad to greet you"),
    ("004_cfb810c05cca2f16.txt", "", None, (), 14, "DUSHANBE, 20.05.2021 (NIAT Khovar)"),
]


@pytest.mark.skipif(not SEEDS.is_dir() and not SHARED_REQUIRED,
                    reason="the seed pages are not available")
@pytest.mark.parametrize(
    ("name", "title", "published", "variants", "count", "first"), SEED_PAGES
)
def test_seed_page(
    name: str, title: str, published: str | None, variants: tuple[str, ...], count: int,
    first: str,
) -> None:
    version = read_version((SEEDS / name).read_bytes(), name)
    assert version.title.startswith(title)
    assert version.published == published
    assert version.variants == variants
    assert len(version.paragraphs) == count
    assert version.paragraphs[0].startswith(first)
    assert version.lang == ("en-GB" if variants else "en")
    assert version.source == name
    assert version.title not in version.paragraphs
    assert len(set(version.paragraphs)) == len(version.paragraphs), "the body came twice"
    for paragraph in version.paragraphs:
        assert paragraph.strip() == paragraph and "\n" not in paragraph
        assert paragraph not in BOILERPLATE
        assert "\u00a0" not in paragraph and "  " not in paragraph


MINISTRY_HTML = """<!DOCTYPE html>
<html lang="ru-RU">
<head><meta charset="utf-8"><title>Выступление С.В.Лаврова - Министерство иностранных дел
Российской Федерации</title>
<script>var tracker = "Не текст страницы.";</script><style>p { color: red; }</style></head>
<body>
<header><nav class="main-menu"><ul><li><a href="/">Главная</a></li><li><a href="/">Министерство</a>
</li><li><a href="/">Внешняя политика</a></li></ul></nav></header>
<main><article>
<div class="announce__date">22 мая 2019 17:53</div>
<h1>Выступление Министра иностранных дел России С.В.Лаврова в Бишкеке</h1>
<ul class="lang-versions">
<li><a hreflang="de-DE" href="/de">de-DE</a></li><li><a hreflang="en-GB" href="/en">en-GB</a></li>
<li><a hreflang="es-ES" href="/es">es-ES</a></li><li><a hreflang="ru-RU" href="/ru">ru-RU</a></li>
<li><a hreflang="fr-FR" href="/fr">fr-FR</a></li></ul>
<div class="text">
<p>В Бишкеке состоялось заседание Совета министров иностранных дел ОДКБ. Встреча была
продуктивной.</p>
<p>Мы договорились о координации<br>внешнеполитических действий.</p>
<p>Вопрос: Когда страны ОДКБ создадут единую систему ПРО?</p>
</div>
<section class="additional"><h2>Дополнительные материалы</h2>
<ul><li><a href="#">Фото</a></li></ul></section>
</article></main>
<footer><div>Расширенные настройки</div><p>© МИД России</p></footer>
</body></html>
"""


def test_ministry_html_page() -> None:
    version = read_version(MINISTRY_HTML.encode(), "statement.html")
    assert version == Version(
        lang="ru-RU",
        title="Выступление Министра иностранных дел России С.В.Лаврова в Бишкеке",
        paragraphs=(
            "В Бишкеке состоялось заседание Совета министров иностранных дел ОДКБ. Встреча "
            "была продуктивной.",
            "Мы договорились о координации внешнеполитических действий.",
            "Вопрос: Когда страны ОДКБ создадут единую систему ПРО?",
        ),
        published="2019-05-22T17:53",
        variants=ALL_FIVE,
        source="statement.html",
    )


def test_html_title_falls_back_to_title_element() -> None:
    page = MINISTRY_HTML.replace("<h1>", "<div>").replace("</h1>", "</div>")
    version = read_version(page.encode(), "statement.html")
    assert version.title == "Выступление С.В.Лаврова"


def test_a_no_break_space_stays_and_a_run_of_spaces_goes() -> None:
    page = ("<html lang='fr'><body><h1>Titre</h1>"
            "<p>Sergueï Lavrov&nbsp;: Nous avons un programme unifié&#8239;? Oui.</p>"
            "<p>Indenté&nbsp;&nbsp;&nbsp;ici,\n   et  là.</p></body></html>")
    version = read_version(page.encode(), "page.html")
    assert list(version.paragraphs) == ["Sergueï Lavrov\u00a0: Nous avons un programme "
                                        "unifié\u202f? Oui.", "Indenté ici, et là."]


def test_html_with_repeated_body_after_boilerplate() -> None:
    page = MINISTRY_HTML.replace(
        "</div>\n<section",
        "<p>Расширенные настройки</p><p>В Бишкеке состоялось.</p></div>\n<section",
    )
    assert len(read_version(page.encode(), "statement.html").paragraphs) == 3


# a chapter as DocBook writes it (Debian's manuals, many handbooks): a table of contents,
# an introduction, sections each with a title and paragraphs (the second the richest),
# a list as a section's richest block, footnotes
DOCBOOK = """<?xml version="1.0" encoding="UTF-8"?>
<html xmlns="http://www.w3.org/1999/xhtml"><head><title>Chapter 2. Getting started</title>
</head><body><div class="navheader"><table><tr><td>Prev</td><td>Next</td></tr></table></div>
<div class="chapter"><div class="titlepage"><h2 class="title">Chapter 2. Getting started</h2>
</div><div class="toc"><dl><dt>2.1. Workflow</dt><dt>2.2. Choose</dt><dt>2.3. Get</dt></dl>
</div><p>Let us rebuild a package.</p>
<div class="section"><div class="titlepage"><h2 class="title">2.1. Workflow</h2></div>
<p>The workflow is short.</p></div>
<div class="section"><div class="titlepage"><h2 class="title">2.2. Choose</h2></div>
<p>Pick a program you use every day and know well enough to fix its bugs yourself.</p>
<p>Check that nobody in the project packages it already, and ask on the list.</p>
<div class="section"><div class="titlepage"><h3 class="title">2.2.1. Licence</h3></div>
<p>Its licence must be free.</p></div></div>
<div class="section"><div class="titlepage"><h2 class="title">2.3. Get</h2></div>
<div class="itemizedlist"><ul><li><p>Download the tarball.</p></li>
<li><p>Unpack it.</p></li></ul></div></div>
<div class="footnotes"><p>[1] A footnote.</p></div></div>
<div class="navfooter"><p>Prev Home Next</p></div></body></html>"""


def test_a_chapter_cut_into_sections_is_imported_whole() -> None:
    # the richest section alone was imported (a fifth of a chapter of Debian's manuals,
    # and another fifth in each translation)
    assert read_version(DOCBOOK.encode(), "first.en.html").paragraphs == (
        "Let us rebuild a package.", "2.1. Workflow", "The workflow is short.",
        "2.2. Choose",
        "Pick a program you use every day and know well enough to fix its bugs yourself.",
        "Check that nobody in the project packages it already, and ask on the list.",
        "2.2.1. Licence", "Its licence must be free.", "2.3. Get",
        "Download the tarball.", "Unpack it.", "[1] A footnote.")


def test_a_chapter_whose_richest_block_is_a_list_is_imported_whole() -> None:
    # in Japanese a list can outweigh a section's paragraphs: the climb starts from it
    japanese = DOCBOOK.replace(
        "<li><p>Unpack it.</p></li>",
        "<li><p>" + "展開します。" * 30 + "</p></li>")
    paragraphs = read_version(japanese.encode(), "first.ja.html").paragraphs
    assert paragraphs[0] == "Let us rebuild a package."
    assert len(paragraphs) == 12


def test_a_long_table_of_contents_is_not_taken_for_the_chapter() -> None:
    # a long chapter's contents outweigh any one section: they were imported instead of it
    contents = "".join(f"<dd><dl><dt>2.{k}. Section {k}</dt><dd>2.{k}.1. Subsection of "
                       f"section {k}</dd></dl></dd>" for k in range(40))
    page = DOCBOOK.replace("<dt>2.3. Get</dt></dl>", "<dt>2.3. Get</dt>" + contents + "</dl>")
    paragraphs = read_version(page.encode(), "ch01.en.html").paragraphs
    assert paragraphs[0] == "Let us rebuild a package."
    assert not any("Subsection" in p for p in paragraphs)


def test_a_tables_cells_and_a_lists_terms_are_paragraphs_of_their_own() -> None:
    # a manual's tables (package, what it does) and variable lists were left out
    page = DOCBOOK.replace(
        "<p>The workflow is short.</p>",
        "<p>The workflow is short.</p><table><caption>Table 2.1. Tools</caption><tr>"
        "<td>dpkg</td><td>installs a package file</td></tr></table>"
        "<dl><dt>quilt</dt><dd><p>keeps patches in order</p></dd></dl>"
        "<table><tr><td><p>A layout cell's paragraph.</p><p>And another.</p></td></tr></table>")
    paragraphs = read_version(page.encode(), "first.en.html").paragraphs
    start = paragraphs.index("The workflow is short.") + 1
    assert paragraphs[start:start + 7] == (
        "Table 2.1. Tools", "dpkg", "installs a package file", "quilt",
        "keeps patches in order", "A layout cell's paragraph.", "And another.")


def test_a_table_a_note_and_a_section_on_an_update_beside_the_sections_are_kept() -> None:
    # what lay beside the sections was left out (a table, a tip), and a section whose id
    # held "update" was taken for a date's box
    page = DOCBOOK.replace(
        '<div class="section"><div class="titlepage"><h2 class="title">2.3. Get</h2>',
        '<div class="table"><table><tr><td>dpkg</td><td>installs a package file</td></tr>'
        '</table></div><div class="tip"><p>Read the policy first.</p></div>'
        '<div class="section" id="sponsoring-an-update"><div class="titlepage">'
        '<h2 class="title">2.3. Get</h2>')
    paragraphs = read_version(page.encode(), "first.en.html").paragraphs
    assert {"dpkg", "installs a package file", "Read the policy first.", "2.3. Get",
            "Unpack it."} <= set(paragraphs)


def test_sphinxs_permalink_sign_stays_out_of_the_title_and_the_headings() -> None:
    page = ('<html><body><section id="beyond"><h1>7. Beyond packaging<a class="headerlink" '
            'href="#beyond">¶</a></h1><p>Go further.</p><section id="bugs"><h2>7.1. Bugs'
            '<a class="headerlink" href="#bugs">¶</a></h2><p>Report them.</p></section>'
            '</section></body></html>')
    version = read_version(page.encode(), "beyond.en.html")
    assert version.title == "7. Beyond packaging"
    assert version.paragraphs == ("Go further.", "7.1. Bugs", "Report them.")


def test_an_item_with_a_list_of_its_own_is_read_as_its_parts() -> None:
    # the item, its paragraph and its sub-items were one sentence:
    # "Simple packages single binary package, arch = all single binary package, …"
    page = DOCBOOK.replace(
        "<li><p>Unpack it.</p></li>",
        "<li><p>Unpack it.</p></li><li>Build it for<ul><li>one architecture,</li>"
        "<li>every architecture.</li></ul>Then upload it.</li>")
    paragraphs = read_version(page.encode(), "first.en.html").paragraphs
    start = paragraphs.index("Unpack it.") + 1
    assert paragraphs[start:start + 4] == (
        "Build it for", "one architecture,", "every architecture.", "Then upload it.")


# a manual's shell example, as DocBook writes it (maint-guide, debian-reference) and as
# Markdown does (a language's class on <code>); a <br> inside one, a blank line
SCREEN = """$ mkdir -p hello-sh/hello-sh-1.0; cd hello-sh/hello-sh-1.0
$ cat &gt; hello &lt;&lt;EOF
#!/bin/sh
echo "Hello! Done."

EOF<br>$ chmod 755 hello
$ tar -cvzf hello-sh-1.0.tar.gz hello-sh-1.0   # make the <em>tarball</em>
"""
SCREEN_LINES = [
    "$ mkdir -p hello-sh/hello-sh-1.0; cd hello-sh/hello-sh-1.0", "$ cat > hello <<EOF",
    "#!/bin/sh", 'echo "Hello! Done."', "EOF", "$ chmod 755 hello",
    "$ tar -cvzf hello-sh-1.0.tar.gz hello-sh-1.0   # make the tarball"]


@pytest.mark.parametrize("block", [
    f'<pre class="screen">\n{SCREEN}</pre>',
    f'<div class="language-shell highlighter-rouge"><pre><code class="language-shell">'
    f'{SCREEN}</code></pre></div>',
], ids=["docbook", "markdown"])
def test_a_code_block_keeps_its_lines(block: str) -> None:
    # a 20-line shell example came in as one long sentence; a Markdown one (its language
    # in a class, taken for a language menu's) did not come in at all
    page = DOCBOOK.replace("<p>The workflow is short.</p>",
                           f"<p>The workflow is short.</p>{block}<p>Then build it.</p>")
    version = read_version(page.encode(), "first.en.html")
    start = version.paragraphs.index("The workflow is short.")
    assert version.paragraphs[start + 1] == "".join(f"{line}\n" for line in SCREEN_LINES)
    assert version.paragraphs[start + 2] == "Then build it."
    # what the editor shows: one command or line of the file a sentence, whole
    sentences = [text for number, text in segment_version(version, Segmenter())
                 if number == start + 2]  # the title is paragraph 0
    assert sentences == SCREEN_LINES


# a letter or an e-mail pasted as preformatted text: its lines wrapped at 72 characters
# inside its sentences, its paragraphs apart at blank lines, its signature a line a part
LETTERS = {
    "en": ("""Dear colleagues,

Thank you for the draft of the joint statement, which we received on
Monday. We have read it carefully and would like to propose two changes
to the second paragraph. The delegation believes that the wording on
regional security should follow the text agreed in Astana last year.

We would be grateful for your comments by Friday, so that the statement
can be adopted at the meeting of the ministers.

With best regards,
Ivan Petrov
Second Secretary
""", ("Dear colleagues,",
      "Thank you for the draft of the joint statement, which we received on Monday. We "
      "have read it carefully and would like to propose two changes to the second "
      "paragraph. The delegation believes that the wording on regional security should "
      "follow the text agreed in Astana last year.",
      "We would be grateful for your comments by Friday, so that the statement can be "
      "adopted at the meeting of the ministers.",
      "With best regards,", "Ivan Petrov", "Second Secretary"),
        "Thank you for the draft of the joint statement, which we received on Monday."),
    "de": ("""Sehr geehrte Damen und Herren,

wir danken Ihnen für den Entwurf der gemeinsamen Erklärung, den wir am
Montag erhalten haben. Wir haben ihn sorgfältig geprüft und möchten zwei
Änderungen am zweiten Absatz vorschlagen. Die Delegation ist der
Auffassung, dass die Formulierung zur regionalen Sicherheit dem in
Astana vereinbarten Text folgen sollte.

Für Ihre Anmerkungen bis Freitag wären wir Ihnen dankbar, damit die
Erklärung auf dem Treffen der Minister angenommen werden kann.

Mit freundlichen Grüßen
Iwan Petrow
Zweiter Sekretär
""", ("Sehr geehrte Damen und Herren,",
      "wir danken Ihnen für den Entwurf der gemeinsamen Erklärung, den wir am Montag "
      "erhalten haben. Wir haben ihn sorgfältig geprüft und möchten zwei Änderungen am "
      "zweiten Absatz vorschlagen. Die Delegation ist der Auffassung, dass die Formulierung "
      "zur regionalen Sicherheit dem in Astana vereinbarten Text folgen sollte.",
      "Für Ihre Anmerkungen bis Freitag wären wir Ihnen dankbar, damit die Erklärung auf "
      "dem Treffen der Minister angenommen werden kann.",
      "Mit freundlichen Grüßen", "Iwan Petrow", "Zweiter Sekretär"),
        "Die Delegation ist der Auffassung, dass die Formulierung zur regionalen Sicherheit "
        "dem in Astana vereinbarten Text folgen sollte."),
    "ru": ("""Уважаемые коллеги!

Благодарим вас за проект совместного заявления, полученный нами в
понедельник. Мы внимательно его изучили и хотели бы предложить два
изменения во втором абзаце. Делегация считает, что формулировка о
региональной безопасности должна следовать тексту, согласованному в
Астане в прошлом году.

Будем признательны за ваши замечания до пятницы, чтобы заявление могло
быть принято на встрече министров.

С уважением,
Иван Петров
Второй секретарь
""", ("Уважаемые коллеги!",
      "Благодарим вас за проект совместного заявления, полученный нами в понедельник. Мы "
      "внимательно его изучили и хотели бы предложить два изменения во втором абзаце. "
      "Делегация считает, что формулировка о региональной безопасности должна следовать "
      "тексту, согласованному в Астане в прошлом году.",
      "Будем признательны за ваши замечания до пятницы, чтобы заявление могло быть принято "
      "на встрече министров.",
      "С уважением,", "Иван Петров", "Второй секретарь"),
        "Благодарим вас за проект совместного заявления, полученный нами в понедельник."),
    "fr": ("""    Chers collègues,

    Nous vous remercions du projet de déclaration commune, que nous avons
    reçu lundi. Nous l'avons lu attentivement et souhaiterions proposer deux
    modifications au deuxième paragraphe. La délégation estime que la
    formulation relative à la sécurité régionale devrait suivre le texte
    convenu à Astana l'année dernière.

    Nous vous serions reconnaissants de nous faire part de vos observations
    d'ici vendredi, afin que la déclaration puisse être adoptée lors de la
    réunion des ministres.

    Bien cordialement,
    Ivan Petrov
    Deuxième secrétaire
""", ("Chers collègues,",
      "Nous vous remercions du projet de déclaration commune, que nous avons reçu lundi. "
      "Nous l'avons lu attentivement et souhaiterions proposer deux modifications au "
      "deuxième paragraphe. La délégation estime que la formulation relative à la sécurité "
      "régionale devrait suivre le texte convenu à Astana l'année dernière.",
      "Nous vous serions reconnaissants de nous faire part de vos observations d'ici "
      "vendredi, afin que la déclaration puisse être adoptée lors de la réunion des "
      "ministres.",
      "Bien cordialement,", "Ivan Petrov", "Deuxième secrétaire"),
        "La délégation estime que la formulation relative à la sécurité régionale devrait "
        "suivre le texte convenu à Astana l'année dernière."),
}


@pytest.mark.parametrize("lang", sorted(LETTERS))
def test_a_letter_in_a_pre_is_read_as_paragraphs_not_lines(lang: str) -> None:
    # each line of it was a sentence: "which we received on" / "Monday. We have read it …"
    letter, paragraphs, sentence = LETTERS[lang]
    page = f"<html><body><h1>Letter</h1><pre>{letter}</pre></body></html>"
    version = read_version(page.encode(), f"letter.{lang}.html")
    assert version.paragraphs == paragraphs
    assert sentence in [text for _, text in segment_version(version, Segmenter())]


# what a manual's <pre> holds besides shell sessions: each keeps its lines
CODE_BLOCKS = {
    "sources.list": """deb http://deb.debian.org/debian bookworm main contrib non-free-firmware
deb-src http://deb.debian.org/debian bookworm main contrib non-free-firmware
deb http://security.debian.org/debian-security bookworm-security main contrib
deb-src http://security.debian.org/debian-security bookworm-security main
""",
    "python": '''def greet(name):
    """Say hello to the person whose name is given, in the language
    of the interface, and return the greeting that was printed."""
    greeting = _("Hello, %(name)s!") % {"name": name}
    print(greeting)
    return greeting
''',
    "comments": """# The mirror nearest to you is chosen by the deb.debian.org service, so
# there is no need to list one here unless you want to use another one.
# Uncomment the next line to use the backports of the stable release.
""",
    "ls": """total 12
drwxr-xr-x 2 user user 4096 May  5 10:00 debian
-rw-r--r-- 1 user user  181 May  5 10:00 hello
-rw-r--r-- 1 user user  512 May  5 10:00 hello-sh-1.0.tar.gz
""",
    "control": """Package: hello-sh
Architecture: all
Depends: ${misc:Depends}
Description: simple shell script package
 This is an example package which prints a greeting on
 the terminal when it is run from the command line.
""",
    "verse": """Я помню чудное мгновенье:
Передо мной явилась ты,
Как мимолетное виденье,
Как гений чистой красоты.
""",
}


@pytest.mark.parametrize("name", sorted(CODE_BLOCKS))
def test_code_and_verse_in_a_pre_keep_their_lines(name: str) -> None:
    block = CODE_BLOCKS[name]
    page = f"<html><body><h1>Files</h1><p>It reads:</p><pre>{escape(block)}</pre></body></html>"
    version = read_version(page.encode(), "files.en.html")
    assert version.paragraphs == ("It reads:", "".join(
        f"{line.rstrip()}\n" for line in block.split("\n") if line.strip()))


FRENCH = "Le ministre a déclaré que la réunion était très productive.\n\nÀ bientôt, élève."
RUSSIAN = "Министр иностранных дел России провёл переговоры.\n\nСтороны обсудили сотрудничество."


@pytest.mark.parametrize(
    ("data", "text"),
    [
        (RUSSIAN.encode("utf-8"), RUSSIAN),
        (RUSSIAN.encode("utf-8-sig"), RUSSIAN),
        (codecs.BOM_UTF16_LE + RUSSIAN.encode("utf-16-le"), RUSSIAN),
        (codecs.BOM_UTF16_BE + RUSSIAN.encode("utf-16-be"), RUSSIAN),
        (RUSSIAN.encode("cp1251"), RUSSIAN),
        (FRENCH.encode("latin-1"), FRENCH),
        (FRENCH.encode("cp1252"), FRENCH),
        (FRENCH.encode("utf-8"), FRENCH),
    ],
    ids=["utf-8", "utf-8-sig", "utf-16-le", "utf-16-be", "cp1251", "latin-1", "cp1252", "fr-utf8"],
)
def test_encodings(data: bytes, text: str) -> None:
    version = read_version(data, "page.txt")
    assert version.paragraphs == tuple(text.split("\n\n"))
    assert version.lang == ("ru" if text is RUSSIAN else "fr")


def test_cp1251_html_page_with_declared_charset() -> None:
    page = MINISTRY_HTML.replace('charset="utf-8"', 'charset="windows-1251"').replace("©", "(c)")
    version = read_version(page.encode("cp1251"), "statement.html")
    assert version.title.startswith("Выступление Министра")


BAD_INPUT = [
    (b"", "page.txt", None, "page.txt is empty."),
    (b" \n\t\r\n ", "page.txt", None, "page.txt is empty: it holds only whitespace."),
    (b"\x00\x01binary", "page.txt", None,
     "page.txt is not a text or HTML page: it contains binary data (NUL bytes). If it is "
     "UTF-16 text, save it with a byte order mark, or as UTF-8."),
    (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", "page.html", None,
     "page.html is not a text or HTML page: it looks like a PNG image."),
    (b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj", "page.txt", None,
     "page.txt is not a text or HTML page: it looks like a PDF document."),
    (bytes(range(128, 256)) * 3, "page.txt", None,
     "page.txt could not be decoded: it is not UTF-8, UTF-16, windows-1251 or windows-1252 "
     "text."),
    (codecs.BOM_UTF16_LE + b"\x00\xd8", "page.txt", None,
     "page.txt could not be decoded: it starts with a UTF-16 byte order mark but is not valid "
     "text in that encoding."),
    (b"Hello there, this is a page.", "page.txt", "xx",
     "page.txt: 'xx' is not a language the workbench supports (use en, ru, de, fr, es or "
     "another ISO 639 code)."),
    (b"12345 67890 !!!", "page.txt", None,
     "page.txt: the language could not be determined; give it explicitly or in the file name "
     "(page.ru.html)."),
    (b"<html><body><nav><a href='/'>Home</a></nav><footer>(c)</footer></body></html>",
     "page.html", None,
     "page.html has no body text: nothing was left after removing the title, menus and "
     "boilerplate."),
    (b"x" * (MAX_PAGE_BYTES + 1), "big.txt", None,
     "big.txt is too large (5.0 MB): a page may be at most 5 MB."),
]


@pytest.mark.parametrize(("data", "filename", "lang", "message"), BAD_INPUT)
def test_bad_input(data: bytes, filename: str, lang: str | None, message: str) -> None:
    with pytest.raises(PageImportError) as caught:
        read_version(data, filename, lang)
    assert str(caught.value) == message


ENGLISH = b"The ministers adopted a statement on cooperation. They met in Bishkek."


@pytest.mark.parametrize(
    ("data", "filename", "lang", "expected"),
    [
        (ENGLISH, "page.txt", "de", "de"),  # the caller's word wins
        (ENGLISH, "page.txt", "ru_ru", "ru-RU"),
        (ENGLISH, "page.txt", "uk", "uk"),  # any language CLDR knows, when given
        (ENGLISH, "page.ru.txt", None, "ru"),
        (ENGLISH, "page.ru-RU.txt", None, "ru-RU"),
        (ENGLISH, "page_de.txt", None, "de"),
        (ENGLISH, "000.en-GB.html", None, "en-GB"),
        (ENGLISH, "report_v2.txt", None, "en"),  # not a language: detected instead
        (b'<html lang="fr-FR"><body><p>The ministers met.</p></body></html>', "p.html", None,
         "fr-FR"),
        (ENGLISH, "page.txt", None, "en"),
        ("Die Minister haben eine Erklärung angenommen.".encode(), "page.txt", None, "de"),
        ("Los ministros aprobaron una declaración conjunta.".encode(), "page.txt", None, "es"),
        ("Les ministres ont adopté une déclaration commune.".encode(), "page.txt", None, "fr"),
        ("Министры приняли совместное заявление.".encode(), "page.txt", None, "ru"),
        # a script none of the five is written in: Chinese and Japanese were taken for 'en'
        ("在上游源码的 debian 目录下添加 Debian 打包的专用文件。".encode(), "yinyan.txt", None,
         "zh"),
        ("現代的な Debian システムの基本的ネットワークインフラをレビューします。".encode(),
         "hajimeni.txt", None, "ja"),
        ("데비안 패키지를 만드는 방법을 설명합니다.".encode(), "page.txt", None, "ko"),
        ("وزراء الخارجية اعتمدوا بيانا مشتركا.".encode(), "page.txt", None, "ar"),
    ],
)
def test_language(data: bytes, filename: str, lang: str | None, expected: str) -> None:
    assert read_version(data, filename, lang).lang == expected


def test_detected_language_takes_the_region_of_the_page_variants() -> None:
    page = "22 May 2019 17:53\n\nTitle\n\n  • en-GB1 ru-RU1\n\nThe ministers met today."
    assert read_version(page.encode(), "page.txt").lang == "en-GB"


def test_detected_language_is_reported(caplog: pytest.LogCaptureFixture) -> None:
    with caplog.at_level("INFO", logger="workbench.importers"):
        read_version(ENGLISH, "page.txt")
    assert "page.txt: language detected as en" in caplog.text


SAVED_RUSSIAN = """Выступления и стенограммы

22 мая 201917:53

Выступление С.В.Лаврова в Бишкеке


  • de-DE1 en-GB1 es-ES1 ru-RU1 fr-FR1

В Бишкеке состоялось заседание СМИД ОДКБ.\u00a0\u00a0

Встреча была продуктивной.

Дополнительные материалы


Расширенные настройки
В Бишкеке состоялось заседание СМИД ОДКБ.
Встреча была продуктивной.
"""


def test_saved_russian_page() -> None:
    version = read_version(SAVED_RUSSIAN.encode("cp1251"), "saved.txt")
    assert version == Version(
        lang="ru-RU",
        title="Выступление С.В.Лаврова в Бишкеке",
        paragraphs=("В Бишкеке состоялось заседание СМИД ОДКБ.", "Встреча была продуктивной."),
        published="2019-05-22T17:53",
        variants=ALL_FIVE,
        source="saved.txt",
    )


@pytest.mark.parametrize(("text", "expected"), [
    # Italian and Portuguese were taken for Spanish, Ukrainian for Russian, Dutch, Polish
    # and Turkish for German
    ("I ministri hanno adottato una dichiarazione congiunta sulla cooperazione.", "it"),
    ("Os ministros adotaram uma declaração conjunta sobre a cooperação.", "pt"),
    ("Міністри ухвалили спільну заяву про співпрацю між країнами.", "uk"),
    ("De ministers hebben een gezamenlijke verklaring over samenwerking aangenomen.", "nl"),
    ("Ministrowie przyjęli wspólne oświadczenie w sprawie współpracy.", "pl"),
    ("Bakanlar işbirliğine ilişkin ortak bir bildiri kabul etti.", "tr"),
    # a manual's Japanese among its commands (under half its letters in kana and kanji)
    ("パッケージを作成するには次のコマンドを実行します。 $ dpkg-buildpackage -us -uc "
     "--build=binary --no-sign && lintian --pedantic ../hello_1.0-1_amd64.changes", "ja"),
], ids=["it", "pt", "uk", "nl", "pl", "tr", "ja-among-code"])
def test_a_language_beyond_the_ministrys_five_is_detected(text: str, expected: str) -> None:
    # what a translator sees: the language an upload named page.txt gets
    assert read_version(text.encode(), "page.txt").lang == expected


NORWEGIAN = ("Regjeringen har i dag lagt fram en ny strategi for samarbeidet med landene i "
             "nord, og utenriksministeren sier at arbeidet skal fortsette neste år.").encode()


@pytest.mark.parametrize(("filename", "lang", "expected"), [
    ("page.txt", None, "nb"),  # detected: the model's Norwegian is Bokmål
    ("page.no.txt", None, "nb"),  # 'no', the macrolanguage, as a CAT tool knows it
    ("page.no-NO.txt", None, "nb-NO"),
    ("page.txt", "no_NO", "nb-NO"),
    ("page.nb-NO.txt", None, "nb-NO"),
    ("page.nn-NO.txt", None, "nn-NO"),  # Nynorsk stays itself
], ids=["detected", "no", "no-NO", "given", "nb-NO", "nn-NO"])
def test_norwegian_is_bokmal_as_cat_tools_tag_it(filename: str, lang: str | None,
                                                 expected: str) -> None:
    # it came in as 'no', stored as 'no-NO': no tag OmegaT or Trados lists, and no name
    # the editor could show (Babel has no locale no_NO)
    assert read_version(NORWEGIAN, filename, lang).lang == expected


def test_a_weak_guess_is_no_language() -> None:
    assert detect_language("ok") is None


def test_plain_text_paragraphs() -> None:
    text = b"First line of a paragraph\nwrapped here.\nA second paragraph.\n\n\nThird one."
    version = read_version(text, "page.en.txt")
    assert version.paragraphs == (
        "First line of a paragraph wrapped here.", "A second paragraph.", "Third one.",
    )
    assert version.title == "" and version.published is None and version.variants == ()


def test_html_entities_and_external_files_are_never_resolved() -> None:
    page = (
        b'<?xml version="1.0" encoding="utf-8"?><!DOCTYPE html [<!ENTITY x SYSTEM '
        b'"file:///etc/passwd"><!ENTITY y "yyyyyyyyyy">]><html><body>'
        b"<p>The ministers met in Bishkek. &x; &y;</p></body></html>"
    )
    version = read_version(page, "hostile.html", "en")
    assert version.paragraphs == ("The ministers met in Bishkek. &x; &y;",)

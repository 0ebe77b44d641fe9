"""Word documents (.docx) as pages: text in reading order, the language, and the errors.

Most documents are written in the test with python-docx; one is written by another tool,
pandoc (Debian's ``pandoc``: a test-time tool, run as a program, never imported), so the
reader is not only tried on python-docx's own idea of a .docx.
"""

from __future__ import annotations

import io
import os
import shutil
import subprocess
import zipfile
from pathlib import Path

import pytest
from docx import Document
from docx.oxml.ns import qn
from docx.oxml.parser import OxmlElement
from flask.testing import FlaskClient

from workbench.docx_pages import MAX_UNPACKED_BYTES, is_docx
from workbench.errors import PageImportError
from workbench.importers import read_version

RUSSIAN = ("Министры иностранных дел встретились в Бишкеке. "
           "Они приняли совместное заявление о сотрудничестве.")
ENGLISH = ("The foreign ministers met in Bishkek. "
           "They adopted a joint statement on cooperation.")


def saved(document: object) -> bytes:
    out = io.BytesIO()
    document.save(out)  # type: ignore[attr-defined]
    return out.getvalue()


def a_document(*paragraphs: str, title: str = "") -> bytes:
    document = Document()
    if title:
        document.add_paragraph(title, style="Title")
    for text in paragraphs:
        document.add_paragraph(text)
    return saved(document)


def with_run_language(data: bytes, lang: str) -> bytes:
    """The document with ``w:lang`` set on every run, as Word stamps the typing language."""
    document = Document(io.BytesIO(data))
    for paragraph in document.paragraphs:
        for run in paragraph.runs:
            marker = OxmlElement("w:lang")
            marker.set(qn("w:val"), lang)
            run._r.get_or_add_rPr().append(marker)
    return saved(document)


def test_paragraphs_table_cells_and_no_headers_or_footers() -> None:
    document = Document()
    document.add_paragraph("Joint statement", style="Title")
    document.sections[0].header.paragraphs[0].text = "Running header, not part of the page."
    document.sections[0].footer.paragraphs[0].text = "Page 1 of 3, not part of the page."
    document.add_paragraph("The ministers met in Bishkek.")
    table = document.add_table(rows=2, cols=2)
    table.cell(0, 0).text = "Country"
    table.cell(0, 1).text = "Capital"
    table.cell(1, 0).merge(table.cell(1, 1)).text = "Both columns, said once."
    inner = table.cell(0, 1).add_table(rows=1, cols=1)
    inner.cell(0, 0).text = "A nested cell."
    document.add_paragraph("   ")  # blank: no paragraph
    paragraph = document.add_paragraph("They adopted a statement")
    paragraph.add_run().add_break()
    paragraph.add_run("on cooperation.\tThe end.")
    version = read_version(saved(document), "statement.en.docx")
    assert version.title == "Joint statement"
    assert version.paragraphs == (
        "The ministers met in Bishkek.", "Country", "Capital", "A nested cell.",
        "Both columns, said once.", "They adopted a statement on cooperation. The end.")
    assert version.lang == "en-US"  # the document's own default (python-docx's template)
    assert version.source == "statement.en.docx"


def test_deleted_text_and_text_boxes_are_left_out_inserted_text_kept() -> None:
    document = Document()
    paragraph = document.add_paragraph("The ministers ")
    inserted = OxmlElement("w:ins")
    run = OxmlElement("w:r")
    text = OxmlElement("w:t")
    text.text = "finally "
    run.append(text)
    inserted.append(run)
    deleted = OxmlElement("w:del")
    gone = OxmlElement("w:r")
    gone_text = OxmlElement("w:delText")
    gone_text.text = "never "
    gone.append(gone_text)
    deleted.append(gone)
    paragraph._p.append(inserted)
    paragraph._p.append(deleted)
    paragraph.add_run("met in Bishkek.")
    version = read_version(saved(document), "page.en.docx")
    assert version.paragraphs == ("The ministers finally met in Bishkek.",)


def test_a_document_found_by_its_content_whatever_its_name() -> None:
    data = a_document(ENGLISH)
    assert is_docx(data, "statement.bin") and is_docx(b"", "x.DOCX")
    assert not is_docx(b"PK\x03\x04 not really", "archive.zip")
    assert read_version(data, "statement.en.bin").paragraphs == (ENGLISH,)

ITALIAN = ("I ministri degli esteri si sono incontrati a Bishkek. "
           "Hanno adottato una dichiarazione congiunta sulla cooperazione.")
UKRAINIAN = ("Міністри закордонних справ зустрілися в Бішкеку. "
             "Вони ухвалили спільну заяву про співпрацю.")


def without_language(data: bytes) -> bytes:
    """The document with no language declared anywhere (python-docx's template says en-US)."""
    document = Document(io.BytesIO(data))
    for marker in document.styles.element.iter(qn("w:lang")):
        marker.getparent().remove(marker)
    return saved(document)


@pytest.mark.parametrize(
    ("data", "filename", "expected"),
    [
        (a_document(RUSSIAN), "page.de.docx", "de"),  # the file name, as for every format
        (a_document(RUSSIAN), "page.docx", "ru"),  # en-US declared, Russian text: detected
        (without_language(a_document(ENGLISH)), "page.docx", "en"),  # nothing declared
        (with_run_language(a_document(RUSSIAN), "ru-RU"), "page.docx", "ru-RU"),
        (with_run_language(a_document(RUSSIAN), "ru-RU"), "page.ru.docx", "ru-RU"),
        # Word stamps the keyboard's language; the text says otherwise: the text wins
        (with_run_language(a_document(RUSSIAN), "en-US"), "page.docx", "ru"),
        # ... but Italian and Ukrainian, declared so, were taken for Spanish and Russian
        (with_run_language(a_document(ITALIAN), "it-IT"), "page.docx", "it-IT"),
        (with_run_language(a_document(UKRAINIAN), "uk-UA"), "page.docx", "uk-UA"),
        (with_run_language(a_document(ITALIAN), "en-US"), "page.docx", "it"),
        # a language detection never names is taken as declared
        (with_run_language(a_document(ITALIAN), "sq-AL"), "page.docx", "sq-AL"),
    ],
)
def test_language(data: bytes, filename: str, expected: str) -> None:
    assert read_version(data, filename).lang == expected


def test_language_from_the_document_properties() -> None:
    document = Document(io.BytesIO(a_document(ENGLISH)))
    document.core_properties.language = "en-GB"
    assert read_version(saved(document), "page.docx").lang == "en-GB"


def as_word_writes_it(*paragraphs: tuple[tuple[str, str | None], ...], default: str = "en-US",
                      title: tuple[tuple[str, str | None], ...] = ()) -> bytes:
    """A document as Word saves it: the language of the template or of the installed Word
    in the document defaults (en-US, ru-RU, de-CH, with the East Asian and bidi ones
    beside it), and on a run only where it differs from that: the keyboard's language
    while the run was typed, or the one Word's detection set on it. Each paragraph is
    its runs, (text, language or None)."""
    document = Document()
    defaults = document.styles.element.find(f"{qn('w:docDefaults')}/{qn('w:rPrDefault')}/"
                                            f"{qn('w:rPr')}/{qn('w:lang')}")
    defaults.set(qn("w:val"), default)
    for runs, style in [(title, "Title")] * bool(title) + [(p, None) for p in paragraphs]:
        paragraph = document.add_paragraph(style=style)
        for text, lang in runs:
            run = paragraph.add_run(text)
            if lang:
                marker = OxmlElement("w:lang")
                marker.set(qn("w:val"), lang)
                run._r.get_or_add_rPr().append(marker)
    return saved(document)


SWISS = ((("Die Aussenminister haben in Bern das ", None), ("Memorandum of Understanding", "en-US"),
          (" über die Zusammenarbeit unterzeichnet.", None)),
         (("Die nächste Sitzung der ", None), ("Joint Working Group", "en-US"),
          (" findet im Herbst statt.", None)))
RUSSIAN_NOTE = ((("Протокол № 3", None),), (("Москва, 5 мая 2021 года", None),))
GERMAN_NOTE = ((("Protokoll Nr. 3", None),), (("Berlin, 5. Mai 2021", None),))


@pytest.mark.parametrize(("data", "expected"), [
    # a Swiss German Word: English names Word stamped en-US, the rest in the default de-CH;
    # the runs that declare a language were counted alone, en-US lost to the text, and the
    # version came in as bare 'de' and was stored as de-DE
    (as_word_writes_it(*SWISS, default="de-CH"), "de-CH"),
    # Russian typed in the English template (the keyboard's language never set on it):
    # too short for detection to name Russian, en-US was believed
    (as_word_writes_it(*RUSSIAN_NOTE), None),
    (as_word_writes_it(*GERMAN_NOTE), None),
    # a Russian title set by Word, the rest typed unmarked: the text bears out ru-RU
    (as_word_writes_it((("Стороны обсудили вопросы двустороннего сотрудничества и "
                         "подписали совместное заявление.", None),),
                       title=(("Совместное заявление", "ru-RU"),)), "ru-RU"),
], ids=["de-CH", "ru-short", "de-short", "ru-title"])
def test_the_declared_language_only_where_the_text_bears_it_out(
        data: bytes, expected: str | None) -> None:
    if expected is None:  # asked for, not filed under English
        with pytest.raises(PageImportError, match="the language could not be determined"):
            read_version(data, "note.docx")
    else:
        assert read_version(data, "note.docx").lang == expected


def test_a_short_note_in_english_keeps_its_declared_english() -> None:
    data = as_word_writes_it((("Annex 1", None),), (("Draft agenda", None),), default="en-GB")
    assert read_version(data, "annex.docx").lang == "en-GB"


def zipped(members: dict[str, bytes]) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as package:
        for name, content in members.items():
            package.writestr(name, content)
    return out.getvalue()


def header_only() -> bytes:
    document = Document()
    document.sections[0].header.paragraphs[0].text = "Only a header."
    return saved(document)


def bomb() -> bytes:
    """A small ZIP whose document part unpacks past the limit."""
    return zipped({"[Content_Types].xml": b"<Types/>",
                   "word/document.xml": b" " * (2 * MAX_UNPACKED_BYTES)})


GOOD = a_document(ENGLISH)
BAD_INPUT = [
    (GOOD[: len(GOOD) // 2], "cut.docx",
     "cut.docx is damaged: the Word document is cut short or corrupt (its ZIP directory "
     "cannot be read). Download or save it again."),
    (zipped({"word/document.xml": b"<w:document>not closed"}), "broken.docx",
     "broken.docx is damaged: it is not a Word document that can be read (its parts are "
     "missing or broken). Open it in Word or LibreOffice and save it again as .docx."),
    (ENGLISH.encode(), "renamed.docx",
     "renamed.docx is not a Word document: a .docx file is a ZIP package, and this one is "
     "not. Save it from Word as .docx, or give it the name of what it is (.txt, .html)."),
    (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 512, "old.docx",
     "old.docx is an old Word document (.doc), not a .docx: open it in Word or LibreOffice "
     "and save it as .docx."),
    (zipped({"content.xml": b"<office/>"}), "other.docx",
     "other.docx is a ZIP archive but not a Word document (it has no word/document.xml)."),
    (bomb(), "bomb.docx",
     f"bomb.docx unpacks to 50 MB, more than a page may ({MAX_UNPACKED_BYTES // 2**20} MB): "
     "it was not read. Split the document, or remove its pictures."),
    (saved(Document()), "empty.docx",
     "empty.docx is an empty Word document: it holds no text outside its headers and "
     "footers."),
    (header_only(), "header.docx",
     "header.docx is an empty Word document: it holds no text outside its headers and "
     "footers."),
    (without_language(a_document("12345 67890 !!!")), "numbers.docx",
     "numbers.docx: the language could not be determined; give it explicitly or in the file "
     "name (page.ru.html)."),
    (b"PK\x03\x04" + b"\x00" * 40, "archive.zip",  # not a Word document: as before
     "archive.zip is not a text or HTML page: it looks like a ZIP archive (or a "
     "Word/OpenDocument file)."),
]


@pytest.mark.parametrize(("data", "filename", "message"), BAD_INPUT)
def test_bad_input(data: bytes, filename: str, message: str) -> None:
    with pytest.raises(PageImportError) as caught:
        read_version(data, filename)
    assert str(caught.value) == message


def test_a_corrupt_part_is_refused_not_crashed_on() -> None:
    """Bytes flipped inside the compressed document part: a CRC or inflate error."""
    data = bytearray(a_document(ENGLISH * 20))
    start = data.index(b"word/document.xml") + len("word/document.xml")
    for n in range(start + 20, start + 60):
        data[n] ^= 0x5A
    with pytest.raises(PageImportError) as caught:
        read_version(bytes(data), "flipped.docx")
    assert str(caught.value).startswith("flipped.docx is damaged")


def test_too_much_text_is_refused() -> None:
    from workbench.importers import MAX_PAGE_BYTES

    # Repeated text compresses well: the file is small, its text is not.
    document = Document()
    line = "The ministers met. " * 500
    for _ in range(MAX_PAGE_BYTES // len(line) + 1):
        document.add_paragraph(line)
    with pytest.raises(PageImportError) as caught:
        read_version(saved(document), "long.en.docx")
    assert "long.en.docx holds too much text" in str(caught.value)


PANDOC = shutil.which("pandoc")


@pytest.fixture
def pandoc() -> str:
    if PANDOC is None:
        if os.environ.get("WORKBENCH_REQUIRE_SYSTEM_TOOLS"):
            pytest.fail("pandoc is required here (Debian's pandoc)")
        pytest.skip("pandoc is not installed; install it with `make system-deps`")
    return PANDOC


def test_a_document_written_by_pandoc(pandoc: str, tmp_path: Path) -> None:
    source = tmp_path / "statement.md"
    source.write_text(
        "---\ntitle: Совместное заявление\nlang: ru-RU\n---\n\n"
        f"{RUSSIAN}\n\n"
        "| Страна | Столица |\n|---|---|\n| Россия | Москва |\n\n"
        "- Первый пункт списка.\n- Второй пункт списка.\n\n"
        "Текст со сноской.[^1]\n\n[^1]: Сноска не входит в страницу.\n",
        encoding="utf-8")
    target = tmp_path / "statement.docx"
    subprocess.run([pandoc, str(source), "-o", str(target)], check=True, timeout=120)
    version = read_version(target.read_bytes(), "statement.docx")
    assert version.title == "Совместное заявление"
    assert version.paragraphs == (RUSSIAN, "Страна", "Столица", "Россия", "Москва",
                                  "Первый пункт списка.", "Второй пункт списка.",
                                  "Текст со сноской.")
    assert version.lang == "ru-RU"  # pandoc writes the metadata's lang as the default


def test_a_docx_upload_makes_a_set(client: FlaskClient) -> None:
    files = [(io.BytesIO(a_document(RUSSIAN, title="Заявление")), "statement.ru.docx"),
             (io.BytesIO(a_document(ENGLISH, title="Statement")), "statement.en.docx")]
    response = client.post("/sets", data={"files": files}, content_type="multipart/form-data")
    assert response.status_code == 303, response.get_data(as_text=True)[:500]
    stored = client.get("/sets.json").get_json()
    assert len(stored) == 1 and [lang[:2] for lang in stored[0]["languages"]] == ["ru", "en"]
    rows = client.get(f"/sets/{stored[0]['id']}.json").get_json()["rows"]
    assert any("Bishkek" in " ".join(row["cells"][stored[0]["languages"][1]]) for row in rows)


def test_a_broken_docx_upload_stores_nothing(client: FlaskClient) -> None:
    files = [(io.BytesIO(GOOD[:300]), "statement.ru.docx"),
             (io.BytesIO(a_document(ENGLISH)), "statement.en.docx")]
    response = client.post("/sets", data={"files": files}, content_type="multipart/form-data")
    assert response.status_code == 400
    assert "statement.ru.docx is damaged" in response.get_data(as_text=True)
    assert client.get("/sets.json").get_json() == []


def test_a_docx_upload_past_the_sentence_limit_stores_nothing(client: FlaskClient) -> None:
    client.application.config["MAX_PAGE_SENTENCES"] = 3
    files = [(io.BytesIO(a_document(RUSSIAN)), "statement.ru.docx"),
             (io.BytesIO(a_document(ENGLISH, "They met again.", "It was productive.")),
              "statement.en.docx")]
    response = client.post("/sets", data={"files": files}, content_type="multipart/form-data",
                           headers={"Accept": "application/json"})
    assert response.status_code == 400
    assert response.get_json()["error"] == (
        "statement.en.docx (en-US) has 4 sentences; a language version of a page may have "
        "at most 3. Import a document this long as several pages. Nothing was stored.")
    assert client.get("/sets.json").get_json() == []

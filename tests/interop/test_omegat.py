"""OmegaT pre-translates a project completely from the TMX the workbench exports.

A real CAT tool, headless: an OmegaT project is built in a temporary folder (omegat.project,
source/ with a plain-text page, tm/auto/ with our TMX), ``omegat --mode=console-translate``
writes target/, and every paragraph there must be the translation from our TMX. OmegaT exits
0 even when it cannot read a TMX (it then copies the source), so the output is what counts.
"""

from __future__ import annotations

import io
import os
import shutil
import subprocess
from pathlib import Path

import pytest

from tmx import TmxHeader, TranslationUnit, Variant, write_tmx, write_tmx_pair

OMEGAT = Path("/usr/bin/omegat")
MISSING = not OMEGAT.exists() or shutil.which("java") is None
if MISSING and os.environ.get("WORKBENCH_REQUIRE_SYSTEM_TOOLS"):
    raise RuntimeError("OmegaT is required here (/usr/bin/omegat and java)")
pytestmark = [
    pytest.mark.interop,
    pytest.mark.skipif(MISSING, reason="OmegaT is not installed (/usr/bin/omegat); "
                       "`make system-deps`"),
]

# Paragraphs of a page, each a list of sentences: {language: sentence}.
PAGE = [
    [{"en-GB": "The CSTO Foreign Ministers Council met in Moscow.",
      "ru-RU": "Совет министров иностранных дел ОДКБ собрался в Москве.",
      "de-DE": "Der Rat der Außenminister der OVKS tagte in Moskau.",
      "fr-FR": "Le Conseil des ministres des affaires étrangères de l'OTSC s'est réuni à Moscou.",
      "es-ES": "El Consejo de Ministros de Asuntos Exteriores de la OTSC se reunió en Moscú."}],
    [{"en-GB": "Sergey Lavrov & Antonio Guterres held talks.",
      "ru-RU": "Сергей Лавров и Антониу Гутерриш провели переговоры.",
      "de-DE": "Sergej Lawrow & António Guterres führten Gespräche.",
      "fr-FR": "Sergueï Lavrov et António Guterres ont eu des entretiens.",
      "es-ES": "Serguéi Lavrov y António Guterres celebraron conversaciones."},
     {"en-GB": "They discussed the \"Istanbul process\".",
      "ru-RU": "Они обсудили «Стамбульский процесс».",
      "de-DE": "Sie erörterten den „Istanbuler Prozess“.",
      "fr-FR": "Ils ont discuté du «\u00a0processus d'Istanbul\u00a0».",
      "es-ES": "Discutieron el «proceso de Estambul»."}],
    [{"en-GB": "The next meeting will take place in Minsk.",
      "ru-RU": "Следующая встреча состоится в Минске.",
      "de-DE": "Das nächste Treffen findet in Minsk statt.",
      "fr-FR": "La prochaine réunion aura lieu à Minsk.",
      "es-ES": "La próxima reunión tendrá lugar en Minsk."}],
]
TOKENIZERS = {"en": "LuceneEnglishTokenizer", "ru": "LuceneRussianTokenizer",
              "de": "LuceneGermanTokenizer", "fr": "LuceneFrenchTokenizer",
              "es": "LuceneSpanishTokenizer"}
PROJECT = """<?xml version="1.0" encoding="UTF-8" standalone="no"?>
<omegat>
  <project version="1.0">
    <source_dir>__DEFAULT__</source_dir>
    <target_dir>__DEFAULT__</target_dir>
    <tm_dir>__DEFAULT__</tm_dir>
    <glossary_dir>__DEFAULT__</glossary_dir>
    <glossary_file>__DEFAULT__</glossary_file>
    <dictionary_dir>__DEFAULT__</dictionary_dir>
    <source_lang>{source}</source_lang>
    <target_lang>{target}</target_lang>
    <source_tok>org.omegat.tokenizer.{source_tok}</source_tok>
    <target_tok>org.omegat.tokenizer.{target_tok}</target_tok>
    <sentence_seg>true</sentence_seg>
    <support_default_translations>true</support_default_translations>
    <remove_tags>false</remove_tags>
  </project>
</omegat>
"""


def page_text(lang: str) -> str:
    """The page in ``lang``: paragraphs separated by an empty line."""
    return "\n\n".join(" ".join(sentence[lang] for sentence in paragraph)
                       for paragraph in PAGE) + "\n"


def units() -> list[TranslationUnit]:
    return [TranslationUnit(f"1-{n}", tuple(Variant(lang, text) for lang, text in row.items()))
            for n, row in enumerate((s for paragraph in PAGE for s in paragraph), 1)]


def omegat_translate(tmp_path: Path, source: str, target: str, tmx: bytes) -> str:
    """Build an OmegaT project holding ``tmx`` in tm/auto, translate it headless, give target/."""
    project = tmp_path / "project"
    for folder in ("source", "target", "tm/auto", "glossary", "dictionary", "omegat"):
        (project / folder).mkdir(parents=True)
    (project / "omegat.project").write_text(PROJECT.format(
        source=source, target=target, source_tok=TOKENIZERS[source[:2]],
        target_tok=TOKENIZERS[target[:2]]), encoding="utf-8")
    (project / "source" / "page.txt").write_text(page_text(source), encoding="utf-8")
    (project / "tm" / "auto" / "workbench.tmx").write_bytes(tmx)
    home = tmp_path / "home"  # OmegaT keeps its settings under $HOME/.omegat
    home.mkdir()
    env = {**os.environ, "HOME": str(home), "JAVA_TOOL_OPTIONS": "-Djava.awt.headless=true"}
    run = subprocess.run([str(OMEGAT), str(project), "--mode=console-translate", "--quiet"],
                         env=env, capture_output=True, text=True, timeout=300, check=False)
    translated = project / "target" / "page.txt"
    assert run.returncode == 0 and translated.exists(), run.stdout[-2000:] + run.stderr[-2000:]
    return translated.read_text(encoding="utf-8")


@pytest.mark.parametrize("target", ["ru-RU", "de-DE", "fr-FR", "es-ES"])
def test_omegat_pretranslates_everything_from_our_multilingual_tmx(
        tmp_path: Path, target: str) -> None:
    out = io.BytesIO()
    write_tmx(out, units(), TmxHeader(srclang="en-GB", creation_tool_version="test"))
    assert omegat_translate(tmp_path, "en-GB", target, out.getvalue()) == page_text(target)


def test_omegat_pretranslates_from_a_language_pair_file(tmp_path: Path) -> None:
    out = io.BytesIO()
    write_tmx_pair(out, units(), TmxHeader(srclang="en-GB"), "en-GB", "ru-RU")
    assert omegat_translate(tmp_path, "en-GB", "ru-RU", out.getvalue()) == page_text("ru-RU")


def test_without_a_usable_tmx_omegat_still_exits_0_and_copies_the_source(tmp_path: Path) -> None:
    # Why the tests above compare the output: a TMX OmegaT cannot use goes unnoticed otherwise.
    assert omegat_translate(tmp_path, "en-GB", "ru-RU", b"<tmx>broken") == page_text("en-GB")


def test_omegat_pretranslates_from_the_whole_memory_exported(tmp_path: Path,
                                                              database_url: str) -> None:
    # The other way out: units stored in the workbench's memory, read back from the database.
    from workbench.db import session_scope, upgrade
    from workbench.memory.export import MemoryExport, export_memory
    from workbench.memory.store import import_tmx

    page = io.BytesIO()
    write_tmx(page, units(), TmxHeader(srclang="en-GB"))
    upgrade(database_url)
    with session_scope(database_url) as session:
        import_tmx(session, io.BytesIO(page.getvalue()), "page.tmx")
        options = MemoryExport.build(session, langs="en,fr", source_lang="en")
        exported = export_memory(session, options).read()
    assert omegat_translate(tmp_path, "en-GB", "fr-FR", exported) == page_text("fr-FR")

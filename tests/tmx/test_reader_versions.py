"""TMX files of the 1.1-1.3 era as older CAT tools wrote them: ``lang`` for ``xml:lang``, the
version spelt "version 1.1", UTF-16 with a byte-order mark."""

from __future__ import annotations

import io

import pytest

from tmx import TmxParseError, Variant, read_tmx

OLD_TMX = """<?xml version="1.0" encoding="{encoding}"?>
<!DOCTYPE tmx SYSTEM "tmx{dtd}.dtd">
<tmx version="{version}">
<header creationtool="TRADOS Translator's Workbench for Windows" creationtoolversion="Edition 5"
        segtype="sentence" o-tmf="TW4Win 2.0 Format" adminlang="EN-US" srclang="EN-GB"
        datatype="rtf" creationdate="20020312T131245Z">
</header>
<body>
<tu creationdate="20020312T131245Z" creationid="JS">
<tuv lang="EN-GB"><seg>The <ut>{{\\b </ut>Council<ut>}}</ut> met today.</seg></tuv>
<tuv lang="RU-RU"><seg>Совет собрался сегодня.</seg></tuv>
</tu>
</body>
</tmx>
"""


def old_tmx(version: str, encoding: str = "UTF-8") -> bytes:
    dtd = "".join(ch for ch in version if ch.isdigit())[:2]
    text = OLD_TMX.format(version=version, dtd=dtd, encoding=encoding)
    return text.encode("utf-16" if encoding == "UTF-16" else "utf-8")


@pytest.mark.parametrize(("version", "encoding"), [
    ("1.1", "UTF-8"), ("version 1.1", "UTF-8"), ("Version 1.2", "UTF-8"), ("1.3", "UTF-8"),
    ("1.4", "UTF-16"), ("version 1.1", "UTF-16"),
])
def test_old_versions_and_encodings_are_read(version: str, encoding: str) -> None:
    header, units = read_tmx(io.BytesIO(old_tmx(version, encoding)))
    assert header.srclang == "EN-GB"
    assert header.creation_tool == "TRADOS Translator's Workbench for Windows"
    assert [u.variants for u in units] == [(
        Variant("EN-GB", "The Council met today."), Variant("RU-RU", "Совет собрался сегодня."),
    )]


def test_a_later_version_spelt_with_the_word_is_still_refused() -> None:
    with pytest.raises(TmxParseError, match="^line 3: this is TMX 2.0; only TMX 1.1 to 1.4 can"):
        read_tmx(io.BytesIO(old_tmx("version 2.0")))

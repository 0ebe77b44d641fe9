"""validate_tmx: the packaged LISA DTD and TMX's date rule, problems as "line N: ..." sentences."""

from __future__ import annotations

import io
import threading

import pytest

from tmx import validate_tmx

VALID = """<?xml version="1.0" encoding="UTF-8"?>
<!DOCTYPE tmx SYSTEM "tmx14.dtd">
<tmx version="1.4">
<header creationtool="t" creationtoolversion="1" segtype="sentence" o-tmf="t" adminlang="en"
 srclang="en" datatype="plaintext" creationdate="20260124T093000Z"/>
<body>
<tu tuid="1"><tuv xml:lang="en"><seg>Hi <ph x="1">&lt;br/&gt;</ph></seg></tuv>
<tuv xml:lang="ru"><seg>Привет</seg></tuv></tu>
</body>
</tmx>
""".encode()


@pytest.mark.parametrize(("change", "problem"), [
    ((b' segtype="sentence"', b""),
     "line 5: Element header does not carry attribute segtype"),
    ((b' segtype="sentence"', b' segtype="word"'),
     "line 5: Value \"word\" for attribute segtype of header is not among the enumerated set"),
    ((b'version="1.4"', b'version="1.3"'),
     "line 3: Value for attribute version of tmx is different from default \"1.4\""),
    ((b'<tuv xml:lang="ru">', b'<tuv lang="ru">'),
     "line 8: a <tuv> has no xml:lang (TMX 1.4 requires it; lang is deprecated)"),
    ((b'<tuv xml:lang="ru">', b'<tuv xml:lang="*all*">'),
     "line 8: a <tuv> cannot have xml:lang='*all*'"),
    ((b'creationdate="20260124T093000Z"', b'creationdate="2026-01-24"'),
     "line 5: <header creationdate> is '2026-01-24', not a UTC date like 20260124T093000Z"),
    ((b"<seg>Hi", b"<seg><b>Hi</b>"),
     "line 7: Element b is not declared in seg list of possible children"),
    ((b"</body>", b""),
     "line 10: not well-formed XML: Opening and ending tag mismatch: body line 6 and tmx, "
     "line 10, column 7"),
])
def test_problems_are_named_with_their_line(change: tuple[bytes, bytes], problem: str) -> None:
    data = VALID.replace(*change)
    assert data != VALID
    assert problem in validate_tmx(data)


def test_a_valid_file_has_no_problems_as_bytes_or_as_a_file() -> None:
    assert validate_tmx(VALID) == []
    assert validate_tmx(io.BytesIO(VALID)) == []


def test_threads_checking_at_once_each_get_their_own_problems() -> None:
    """The DTD is loaded once and shared; its error log must not be: a server's threads
    checking two files at once once got "no problems" for the invalid one."""
    unit = (b'<tu tuid="1"><tuv xml:lang="en"><seg>Hi</seg></tuv>'
            b'<tuv xml:lang="ru"><seg>x</seg></tuv></tu>\n')
    valid = VALID.replace(b"</body>", unit * 1500 + b"</body>")
    invalid = VALID.replace(b"</body>", unit.replace(b"<seg>Hi", b"<seg><b>Hi</b>") * 1500
                            + b"</body>")
    expected = {valid: validate_tmx(valid), invalid: validate_tmx(invalid)}
    assert expected[valid] == [] and len(expected[invalid]) >= 1500
    barrier = threading.Barrier(4)
    wrong: list[int] = []

    def check(data: bytes) -> None:
        barrier.wait()
        wrong.extend(len(got) for got in (validate_tmx(data) for _ in range(12))
                     if got != expected[data])

    threads = [threading.Thread(target=check, args=(data,))
               for data in (valid, invalid, valid, invalid)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert wrong == []

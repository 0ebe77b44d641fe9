"""The command-line contract of DESIGN.md, driven as other tools drive it."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from click.testing import CliRunner

from tests.conftest import demo_page
from tmx import validate_tmx
from workbench.cli import main

VECALIGN_LINE = re.compile(r"^\[(\d+(, \d+)*)?\]:\[(\d+(, \d+)*)?\]:\d\.\d{4}$")


def import_demo(runner: CliRunner, number: str = "004", langs=("ru-RU", "en-GB")) -> None:
    files = [str(demo_page(number, lang)) for lang in langs]
    result = runner.invoke(main, ["import", *files, "--set", f"demo {number}"])
    assert result.exit_code == 0, result.output
    assert f"'demo {number}'" in result.output


def test_import_then_sets_lists_the_set_with_its_languages(runner: CliRunner) -> None:
    import_demo(runner)
    result = runner.invoke(main, ["sets", "--format", "json"])
    assert result.exit_code == 0, result.output
    listed = json.loads(result.output)
    assert [(s["name"], s["languages"], s["pivot"]) for s in listed] == [
        ("demo 004", ["ru-RU", "en-GB"], "ru-RU")
    ]
    assert listed[0]["rows"] >= 15


def test_importing_a_page_already_in_a_set_is_refused_unless_added_anyway(
        runner: CliRunner) -> None:
    import_demo(runner)
    files = [str(demo_page("004", lang)) for lang in ("ru-RU", "en-GB")]
    # it made a second set of the same page without a word; the web upload refuses it
    result = runner.invoke(main, ["import", *files, "--set", "again"])
    assert result.exit_code == 1
    assert "is already in set 1 'demo 004'" in result.output
    assert "Nothing was stored; to store it again, add --add-anyway." in result.output
    assert len(json.loads(runner.invoke(main, ["sets", "--format", "json"]).output)) == 1
    result = runner.invoke(main, ["import", *files, "--set", "again", "--add-anyway"])
    assert result.exit_code == 0, result.output
    assert len(json.loads(runner.invoke(main, ["sets", "--format", "json"]).output)) == 2


def test_the_database_url_setting_is_honoured(
    runner: CliRunner, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    target = tmp_path / "elsewhere.sqlite"
    monkeypatch.setenv("WORKBENCH_DATABASE_URL", f"sqlite:///{target}")
    import_demo(runner)
    assert target.exists()
    assert not (tmp_path / "instance" / "workbench.sqlite").exists()


@pytest.mark.parametrize(
    ("content", "name", "message"),
    [
        (b"", "empty.ru.html", "empty.ru.html"),
        (b"\x89PNG\r\n\x1a\n\x00\x00", "photo.en.html", "photo.en.html"),
    ],
)
def test_bad_input_is_refused_and_nothing_is_stored(
    runner: CliRunner, tmp_path: Path, content: bytes, name: str, message: str
) -> None:
    import_demo(runner)
    bad = tmp_path / name
    bad.write_bytes(content)
    result = runner.invoke(main, ["import", str(demo_page("000", "ru-RU")), str(bad)])
    assert result.exit_code == 1
    assert message in result.output
    listed = json.loads(runner.invoke(main, ["sets", "--format", "json"]).output)
    assert [s["name"] for s in listed] == ["demo 004"]


def test_a_missing_file_is_named(runner: CliRunner) -> None:
    result = runner.invoke(main, ["import", "nowhere.ru.html", "nowhere.en.html"])
    assert result.exit_code == 1
    assert "nowhere.ru.html" in result.output


def _line_files(tmp_path: Path, src_break: str, tgt_break: str) -> tuple[Path, Path]:
    """A German and a French file of three sentences a line, ``*_break`` after the first."""
    src, tgt = tmp_path / "src.txt", tmp_path / "tgt.txt"
    src.write_text(f"Die Sitzung fand in Bischkek statt.{src_break}Sie war produktiv.\n"
                   "Wir haben drei Erklärungen angenommen.\n", encoding="utf-8")
    tgt.write_text(f"La réunion a eu lieu à Bichkek.{tgt_break}Elle a été productive.\n"
                   "Nous avons adopté trois déclarations.\n", encoding="utf-8")
    return src, tgt


def test_align_presegmented_prints_vecalign_beads_covering_every_line(
    runner: CliRunner, tmp_path: Path
) -> None:
    src, tgt = _line_files(tmp_path, "\n", "\n")
    result = runner.invoke(main, ["align", str(src), str(tgt), "--src-lang", "de",
                                  "--tgt-lang", "fr", "--presegmented", "--format", "vecalign"])
    assert result.exit_code == 0, result.output
    lines = result.output.splitlines()
    assert all(VECALIGN_LINE.match(line) for line in lines), lines
    assert [line.rsplit(":", 1)[0] for line in lines] == ["[0]:[0]", "[1]:[1]", "[2]:[2]"]


def test_align_presegmented_takes_a_blank_line_as_a_paragraph_break(
    runner: CliRunner, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import alignments.align

    src, tgt = _line_files(tmp_path, "\n\n", "\n  \n\n")
    seen: dict[str, object] = {}
    real = alignments.align.align_pair

    def spy(source: list[str], target: list[str], *args: object, **kwargs: object) -> object:
        seen.update(source=source, target=target, **kwargs)
        return real(source, target, *args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(alignments.align, "align_pair", spy)
    result = runner.invoke(main, ["align", str(src), str(tgt), "--src-lang", "de",
                                  "--tgt-lang", "fr", "--presegmented"])
    assert result.exit_code == 0, result.output
    # the blank lines are in no bead; the ids are the lines' own numbers in the files
    assert [line.rsplit(":", 1)[0] for line in result.output.splitlines()] == [
        "[0]:[0]", "[2]:[3]", "[3]:[4]"]
    assert seen["source"] == ["Die Sitzung fand in Bischkek statt.", "Sie war produktiv.",
                              "Wir haben drei Erklärungen angenommen."]
    assert list(seen["source_paragraph_starts"]) == [0, 1]  # type: ignore[call-overload]
    assert list(seen["target_paragraph_starts"]) == [0, 1]  # type: ignore[call-overload]
    # a file of blank lines is said to be empty, as a page with no text is
    empty = tmp_path / "empty.txt"
    empty.write_text("\n  \n", encoding="utf-8")
    result = runner.invoke(main, ["align", str(empty), str(tgt), "--src-lang", "de",
                                  "--tgt-lang", "fr", "--presegmented"])
    assert result.exit_code == 1
    assert "empty.txt is empty" in result.output


def test_export_writes_a_valid_tmx_with_region_codes(runner: CliRunner, tmp_path: Path) -> None:
    import_demo(runner)
    out = tmp_path / "set.tmx"
    result = runner.invoke(main, ["export", "1", "-o", str(out)])
    assert result.exit_code == 0, result.output
    data = out.read_bytes()
    assert validate_tmx(data) == []
    assert b'xml:lang="ru-RU"' in data and b'xml:lang="en-GB"' in data


def test_an_export_of_nothing_is_refused_and_writes_no_file(runner: CliRunner,
                                                            tmp_path: Path) -> None:
    import_demo(runner)  # aligned, not one row confirmed yet
    out = tmp_path / "confirmed.tmx"
    result = runner.invoke(main, ["export", "1", "--confirmed-only", "-o", str(out)])
    assert result.exit_code == 1
    assert "is confirmed yet: the TMX would be empty." in result.output
    assert not out.exists()
    pairs = runner.invoke(main, ["export", "1", "--confirmed-only", "--pairs", "-o",
                                 str(tmp_path / "pairs.zip")])
    assert pairs.exit_code == 1 and "the TMX would be empty" in pairs.output


def test_export_of_an_unknown_set_says_so(runner: CliRunner) -> None:
    result = runner.invoke(main, ["export", "42"])
    assert result.exit_code == 1
    assert "There is no document set 42." in result.output


def test_serve_answers_on_the_loopback_address_with_the_imported_sets(
    runner: CliRunner, database_url: str
) -> None:
    import os
    import socket
    import subprocess
    import sys
    import time
    from urllib.request import urlopen

    result = runner.invoke(main, ["import", str(demo_page("004", "ru-RU")),
                                  str(demo_page("004", "en-GB")), "--set", "Dushanbe"])
    assert result.exit_code == 0, result.output
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    server = subprocess.Popen(
        [sys.executable, "-m", "workbench.cli", "serve", "--port", str(port)],
        env={**os.environ, "WORKBENCH_DATABASE_URL": database_url},
        stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                with urlopen(f"http://127.0.0.1:{port}/sets.json", timeout=5) as response:
                    sets = json.load(response)
                break
            except OSError:
                if time.monotonic() > deadline or server.poll() is not None:
                    raise
                time.sleep(0.3)
        assert [s["name"] for s in sets] == ["Dushanbe"]
    finally:
        server.terminate()
        server.wait(timeout=30)


def test_a_page_without_a_heading_is_named_by_its_first_words(runner: CliRunner) -> None:
    result = runner.invoke(main, ["import", str(demo_page("004", "ru-RU")),
                                  str(demo_page("004", "en-GB"))])
    assert result.exit_code == 0, result.output
    listed = json.loads(runner.invoke(main, ["sets", "--format", "json"]).output)
    assert listed[0]["name"].startswith("ДУШАНБЕ, 20.05.2021")
    assert len(listed[0]["name"]) <= 122


def test_serve_on_a_taken_port_says_so_and_leaves_nothing_running(
        runner: CliRunner, database_url: str, monkeypatch: pytest.MonkeyPatch) -> None:
    """A port another program holds: one sentence naming it, exit 1, and nothing of the
    server left behind: no thread of waitress waiting for requests, no sweeper, and the
    job of a server that died is left for a server that runs (a sweep here would have
    spent one of its runs in a process about to exit)."""
    import socket
    import threading

    from workbench.db import session_scope, upgrade
    from workbench.jobs import Job

    monkeypatch.delenv("WORKBENCH_BROKER_URL", raising=False)
    monkeypatch.delenv("WORKBENCH_JOBS_RUNNER", raising=False)
    upgrade(database_url)
    with session_scope(database_url) as session:
        session.add(Job(kind="discover_terms", params={"set_ids": []}, state="running",
                        worker="nowhere.invalid:1", attempts=1))  # its server died
    before = set(threading.enumerate())
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        result = runner.invoke(main, ["serve", "--port", str(port)])
    assert result.exit_code == 1
    assert result.output == (f"Error: Port {port} of 127.0.0.1 is in use by another program "
                             "(another workbench server?): choose another with --port.\n")
    assert [thread.name for thread in set(threading.enumerate()) - before] == []
    with session_scope(database_url) as session:
        [job] = session.query(Job).all()
        assert (job.state, job.worker, job.attempts) == ("running", "nowhere.invalid:1", 1)


def test_serve_refuses_a_port_out_of_range_before_anything(runner: CliRunner) -> None:
    result = runner.invoke(main, ["serve", "--port", "99999"])
    assert result.exit_code == 2 and "99999 is not in the range 1<=x<=65535" in result.output
    assert "Serving on" not in result.output


@pytest.mark.parametrize("url", ["garbage", "sqlite:////no/such/folder/w.sqlite"])
def test_a_database_that_cannot_be_opened_is_one_line(
        runner: CliRunner, monkeypatch: pytest.MonkeyPatch, url: str) -> None:
    monkeypatch.setenv("WORKBENCH_DATABASE_URL", url)
    for command in (["sets"], ["init"], ["memory", "search", "Bishkek"]):
        result = runner.invoke(main, command)
        assert result.exit_code == 1, (command, result.output)
        assert "Traceback" not in result.output
        lines = result.output.strip().splitlines()
        assert len(lines) == 1 and lines[0].startswith(f"Error: The database {url}"), lines


def test_presegmented_ids_are_the_files_lines_whatever_they_hold(
        runner: CliRunner, tmp_path: Path) -> None:
    # a form feed (pdftotext's page break) and U+2028 are inside a line, not line ends
    src = tmp_path / "src.txt"
    src.write_text("Die Sitzung fand in Bischkek statt.\nSie war produktiv.\f\n"
                   "Wir haben drei Erklärungen\u2028angenommen.\n", encoding="utf-8")
    tgt = tmp_path / "tgt.txt"
    tgt.write_text("La réunion a eu lieu à Bichkek.\nElle a été productive.\n"
                   "Nous avons adopté trois déclarations.\n", encoding="utf-8")
    result = runner.invoke(main, ["align", str(src), str(tgt), "--src-lang", "de",
                                  "--tgt-lang", "fr", "--presegmented"])
    assert result.exit_code == 0, result.output
    assert [line.rsplit(":", 1)[0] for line in result.output.splitlines()] == [
        "[0]:[0]", "[1]:[1]", "[2]:[2]"]
    # UTF-16 with its byte order mark is read; without one it is refused, not aligned
    marked = tmp_path / "marked.txt"
    marked.write_bytes(src.read_text(encoding="utf-8").encode("utf-16"))
    assert runner.invoke(main, ["align", str(marked), str(tgt), "--src-lang", "de",
                                "--tgt-lang", "fr", "--presegmented"]).exit_code == 0
    bare = tmp_path / "bare.txt"
    bare.write_bytes(src.read_text(encoding="utf-8").encode("utf-16-le"))
    refused = runner.invoke(main, ["align", str(bare), str(tgt), "--src-lang", "de",
                                   "--tgt-lang", "fr", "--presegmented"])
    assert refused.exit_code == 1 and "bare.txt is not a text or HTML page" in refused.output
    assert "UTF-16 text, save it with a byte order mark" in refused.output


def test_align_checks_its_languages_and_its_output(runner: CliRunner, tmp_path: Path,
                                                  monkeypatch: pytest.MonkeyPatch) -> None:
    src, tgt = tmp_path / "a.txt", tmp_path / "b.txt"
    src.write_text("The meeting took place in Bishkek.\n", encoding="utf-8")
    tgt.write_text("Встреча прошла в Бишкеке.\n", encoding="utf-8")
    common = [str(src), str(tgt), "--presegmented", "--tgt-lang", "ru"]
    tmx = runner.invoke(main, ["align", *common, "--src-lang", "en_GB", "--format", "tmx"])
    assert tmx.exit_code == 0 and 'xml:lang="en-GB"' in tmx.output
    wrong = runner.invoke(main, ["align", *common, "--src-lang", "english"])
    assert wrong.exit_code == 1 and "'english' is not a language" in wrong.output
    nowhere = runner.invoke(main, ["align", *common, "--src-lang", "en", "-o",
                                   str(tmp_path / "no" / "such.txt")])
    assert nowhere.exit_code == 1 and "such.txt: cannot be written" in nowhere.output
    import workbench.limits

    monkeypatch.setattr(workbench.limits, "MAX_ALIGN_LINES", 1)
    src.write_text("One.\nTwo.\nThree.\n", encoding="utf-8")
    long = runner.invoke(main, ["align", *common, "--src-lang", "en"])
    assert long.exit_code == 1 and "a.txt has 4 lines: at most 1 are aligned" in long.output


def test_import_takes_a_language_for_each_file_in_order(runner: CliRunner,
                                                        tmp_path: Path) -> None:
    # pages whose names say no language: --lang names them, '' leaves one to its page
    for name, lang in (("statement.html", "ru-RU"), ("statement-1.html", "en-GB")):
        (tmp_path / name).write_bytes(demo_page("004", lang).read_bytes())
    files = [str(tmp_path / "statement.html"), str(tmp_path / "statement-1.html")]
    result = runner.invoke(main, ["import", *files, "--lang", "ru", "--lang", ""])
    assert result.exit_code == 0, result.output
    listed = json.loads(runner.invoke(main, ["sets", "--format", "json"]).output)
    assert listed[0]["languages"] == ["ru-RU", "en-GB"]
    short = runner.invoke(main, ["import", *files, "--lang", "ru"])
    assert short.exit_code == 2 and "2 files, 1 --lang" in short.output


def test_a_folder_among_the_files_is_refused_on_its_own(runner: CliRunner,
                                                       tmp_path: Path) -> None:
    (tmp_path / "folder.tmx").mkdir()
    (tmp_path / "folder.tbx").mkdir()
    for group, name in (("memory", "folder.tmx"), ("termbase", "folder.tbx")):
        result = runner.invoke(main, [group, "import", name, "missing.file"])
        assert result.exit_code == 1, result.output
        assert f"{name}: cannot be read (Is a directory)." in result.output
        assert "missing.file: cannot be read (No such file or directory)." in result.output

"""``workbench jobs``, ``workbench worker`` and ``workbench import DIR --recursive``."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner

from tests.conftest import DEMO_PAGES
from workbench.cli import main


@pytest.fixture
def archive(tmp_path: Path) -> Path:
    """Saved pages as an archive holds them: a folder per year, pages named by language, pages
    named otherwise but listing their language versions, a lone version, an empty file."""
    root = tmp_path / "archive"
    (root / "2019").mkdir(parents=True)
    (root / "2020" / "csto").mkdir(parents=True)
    for lang in ("ru-RU", "en-GB", "de-DE"):  # by file name
        shutil.copy(DEMO_PAGES / f"000.{lang}.html", root / "2019" / f"000.{lang}.html")
    shutil.copy(DEMO_PAGES / "001.fr-FR.html", root / "2019" / "001.fr-FR.html")  # alone
    # By language-variant list: names without a language, pages listing ru-RU, en-GB ...
    shutil.copy(DEMO_PAGES / "002.ru-RU.html", root / "2020" / "csto" / "statement.html")
    shutil.copy(DEMO_PAGES / "002.es-ES.html", root / "2020" / "csto" / "declaracion.html")
    (root / "2020" / "empty.en.txt").write_text("  \n", encoding="utf-8")
    (root / "2020" / "notes.pdf").write_bytes(b"%PDF-1.4")  # not a page: not looked at
    return root


def test_an_archive_is_grouped_into_sets_with_a_summary(runner: CliRunner,
                                                        archive: Path) -> None:
    result = runner.invoke(main, ["import", str(archive), "--recursive"])
    assert result.exit_code == 1, result.output  # one file was refused
    lines = result.output.splitlines()
    assert [line.split(":")[0] for line in lines[:2]] == ["2019/000", "2020/csto/declaracion"]
    assert "rows in ru-RU, de-DE, en-GB." in lines[0]
    assert "rows in ru-RU, es-ES." in lines[1]
    assert "7 file(s): imported 2 set(s), skipped 1, refused 1." in lines
    assert "  skipped 2019/001: one language version only (2019/001.fr-FR.html, fr-FR)." in lines
    assert ("  refused 2020/empty.en.txt: empty.en.txt is empty: it holds only whitespace."
            in lines)
    sets = json.loads(runner.invoke(main, ["sets", "--format", "json"]).output)
    assert [s["languages"] for s in sets] == [["ru-RU", "de-DE", "en-GB"], ["ru-RU", "es-ES"]]
    jobs = json.loads(runner.invoke(main, ["jobs", "--format", "json"]).output)
    assert [(j["title"], j["state"]) for j in jobs] == [("2020/csto/declaracion", "done"),
                                                          ("2019/000", "done")]

    # The same archive again: what is stored already is skipped, saying where it is.
    (archive / "2020" / "empty.en.txt").unlink()
    again = runner.invoke(main, ["import", str(archive), "-r"])
    assert again.exit_code == 0, again.output
    assert "6 file(s): imported 0 set(s), skipped 3, refused 0." in again.output
    assert "  skipped 2019/000: already in the set" in again.output
    assert "“add anyway” (--add-anyway) stores it again." in again.output


def test_a_folder_without_recursive_is_refused(runner: CliRunner, archive: Path) -> None:
    result = runner.invoke(main, ["import", str(archive)])
    assert result.exit_code == 2 and "--recursive" in result.output


def test_jobs_are_listed_shown_cancelled_and_run_again(runner: CliRunner) -> None:
    assert runner.invoke(main, ["jobs"]).output == ""
    ru, en = Path("page.ru.txt"), Path("page.en.txt")
    ru.write_text("Встреча прошла в Бишкеке. Она была продуктивной.", encoding="utf-8")
    en.write_text("The meeting took place in Bishkek. It was productive.", encoding="utf-8")
    assert runner.invoke(main, ["import", ".", "-r"]).exit_code == 0
    listed = runner.invoke(main, ["jobs"]).output.splitlines()
    assert listed == ["1\tdone\t4/4 sentences\talign\tpage\tset_id=1, rows=2"]
    shown = json.loads(runner.invoke(main, ["jobs", "show", "1"]).output)
    assert shown["state"] == "done" and shown["result"]["langs"] == ["ru-RU", "en-GB"]
    refused = runner.invoke(main, ["jobs", "cancel", "1"])
    assert refused.exit_code == 1
    assert "Job 1 has already finished; there is nothing to cancel." in refused.output
    missing = runner.invoke(main, ["jobs", "show", "7"])
    assert missing.exit_code == 1 and "There is no job 7." in missing.output


def test_a_worker_needs_a_broker(runner: CliRunner, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("WORKBENCH_BROKER_URL", raising=False)
    result = runner.invoke(main, ["worker"])
    assert result.exit_code == 1 and "Set WORKBENCH_BROKER_URL" in result.output

"""The README stays true: every command is documented, the two set-up commands are there."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from workbench.cli import main

ROOT = Path(__file__).resolve().parent.parent
README = (ROOT / "README.md").read_text(encoding="utf-8")


@pytest.mark.parametrize("command", sorted(main.commands))
def test_every_command_is_in_the_readme(command: str) -> None:
    assert re.search(rf"^workbench {command}\b", README, re.MULTILINE), command


@pytest.mark.parametrize("command", sorted(main.commands))
def test_every_command_has_an_example(command: str) -> None:
    assert "Example:" in (main.commands[command].help or ""), command


def test_the_two_quickstart_commands_are_the_ci_command_and_the_run_target() -> None:
    assert "make run" in README and "make test" in README
    assert "make test" in (ROOT / ".ci" / "run").read_text()
    makefile = (ROOT / "Makefile").read_text()
    assert re.search(r"^run:", makefile, re.MULTILINE)
    assert re.search(r"^test:", makefile, re.MULTILINE)

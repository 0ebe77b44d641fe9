"""What the wheel ships: every template folder and every static file the pages load."""

from __future__ import annotations

import re
import tomllib
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
CONFIG = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
SETUPTOOLS = CONFIG["tool"]["setuptools"]


def matches(path: str, pattern: str) -> bool:
    """Setuptools' glob: ``*`` stays within one folder."""
    regex = "".join("[^/]*" if c == "*" else re.escape(c) for c in pattern)
    return re.fullmatch(regex, path) is not None


def test_every_template_is_installed_with_the_package() -> None:
    shipped = {pattern for patterns in SETUPTOOLS["data-files"].values() for pattern in patterns}
    templates = sorted(p.relative_to(ROOT).as_posix() for p in (ROOT / "templates").rglob("*.html"))
    missing = [t for t in templates if not any(matches(t, p) for p in shipped)]
    assert templates and not missing


def test_every_static_file_and_demo_file_is_package_data() -> None:
    patterns = SETUPTOOLS["package-data"]["workbench"]
    package = ROOT / "workbench"
    wanted = [*package.joinpath("static").rglob("*"), *package.joinpath("demo").rglob("*.json"),
              *package.joinpath("demo").rglob("*.html")]
    files = sorted(p.relative_to(package).as_posix() for p in wanted if p.is_file())
    missing = [f for f in files if not any(matches(f, p) for p in patterns)]
    assert files and not missing

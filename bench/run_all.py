"""Every benchmark in turn, each in its own process, figures printed as they come.

    python bench/run_all.py            # the sizes the README quotes (about 10 minutes)
    python bench/run_all.py --quick    # smaller sizes, to see that each one runs

The machines are shared and noisy: read the medians and ratios, and run twice before
comparing two commits.
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent

FULL = [
    ("sentence segmentation", ["segmentation.py"]),
    ("alignment accuracy", ["accuracy.py"]),
    ("N-way rows", ["rows.py"]),
    ("rows from the pages", ["pages.py"]),
    ("real translations: Debian's manuals", ["debian_docs.py"]),
    ("real translations: the Bible", ["bible.py"]),
    ("alignment speed", ["speed.py", "--large"]),
    ("editor latency", ["editor_latency.py"]),
    ("terminology", ["terms.py"]),
    ("TMX throughput", ["tmx_throughput.py"]),
    ("memory lookup", ["memory_lookup.py"]),
    ("server load", ["load.py"]),
]
QUICK = {
    "real translations: Debian's manuals": ["debian_docs.py", "--only", "maint-guide"],
    "real translations: the Bible": ["bible.py", "--books", "Ruth"],
    "alignment speed": ["speed.py", "--sizes", "200"],
    "editor latency": ["editor_latency.py", "--rows", "200", "--runs", "3"],
    "terminology": ["terms.py", "--rows", "2000"],
    "TMX throughput": ["tmx_throughput.py", "--units", "20000"],
    "memory lookup": ["memory_lookup.py", "--units", "2000", "--runs", "3"],
    "server load": ["load.py", "--clients", "10", "--seconds", "5"],
}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="small sizes")
    args = parser.parse_args()
    failed = []
    for title, command in FULL:
        if args.quick:
            command = QUICK.get(title, command)
        script = ROOT / "bench" / command[0]
        if not script.exists():
            continue
        print(f"\n## {title}: python bench/{' '.join(command)}\n", flush=True)
        result = subprocess.run([sys.executable, str(script), *command[1:]], cwd=ROOT,
                                env={**os.environ, "PYTHONPATH": str(ROOT)}, check=False)
        if result.returncode:
            failed.append(title)
    if failed:
        print(f"\nbelow a floor or failed: {', '.join(failed)}", file=sys.stderr)
    return 1 if failed else 0


if __name__ == "__main__":
    raise SystemExit(main())

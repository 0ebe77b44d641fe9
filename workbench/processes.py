"""Whether the process that marked some work as its own still runs (an import, a job)."""

from __future__ import annotations

import os


def running(pid: int) -> bool:
    """Whether a process ``pid`` runs on this machine (where that cannot be told: yes)."""
    if pid <= 0 or os.name != "posix":
        return True
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except OSError:  # PermissionError: it runs, as another user
        return True
    return True

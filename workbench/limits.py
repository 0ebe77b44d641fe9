"""How much one request may make the workbench store or compute: the limits, and where a
caller's limit comes from.

Each limit is a Flask config key (set it in ``instance/config.py``) with the default below.
Library functions take the limit as a keyword argument; left out (``None``), it is the
running app's config value when there is an app (the web views), else the default (the
command line, which needs no app).

The defaults are far above what a ministry's page needs and far below what hurts the
server. The demo corpus (five pages in five languages) has at most 133 sentences in a
version and none longer than 551 characters; real pages run to a few hundred sentences
of at most a few hundred characters. Past the limits the cost is what the security
review measured: one 480 KB sentence made the terminology page take 321 s, a 5 MB page
took 5–6 minutes of server time to align, and every edit of a 450 KB sentence added 1 MB
of undo history.
"""

from __future__ import annotations

from flask import current_app, has_app_context

# Characters in one sentence (after whitespace is collapsed): about five times the demo's
# longest. A longer "sentence" is nearly always running text without punctuation (a list,
# a table, a page saved without full stops), which no translator aligns as one unit.
MAX_SENTENCE_CHARS = 3_000
# Sentences in one language version of a page: 40 times the demo's largest. By
# bench/speed.py's figures (1,000 x 1,000 sentences in 6.6 s, 20,000 x 20,000 in 99 s) a
# pair of versions this long aligns in roughly half a minute; a longer document is
# imported as several pages.
MAX_PAGE_SENTENCES = 5_000
# Lines of one file that ``workbench align --presegmented`` aligns at once: 20,000 x 20,000
# sentences took 126 s and 1.3 GB at the peak (bench/speed.py --large); memory grows with
# the length, so a longer document is aligned in parts.
MAX_ALIGN_LINES = 20_000
# Undo steps kept per document set: when a new edit would make more, the oldest is dropped.
# A day of careful work on a page is a few hundred steps.
MAX_HISTORY_STEPS = 1_000
# Concepts a page of the termbase shows, and issues a page of the termbase checks.
TERMS_PAGE_SIZE = 100

DEFAULTS: dict[str, int] = {
    "MAX_SENTENCE_CHARS": MAX_SENTENCE_CHARS,
    "MAX_PAGE_SENTENCES": MAX_PAGE_SENTENCES,
    "MAX_HISTORY_STEPS": MAX_HISTORY_STEPS,
    "TERMS_PAGE_SIZE": TERMS_PAGE_SIZE,
}


def limit(key: str, given: int | None = None) -> int:
    """The limit named ``key``: ``given`` when the caller says; else the app's config value
    when an app is running; else the default."""
    if given is not None:
        return given
    if has_app_context():
        return int(current_app.config.get(key, DEFAULTS[key]))
    return DEFAULTS[key]

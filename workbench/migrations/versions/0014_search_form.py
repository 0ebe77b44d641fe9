"""search form: the full-text indexes hold ё as е, and Arabic without harakat and tatweel

Revision ID: 0014_search_form
Revises: 0013_memory_unit_fingerprint

Russian writes ``ёлка`` or ``елка`` for one word, and Arabic is written with or without its
short vowels (harakat), shadda, superscript alef and the tatweel that stretches a word; a
search for one form must find the other. Neither index did: FTS5's ``unicode61`` tokenizer
keeps ё apart from е and splits an Arabic word at each of its marks, and PostgreSQL's
``unaccent`` keeps the marks inside the word. So each index now holds every text in its
search form (``workbench.memory.search.search_form``), the text stored being unchanged:

- SQLite: the FTS5 tables of migration 0003 are made again over a view of the texts'
  search form (``memory_variant_search``, ``sentence_search``: nested ``replace()``, after
  two quick ``instr()`` let the usual text through untouched), so that FTS5's own ``'rebuild'`` and
  ``'integrity-check'`` read what the index holds; the triggers index that form too.
  ``highlight()`` would show the folded text: the concordance picks out the match in the
  stored text itself, as it does on PostgreSQL.
- PostgreSQL: the GIN indexes of migration 0007 are made again over
  ``to_tsvector('simple_unaccent', translate(text, …))``; the searches use the very same
  expression (``workbench.memory.search.holds``).

This file keeps its own copy of the folding; it must agree with ``search_form_sql``.
"""

from alembic import op

revision = "0014_search_form"
down_revision = "0013_memory_unit_fingerprint"
branch_labels = None
depends_on = None

SAME_LETTERS = {"ё": "е", "Ё": "Е"}
PASSED_OVER = "\u0640\u064b\u064c\u064d\u064e\u064f\u0650\u0651\u0652\u0670"
INDEXED = {"memory_variant_fts": "memory_variant", "sentence_fts": "sentence"}
CONFIGURATION = "simple_unaccent"
SEARCHED = ("memory_variant", "sentence")


def folded(column: str, postgresql: bool) -> str:
    if postgresql:
        return (f"translate({column}, '{''.join(SAME_LETTERS)}{PASSED_OVER}', "
                f"'{''.join(SAME_LETTERS.values())}')")
    yo = column
    for letter, same in SAME_LETTERS.items():
        yo = f"replace({yo}, '{letter}', '{same}')"
    every = yo
    for mark in PASSED_OVER:
        every = f"replace({every}, '{mark}', '')"
    has_yo = " OR ".join(f"instr({column}, '{letter}')" for letter in SAME_LETTERS)
    return (f"CASE WHEN instr(CAST({column} AS BLOB), x'd9') THEN {every} "
            f"WHEN {has_yo} THEN {yo} ELSE {column} END")


TOKENIZER = "unicode61 remove_diacritics 2"
VOCABULARY = {"memory_variant_fts": "memory_variant_vocab", "sentence_fts": "sentence_vocab"}


def _create_index(index: str, table: str, fold: bool) -> None:
    """The FTS5 table of migration 0003 over ``table`` or, with ``fold``, over the view of
    its texts' search form, with its vocabulary and triggers, filled."""
    content = f"{table}_search" if fold else table
    if fold:
        op.execute(f"CREATE VIEW {content} AS SELECT id, "
                   f"{folded('text', postgresql=False)} AS text FROM {table}")
    op.execute(f"CREATE VIRTUAL TABLE {index} USING fts5(text, content='{content}', "
               f"content_rowid='id', tokenize='{TOKENIZER}')")
    op.execute(f"CREATE VIRTUAL TABLE {VOCABULARY[index]} USING fts5vocab({index}, 'row')")

    def text(row: str) -> str:
        return folded(f"{row}.text", postgresql=False) if fold else f"{row}.text"

    if table != "memory_variant":  # workbench.memory.store indexes what it imports
        op.execute(
            f"CREATE TRIGGER {index}_insert AFTER INSERT ON {table} BEGIN "
            f"INSERT INTO {index}(rowid, text) VALUES (new.id, {text('new')}); END")
    op.execute(
        f"CREATE TRIGGER {index}_delete AFTER DELETE ON {table} BEGIN "
        f"INSERT INTO {index}({index}, rowid, text) VALUES ('delete', old.id, {text('old')}); "
        "END")
    op.execute(
        f"CREATE TRIGGER {index}_update AFTER UPDATE OF text ON {table} BEGIN "
        f"INSERT INTO {index}({index}, rowid, text) VALUES ('delete', old.id, {text('old')}); "
        f"INSERT INTO {index}(rowid, text) VALUES (new.id, {text('new')}); END")
    op.execute(f"INSERT INTO {index}({index}) VALUES ('rebuild')")


def _drop_index(index: str, table: str) -> None:
    for event in ("insert", "delete", "update"):
        op.execute(f"DROP TRIGGER IF EXISTS {index}_{event}")
    op.execute(f"DROP TABLE IF EXISTS {VOCABULARY[index]}")
    op.execute(f"DROP TABLE IF EXISTS {index}")
    op.execute(f"DROP VIEW IF EXISTS {table}_search")


def _gin_indexes(fold: bool) -> None:
    for table in SEARCHED:
        op.execute(f"DROP INDEX IF EXISTS ix_{table}_text_search")
        indexed = folded("text", postgresql=True) if fold else "text"
        op.execute(f"CREATE INDEX ix_{table}_text_search ON {table} "
                   f"USING gin (to_tsvector('{CONFIGURATION}', {indexed}))")


def upgrade() -> None:
    dialect = op.get_bind().dialect.name
    if dialect == "postgresql":
        _gin_indexes(fold=True)
    elif dialect == "sqlite":
        for index, table in INDEXED.items():
            _drop_index(index, table)
            _create_index(index, table, fold=True)


def downgrade() -> None:
    dialect = op.get_bind().dialect.name
    if dialect == "postgresql":
        _gin_indexes(fold=False)
    elif dialect == "sqlite":
        for index, table in INDEXED.items():
            _drop_index(index, table)
            _create_index(index, table, fold=False)

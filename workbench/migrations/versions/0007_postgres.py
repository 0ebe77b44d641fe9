"""postgres: the memory's full-text indexes on PostgreSQL (and pg_trgm for the fuzzy lookup)

Revision ID: 0007_postgres
Revises: 0006

What SQLite's FTS5 tables of migration 0003 do, PostgreSQL does with indexes over the text
columns themselves, which the database keeps current with no trigger:

- ``simple_unaccent``, a text search configuration: words split by PostgreSQL's parser,
  lower-cased and without diacritics (the ``unaccent`` extension), never stemmed and with no
  stop words, as FTS5's ``unicode61 remove_diacritics 2`` tokenizer;
- a GIN index over ``to_tsvector('simple_unaccent', text)`` of ``memory_variant`` and of
  ``sentence``, for concordance (``workbench.memory.concordance``) and for the candidates
  of a fuzzy lookup (the segments holding one of a sentence's rarer words), which pg_trgm's
  ``similarity`` puts in order (``workbench.memory.fuzzy``). ANALYZE's statistics of these
  indexes (the commonest words and their share) tell the rarer words from the others.

No trigram index: to find the segments like a sentence it would read, for every trigram
of the sentence, every segment holding it (" th", "the" …): half a second at 100,000
variants, and growing with the memory, against milliseconds through the rarer words.

``unaccent`` and ``pg_trgm`` are trusted extensions (PostgreSQL 13 and later): the owner of
the database may create them. Debian ships them in ``postgresql-contrib``. The database
should have a UTF-8 locale (``C.UTF-8``, ``en_US.UTF-8`` …): under the bare ``C`` locale
pg_trgm sees no letters outside ASCII.

Nothing happens on SQLite.
"""

import logging

import sqlalchemy as sa
from alembic import op

revision = "0007_postgres"
down_revision = "0006"
branch_labels = None
depends_on = None

CONFIGURATION = "simple_unaccent"
SEARCHED = ("memory_variant", "sentence")  # the tables whose text is searched


def upgrade() -> None:
    if op.get_bind().dialect.name != "postgresql":
        return
    ctype = op.get_bind().scalar(sa.text(
        "SELECT datctype FROM pg_database WHERE datname = current_database()"))
    if ctype in ("C", "POSIX"):
        logging.getLogger("alembic").warning(
            "This database's locale is %s: PostgreSQL lower-cases only ASCII letters in it, so "
            "the memory's search will miss words like Москва typed as москва. Create the "
            "database with a UTF-8 locale (createdb --locale C.UTF-8 --template template0).",
            ctype)
    op.execute("CREATE EXTENSION IF NOT EXISTS unaccent")
    op.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")
    op.execute(f"CREATE TEXT SEARCH CONFIGURATION {CONFIGURATION} (COPY = pg_catalog.simple)")
    op.execute(f"ALTER TEXT SEARCH CONFIGURATION {CONFIGURATION} ALTER MAPPING FOR "
               "hword, hword_part, word WITH unaccent, simple")
    for table in SEARCHED:
        op.execute(f"CREATE INDEX ix_{table}_text_search ON {table} "
                   f"USING gin (to_tsvector('{CONFIGURATION}', text))")


def downgrade() -> None:
    if op.get_bind().dialect.name != "postgresql":
        return
    for table in SEARCHED:
        op.execute(f"DROP INDEX IF EXISTS ix_{table}_text_search")
    op.execute(f"DROP TEXT SEARCH CONFIGURATION IF EXISTS {CONFIGURATION}")
    # The extensions stay: other schemas of the database may use them.

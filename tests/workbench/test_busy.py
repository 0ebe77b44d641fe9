"""Long work and other people's edits: a large TMX or TBX import and a re-alignment write in
short transactions, so edits made meanwhile go through; a database that stays locked is
answered with a sentence (503), never a bare 500; a half-imported file is never seen and
never left behind; the write-ahead log does not stay large after an import.

Every test that needs "the lock is not held" gives the edit a short busy timeout: were the
lock held, the edit would be refused with 503 and the test fail (no timing is asserted).
"""

from __future__ import annotations

import io
import signal
import sqlite3
import subprocess
import sys
import threading
from collections.abc import Callable, Iterator, Sequence
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner
from flask import Flask
from sqlalchemy import func, select, text

import workbench.sets
from alignments import Row as AlignedRow
from tests.conftest import PageClient
from tmx import TmxHeader, TranslationUnit, Variant, write_tmx
from tmx.tbx import Concept as TbxConcept
from tmx.tbx import Termbase, TermEntry, write_tbx
from workbench.app import create_app
from workbench.cli import main
from workbench.db import session_factory, session_scope, upgrade
from workbench.memory import MemoryImportError, store
from workbench.memory.concordance import concordance
from workbench.memory.models import MemoryOrigin
from workbench.models import DocumentSet, Edit, Row, Sentence, Version

BUSY = ("Another import or re-alignment is writing to the database; nothing of yours was "
        "lost. Try again in a moment.")
BUSY_RU = ("Другой импорт или повторное выравнивание сейчас записывает в базу данных; "
           "ничего из ваших данных не потеряно. Повторите попытку чуть позже.")
WAIT = 120  # seconds: only a guard against a test hanging, never an assertion


# --- helpers ---------------------------------------------------------------------------


def make_app(database_url: str, busy_timeout: float = 2.0) -> Flask:
    """The app, whose requests wait at most ``busy_timeout`` seconds for the write lock."""
    app = create_app({"TESTING": True, "DATABASE_URL": database_url, "SECRET_KEY": "test",
                      "DATABASE_BUSY_TIMEOUT": busy_timeout})
    app.test_client_class = PageClient
    return app


def build_set(url: str, rows: Sequence[dict[str, list[str]]], name: str = "set") -> int:
    """A set stored straight from cells (first language is the pivot); its id."""
    with session_scope(url) as session:
        langs = list(rows[0])
        document_set = DocumentSet(name=name, pivot_lang=langs[0])
        session.add(document_set)
        versions = {lang: Version(lang=lang, position=n, title="", source="test", variants=[])
                    for n, lang in enumerate(langs)}
        document_set.versions.extend(versions.values())
        counters = dict.fromkeys(langs, 0)
        for position, cells in enumerate(rows):
            row = Row(position=position, score=0.5, status="auto")
            document_set.rows.append(row)
            for lang, texts in cells.items():
                for sentence_text in texts:
                    sentence = Sentence(position=counters[lang], text=sentence_text,
                                        paragraph=0)
                    counters[lang] += 1
                    versions[lang].sentences.append(sentence)
                    sentence.row = row
        session.flush()
        return document_set.id


def set_state(url: str, set_id: int) -> tuple[int, list[tuple[str, ...]], list[str]]:
    """The set's revision, its rows as the texts in them, and its history's operations."""
    with session_scope(url) as session:
        revision = session.scalar(select(DocumentSet.revision).where(DocumentSet.id == set_id))
        rows: dict[int, list[str]] = {}
        for position, sentence_text in session.execute(
                select(Row.position, Sentence.text).join(Sentence, Sentence.row_id == Row.id)
                .where(Row.set_id == set_id).order_by(Row.position, Sentence.version_id,
                                                      Sentence.position)):
            rows.setdefault(position, []).append(sentence_text)
        history = list(session.scalars(select(Edit.operation).where(Edit.set_id == set_id)
                                       .order_by(Edit.seq)))
    assert revision is not None
    return revision, [tuple(cells) for _, cells in sorted(rows.items())], history


def first_row(url: str, set_id: int) -> int:
    with session_scope(url) as session:
        return session.scalars(select(Row.id).where(Row.set_id == set_id)
                               .order_by(Row.position).limit(1)).one()


def generated_tmx(count: int, word: str = "shipment") -> bytes:
    """A TMX 1.4b file of ``count`` en-GB/ru-RU units, each holding ``word``."""
    out = io.BytesIO()
    write_tmx(out, (
        TranslationUnit(str(n), (Variant("en-GB", f"Consignment line {n} of the {word}."),
                                 Variant("ru-RU", f"Строка {n} партии груза.")))
        for n in range(count)
    ), TmxHeader(srclang="en-GB", creation_tool="Generator", creation_tool_version="1"))
    return out.getvalue()


def small_tmx() -> bytes:
    out = io.BytesIO()
    write_tmx(out, [TranslationUnit("1", (Variant("en-GB", "The coffee is ready."),
                                          Variant("ru-RU", "Кофе готов.")))],
              TmxHeader(srclang="en-GB"))
    return out.getvalue()


def memory_rows(url: str) -> tuple[int, int, int]:
    """Imported files (of any status), units and variants stored."""
    with session_scope(url) as session:
        return tuple(  # type: ignore[return-value]
            session.scalar(text(f"SELECT count(*) FROM {table}"))
            for table in ("memory_origin", "memory_unit", "memory_variant"))


def index_is_sound(url: str) -> None:
    """FTS5's own check that the memory's index matches the variants it indexes (SQLite;
    PostgreSQL's GIN index is kept by PostgreSQL itself)."""
    if not url.startswith("sqlite"):
        return
    with session_scope(url) as session:
        session.execute(text("INSERT INTO memory_variant_fts(memory_variant_fts) "
                             "VALUES ('integrity-check')"))


class Gated(io.RawIOBase):
    """A file that reads normally up to ``at`` bytes, then says so (``reached``) and waits
    for ``opened`` before giving the rest: an import held between two batches."""

    def __init__(self, data: bytes, at: int) -> None:
        self.data, self.at, self.position = data, at, 0
        self.reached, self.opened = threading.Event(), threading.Event()

    def readable(self) -> bool:
        return True

    def read(self, size: int | None = -1) -> bytes:
        if self.position >= self.at and not self.opened.is_set():
            self.reached.set()
            assert self.opened.wait(WAIT)
        end = len(self.data) if size is None or size < 0 else self.position + size
        if not self.opened.is_set():
            end = min(end, self.at)
        chunk = self.data[self.position:end]
        self.position += len(chunk)
        return chunk


class Running(threading.Thread):
    """Run ``work`` in a thread; ``result()`` is what it returned, or raises what it raised."""

    def __init__(self, work: Callable[[], Any]) -> None:
        super().__init__(daemon=True)
        self.work = work
        self.value: Any = None
        self.error: BaseException | None = None
        self.start()

    def run(self) -> None:
        try:
            self.value = self.work()
        except BaseException as error:  # handed to the test by result()
            self.error = error

    def result(self) -> Any:
        self.join(WAIT)
        assert not self.is_alive(), "the work did not finish"
        if self.error is not None:
            raise self.error
        return self.value


@pytest.fixture
def small_batches(monkeypatch: pytest.MonkeyPatch) -> None:
    """Imports commit every 50 units, so a file of a few hundred is several transactions."""
    monkeypatch.setattr(store, "BATCH_UNITS", 50)
    monkeypatch.setattr(store, "COMMIT_UNITS", 50)


# --- a TMX import under way --------------------------------------------------------------


def test_edits_go_through_and_searches_ignore_a_tmx_import_under_way(
        database_url: str, small_batches: None) -> None:
    app = make_app(database_url)
    set_id = build_set(database_url, [{"ru": ["Р1."], "en": ["E1."]},
                                      {"ru": ["Р2."], "en": ["E2."]}])
    data = generated_tmx(600)
    gated = Gated(data, len(data) * 2 // 3)
    importing = Running(lambda: _import(database_url, gated, "shipment.tmx"))
    assert gated.reached.wait(WAIT)
    client = app.test_client()

    # Held between two batches: part of the file is stored, none of it shows.
    with session_scope(database_url) as session:
        assert session.scalar(select(MemoryOrigin.status)) == "importing"
        assert 0 < (session.scalar(text("SELECT count(*) FROM memory_unit")) or 0) < 600
    edited = client.post(f"/sets/{set_id}/edit/confirm",
                         data={"revision": 0, "row": first_row(database_url, set_id)})
    assert edited.status_code == 200, edited.get_data(as_text=True)
    assert client.get("/memory/concordance.json?q=shipment").get_json()["hits"] == []
    assert client.get("/memory/fuzzy.json", query_string={
        "text": "Consignment line 7 of the shipment.", "source": "en-GB",
        "target": "ru-RU"}).get_json() == []
    overview = client.get("/memory/?format=json").get_json()
    assert overview["files"] == 0 and overview["imported"] == []
    assert "shipment.tmx" not in client.get("/memory/").get_data(as_text=True)
    exported = client.get("/memory/export.tmx")
    assert exported.status_code == 200 and b"Consignment" not in exported.data

    gated.opened.set()
    origin = importing.result()
    assert origin.unit_count == 600
    found = client.get("/memory/concordance.json?q=shipment&limit=1000").get_json()["hits"]
    assert len([hit for hit in found if hit["lang"] == "en-GB"]) == 600
    assert client.get("/memory/?format=json").get_json()["files"] == 1
    assert set_state(database_url, set_id)[0] == 1  # the edit is kept


def _import(url: str, source: Any, name: str) -> MemoryOrigin:
    with session_scope(url) as session:
        return store.import_tmx(session, source, name)


class Interrupted(io.RawIOBase):
    """A file whose reading is interrupted (Ctrl+C) after ``at`` bytes."""

    def __init__(self, data: bytes, at: int) -> None:
        self.data, self.at, self.position = data, at, 0

    def readable(self) -> bool:
        return True

    def read(self, size: int | None = -1) -> bytes:
        if self.position >= self.at:
            raise KeyboardInterrupt
        end = self.at if size is None or size < 0 else min(self.position + size, self.at)
        chunk = self.data[self.position:end]
        self.position += len(chunk)
        return chunk


@pytest.mark.parametrize("how", ["truncated", "interrupted"])
def test_a_tmx_import_failing_after_several_batches_leaves_the_memory_as_it_was(
        database_url: str, small_batches: None, how: str) -> None:
    upgrade(database_url)
    _import(database_url, io.BytesIO(small_tmx()), "coffee.tmx")
    before = memory_rows(database_url)
    whole = generated_tmx(800)
    cut = whole.index(b"Consignment line 700 ")
    if how == "truncated":
        with pytest.raises(MemoryImportError, match=r"shipment\.tmx, line \d+: .*truncated"):
            _import(database_url, io.BytesIO(whole[:cut]), "shipment.tmx")
    else:
        with pytest.raises(KeyboardInterrupt):
            _import(database_url, Interrupted(whole, cut), "shipment.tmx")
    assert memory_rows(database_url) == before
    index_is_sound(database_url)
    with session_scope(database_url) as session:
        assert concordance(session, "shipment").hits == []
        assert [hit.text for hit in concordance(session, "coffee").hits] == [
            "The coffee is ready."]


# --- an import killed half-way --------------------------------------------------------

KILLED_IMPORT = """
import sys, time
from workbench.db import session_scope
from workbench.memory import store

store.BATCH_UNITS = store.COMMIT_UNITS = 50


class Stalling:
    def __init__(self, data, at):
        self.data, self.at, self.position = data, at, 0

    def read(self, size=-1):
        if self.position >= self.at:
            print("stalled", flush=True)
            time.sleep(600)
        end = self.at if size < 0 else min(self.position + size, self.at)
        chunk = self.data[self.position:end]
        self.position = end
        return chunk


data = open(sys.argv[2], "rb").read()
with session_scope(sys.argv[1]) as session:
    store.import_tmx(session, Stalling(data, len(data) * 2 // 3), "killed.tmx")
"""


@pytest.mark.parametrize("next_step", ["start", "import"])
def test_what_a_killed_import_left_is_removed_at_the_next_start_or_import(
        database_url: str, tmp_path: Path, next_step: str) -> None:
    upgrade(database_url)
    _import(database_url, io.BytesIO(small_tmx()), "coffee.tmx")
    before = memory_rows(database_url)
    (tmp_path / "big.tmx").write_bytes(generated_tmx(600))
    process = subprocess.Popen([sys.executable, "-c", KILLED_IMPORT, database_url,
                                str(tmp_path / "big.tmx")],
                               stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        stalled = process.stdout.readline()  # type: ignore[union-attr]
        assert stalled == "stalled\n", process.stderr.read()  # type: ignore[union-attr]
        make_app(database_url)  # a start while the import runs leaves it alone
        with session_scope(database_url) as session:
            left = session.scalars(select(MemoryOrigin)
                                   .where(MemoryOrigin.status != "ready")).one()
        assert left.file_name == "killed.tmx" and left.importer.endswith(f":{process.pid}")
        assert memory_rows(database_url)[1] > before[1]  # some batches were committed
    finally:
        process.send_signal(signal.SIGKILL)
        process.communicate(timeout=WAIT)

    if next_step == "start":
        make_app(database_url)
        assert memory_rows(database_url) == before
    else:
        # (another unit: the same one again would be left out as already in the memory)
        _import(database_url, io.BytesIO(small_tmx().replace(b"ready", b"hot")), "next.tmx")
        assert memory_rows(database_url) == (before[0] + 1, before[1] + 1, before[2] + 2)
    index_is_sound(database_url)
    client = make_app(database_url).test_client()
    assert client.get("/memory/concordance.json?q=shipment").get_json()["hits"] == []
    assert [f["file"] for f in client.get("/memory/?format=json").get_json()["imported"]] \
        == ["coffee.tmx"] + (["next.tmx"] if next_step == "import" else [])


def test_an_import_under_way_in_another_thread_is_not_taken_for_left_over(
        database_url: str, small_batches: None) -> None:
    """The start of an app, or another import, in the same process leaves it alone."""
    upgrade(database_url)
    data = generated_tmx(300)
    gated = Gated(data, len(data) // 2)
    importing = Running(lambda: _import(database_url, gated, "shipment.tmx"))
    assert gated.reached.wait(WAIT)
    make_app(database_url)  # at its start, it removes what interrupted imports left
    _import(database_url, io.BytesIO(small_tmx()), "coffee.tmx")
    gated.opened.set()
    assert importing.result().unit_count == 300
    with session_scope(database_url) as session:
        assert session.scalar(select(func.sum(MemoryOrigin.unit_count))) == 301


# --- the same file imported twice at once ----------------------------------------------


def units_and_hits(url: str) -> tuple[int, int]:
    """The units the memory's overview counts, and the English hits of one of them."""
    client = make_app(url).test_client()
    units = client.get("/memory/?format=json").get_json()["units"]
    hits = client.get("/memory/concordance.json", query_string={
        "q": '"line 7 of the shipment"'}).get_json()["hits"]
    return units, len([hit for hit in hits if hit["lang"] == "en-GB"])


def test_a_file_imported_while_the_same_file_is_importing_is_not_stored_twice(
        database_url: str, small_batches: None) -> None:
    upgrade(database_url)
    data = generated_tmx(600)
    gated = Gated(data, len(data) * 2 // 3)
    first = Running(lambda: _import(database_url, gated, "first.tmx"))
    assert gated.reached.wait(WAIT)  # some of its batches stored; it is still importing
    second = _import(database_url, io.BytesIO(data), "second.tmx")
    gated.opened.set()
    first_origin = first.result()
    assert first_origin.unit_count + second.unit_count == 600
    assert second.already_in_memory == first_origin.unit_count > 0
    assert units_and_hits(database_url) == (600, 1)


CONCURRENT_IMPORT = """
import sys
from workbench.db import session_scope
from workbench.memory import store

store.BATCH_UNITS = store.COMMIT_UNITS = 50


class Held:
    \"\"\"The file, once both processes are ready to read it.\"\"\"

    def __init__(self, data):
        self.data, self.position = data, 0

    def read(self, size=-1):
        if self.position == 0:
            print("ready", flush=True)
            sys.stdin.readline()
        end = len(self.data) if size < 0 else self.position + size
        chunk = self.data[self.position:end]
        self.position += len(chunk)
        return chunk


data = open(sys.argv[2], "rb").read()
with session_scope(sys.argv[1]) as session:
    origin = store.import_tmx(session, Held(data), sys.argv[3])
    print(origin.unit_count, origin.already_in_memory, flush=True)
"""


def test_two_processes_importing_the_same_file_at_once_store_it_once(
        database_url: str, tmp_path: Path) -> None:
    """Two ``workbench memory import`` runs of one file, started together."""
    upgrade(database_url)
    path = tmp_path / "shipment.tmx"
    path.write_bytes(generated_tmx(2000))
    processes = [subprocess.Popen([sys.executable, "-c", CONCURRENT_IMPORT, database_url,
                                   str(path), f"run{n}.tmx"], stdin=subprocess.PIPE,
                                  stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
                 for n in (1, 2)]
    try:
        for process in processes:
            assert process.stdout.readline() == "ready\n", \
                process.stderr.read()  # type: ignore[union-attr]
        for process in processes:  # both read the file at the same moment
            process.stdin.write("go\n")  # type: ignore[union-attr]
            process.stdin.flush()  # type: ignore[union-attr]
        outcomes = [process.communicate(timeout=WAIT) for process in processes]
    finally:
        for process in processes:
            if process.poll() is None:
                process.kill()
                process.communicate(timeout=WAIT)
    counted = []
    for (out, err), process in zip(outcomes, processes, strict=True):
        if process.returncode:  # one may find every unit in the other: refused, saying so
            assert "are all in the memory already" in err, err
            counted.append((0, 2000))
        else:
            stored, already = map(int, out.split())
            counted.append((stored, already))
    assert sum(stored for stored, _already in counted) == 2000
    assert units_and_hits(database_url) == (2000, 1)
    index_is_sound(database_url)


# --- a re-alignment under way ---------------------------------------------------------

REALIGNED = [{"ru": ["Р1."], "en": ["E1."]},
             {"ru": ["Р2.", "Р3."], "en": ["E2 E3."]},
             {"ru": ["Р4."], "en": ["E4.", "E5."]}]
OTHER = [{"ru": ["Д1."], "en": ["D1."]}, {"ru": ["Д2."], "en": ["D2."]}]


@pytest.fixture
def held_aligner(monkeypatch: pytest.MonkeyPatch) -> Iterator[tuple[threading.Event,
                                                                    threading.Event]]:
    """``workbench.sets.align_sentences`` replaced by one that says it has started and waits
    to be let go, then aligns sentence by sentence (the last row takes what is left)."""
    started, go = threading.Event(), threading.Event()

    def aligner(segmented: dict[str, list[tuple[int, str]]], pivot_lang: str,
                confirmed: Sequence[AlignedRow] = (),
                progress: Callable[[int], None] | None = None) -> list[AlignedRow]:
        started.set()
        assert go.wait(WAIT)
        taken = {lang: {i for row in confirmed for i in row.sentences(lang)}
                 for lang in segmented}
        free = {lang: [i for i in range(len(s)) if i not in taken[lang]]
                for lang, s in segmented.items()}
        longest = max(len(f) for f in free.values())
        return list(confirmed) + [
            AlignedRow({lang: tuple(f[n:n + 1]) if n < longest - 1 else tuple(f[n:])
                        for lang, f in free.items()}, 0.75)
            for n in range(longest)]

    monkeypatch.setattr(workbench.sets, "align_sentences", aligner)
    yield started, go
    go.set()


def test_a_realign_holds_no_lock_while_the_engine_aligns(
        database_url: str, held_aligner: tuple[threading.Event, threading.Event]) -> None:
    started, go = held_aligner
    app = make_app(database_url)
    realigned = build_set(database_url, REALIGNED, "long")
    other = build_set(database_url, OTHER, "other")
    realigning = Running(lambda: app.test_client().post(f"/sets/{realigned}/edit/realign",
                                                        data={"revision": 0}))
    assert started.wait(WAIT)
    edited = app.test_client().post(f"/sets/{other}/edit/confirm",
                                    data={"revision": 0, "row": first_row(database_url, other)})
    assert edited.status_code == 200, edited.get_data(as_text=True)
    go.set()
    response = realigning.result()
    assert response.status_code == 200, response.get_data(as_text=True)
    assert response.get_json()["revision"] == 1
    assert set_state(database_url, realigned) == (1, [
        ("Р1.", "E1."), ("Р2.", "E2 E3."), ("Р3.", "E4."), ("Р4.", "E5.")], ["realign"])
    assert set_state(database_url, other)[::2] == (1, ["confirm"])


def test_an_edit_made_during_a_realign_makes_it_stale_and_nothing_of_it_is_written(
        database_url: str, held_aligner: tuple[threading.Event, threading.Event]) -> None:
    started, go = held_aligner
    app = make_app(database_url)
    set_id = build_set(database_url, REALIGNED)
    realigning = Running(lambda: app.test_client().post(f"/sets/{set_id}/edit/realign",
                                                        data={"revision": 0}))
    assert started.wait(WAIT)
    edited = app.test_client().post(f"/sets/{set_id}/edit/confirm",
                                    data={"revision": 0, "row": first_row(database_url, set_id)})
    assert edited.status_code == 200, edited.get_data(as_text=True)
    after_edit = set_state(database_url, set_id)
    go.set()
    response = realigning.result()
    assert response.status_code == 409
    assert "changed in another tab or by someone else" in response.get_json()["error"]
    assert set_state(database_url, set_id) == after_edit
    assert after_edit[0] == 1 and after_edit[2] == ["confirm"]


# --- a locked database ----------------------------------------------------------------


@pytest.fixture
def locked(database_url: str) -> Iterator[sqlite3.Connection]:
    """The database held by another writer (``BEGIN EXCLUSIVE``) until the test ends."""
    upgrade(database_url)
    holder = sqlite3.connect(database_url.removeprefix("sqlite:///"), isolation_level=None)
    yield holder
    if holder.in_transaction:
        holder.execute("ROLLBACK")
    holder.close()


def _lock(holder: sqlite3.Connection) -> None:
    holder.execute("BEGIN EXCLUSIVE")


@pytest.mark.sqlite_only(reason="holds SQLite's lock (test_postgres.py holds a row's)")
def test_a_locked_database_gives_503_with_a_sentence_as_a_page_and_as_json(
        database_url: str, locked: sqlite3.Connection) -> None:
    app = make_app(database_url, busy_timeout=0.2)
    set_id = build_set(database_url, OTHER)
    row = first_row(database_url, set_id)
    client = app.test_client()
    _lock(locked)

    # An edit in the editor (htmx): refused like a stale edit, with the sentence as alert.
    edit = {"revision": 0, "row": row}
    refused = client.post(f"/sets/{set_id}/edit/confirm", data=edit,
                          headers={"HX-Request": "true"})
    assert refused.status_code == 503 and refused.headers["Retry-After"] == "5"
    assert BUSY in refused.get_data(as_text=True)
    # The same edit from a JSON client.
    answer = client.post(f"/sets/{set_id}/edit/confirm", data=edit)
    assert answer.status_code == 503 and answer.headers["Retry-After"] == "5"
    assert answer.get_json() == {"error": BUSY, "status": 503}

    # An upload of a TMX file, as a page and as JSON.
    def upload(accept: str) -> Any:
        return client.post("/memory/import",
                           data={"file": (io.BytesIO(small_tmx()), "c.tmx")},
                           content_type="multipart/form-data", headers={"Accept": accept})

    page = upload("text/html")
    assert page.status_code == 503 and "Retry-After" in page.headers
    assert page.mimetype == "text/html" and BUSY in page.get_data(as_text=True)
    assert "<title>Error 503</title>" in page.get_data(as_text=True)
    answer = upload("application/json")
    assert answer.status_code == 503 and answer.get_json() == {"error": BUSY, "status": 503}

    # In the user's language.
    russian = client.post(f"/sets/{set_id}/edit/confirm?ui=ru", data=edit)
    assert russian.status_code == 503 and russian.get_json()["error"] == BUSY_RU

    locked.execute("ROLLBACK")
    assert set_state(database_url, set_id)[0] == 0  # nothing was half-done
    assert memory_rows(database_url) == (0, 0, 0)


def test_other_database_errors_stay_internal_errors(database_url: str) -> None:
    from workbench.db import get_session

    app = create_app({"DATABASE_URL": database_url, "SECRET_KEY": "test"})

    def broken() -> str:
        get_session().execute(text("SELECT * FROM no_such_table"))
        return "unreachable"

    app.add_url_rule("/broken", view_func=broken)
    assert app.test_client().get("/broken").status_code == 500


@pytest.mark.sqlite_only(reason="holds SQLite's lock (test_postgres.py holds a row's)")
def test_the_cli_says_the_database_is_busy_in_one_line(
        database_url: str, locked: sqlite3.Connection, runner: CliRunner, tmp_path: Path,
        monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("WORKBENCH_DATABASE_BUSY_TIMEOUT", "0.2")
    (tmp_path / "coffee.tmx").write_bytes(small_tmx())
    _lock(locked)
    result = runner.invoke(main, ["memory", "import", "coffee.tmx"])
    assert result.exit_code == 1
    assert result.output == f"Error: {BUSY}\n"


# --- the write-ahead log after a large import -----------------------------------------


def wal_bytes(url: str) -> int:
    wal = Path(url.removeprefix("sqlite:///") + "-wal")
    return wal.stat().st_size if wal.exists() else 0


def test_the_wal_is_small_after_a_large_tmx_import(database_url: str, runner: CliRunner,
                                                   tmp_path: Path) -> None:
    (tmp_path / "large.tmx").write_bytes(generated_tmx(20_000))
    result = runner.invoke(main, ["memory", "import", "large.tmx"])
    assert result.exit_code == 0, result.output
    assert result.output == "large.tmx: 20000 units imported (memory file 1).\n"
    # Without the checkpoint, the -wal file would hold the last batches: about 5 MB here.
    assert wal_bytes(database_url) < 256 * 1024


@pytest.mark.sqlite_only(reason="SQLite's write-ahead log")
def test_the_wal_is_small_after_a_large_tbx_import(database_url: str) -> None:
    app = make_app(database_url)
    out = io.BytesIO()
    write_tbx(Termbase(tuple(
        TbxConcept(f"c{n}", (TermEntry("en", f"council number {n}", "preferred"),
                             TermEntry("en-GB", f"council number {n}"),  # regions stay apart
                             TermEntry("ru", f"совет номер {n}")), note=f"concept {n}")
        for n in range(4_000))), out)
    response = app.test_client().post(
        "/terms/termbase/import", data={"file": (io.BytesIO(out.getvalue()), "big.tbx")},
        content_type="multipart/form-data")
    assert response.status_code == 303, response.get_data(as_text=True)
    with session_factory(database_url)() as session:
        assert session.scalar(text("SELECT count(*) FROM term_concept")) == 4_000
        assert session.scalar(text("SELECT count(*) FROM term_entry")) == 12_000
    # Without the checkpoint, the -wal file would hold the whole import: about 1.4 MB here.
    assert wal_bytes(database_url) < 256 * 1024

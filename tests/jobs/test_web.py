"""Jobs in the browser's requests: an upload aligned in the server's own threads and followed
to the editor, the progress part htmx polls, a TMX import as a job, the jobs page, cancel and
run again, and the duplicate warning that comes before any job."""

from __future__ import annotations

import html
import io

from flask import Flask
from flask.testing import FlaskClient

from tests.conftest import demo_page
from tests.jobs.conftest import wait_for
from workbench.db import session_scope
from workbench.jobs import Job


def demo_upload(number: str = "004", langs: tuple[str, ...] = ("ru-RU", "en-GB")) -> dict:
    return {"files": [(io.BytesIO(demo_page(number, lang).read_bytes()),
                       f"{number}.{lang}.html") for lang in langs]}


def test_an_upload_is_aligned_in_the_background_then_opens_in_the_editor(
        threads_app: Flask) -> None:
    client = threads_app.test_client()
    response = client.post("/sets", data=demo_upload(), content_type="multipart/form-data")
    assert response.status_code == 303 and response.headers["Location"] == "/jobs/1?follow=1"
    # The job's page (or, when the job is already done, the editor itself).
    page = client.get("/jobs/1?follow=1")
    if page.status_code == 200:
        html = page.get_data(as_text=True)
        assert 'hx-get="/jobs/1/progress?follow=1"' in html and 'hx-trigger="every 1s"' in html
        assert "vendor/htmx.min.js" in html
    else:
        assert page.headers["Location"] == "/sets/1/edit"

    def polled() -> str | None:
        return client.get("/jobs/1/progress?follow=1").headers.get("HX-Redirect")

    assert wait_for(polled, "the job to finish") == "/sets/1/edit"
    assert client.get("/sets/1/edit").status_code == 200
    done = client.get("/jobs/1/progress").get_data(as_text=True)
    total = client.get("/jobs/1.json").get_json()["total"]
    assert f"{total} of {total} sentences done" in done and "hx-trigger" not in done
    assert 'href="/sets/1/edit">Open the new set in the editor</a>' in done


def test_a_failed_job_says_why_on_its_page_and_offers_to_run_again(
        threads_app: Flask) -> None:
    threads_app.config["MAX_PAGE_SENTENCES"] = 3
    client = threads_app.test_client()
    assert client.post("/sets", data=demo_upload(),
                       content_type="multipart/form-data").status_code == 303
    wait_for(lambda: client.get("/jobs/1.json").get_json()["state"] == "failed",
             "the job to fail")
    page = client.get("/jobs/1").get_data(as_text=True)
    assert "Failed" in page and "may have at most 3" in page and "Nothing was stored" in page
    assert 'action="/jobs/1/rerun"' in page
    assert client.get("/sets.json").get_json() == []


def test_a_tmx_import_is_a_job_with_its_units_counted(client: FlaskClient) -> None:
    from tests.workbench.test_memory import memory_tmx

    answer = client.post("/memory/import", data={"file": (io.BytesIO(memory_tmx()), "m.tmx")},
                         content_type="multipart/form-data",
                         headers={"Accept": "application/json"})
    assert answer.status_code == 202
    job = answer.get_json()
    assert job["kind"] == "tmx-import" and job["state"] == "done" and job["unit"] == "units"
    assert job["result"]["file_name"] == "m.tmx" and job["done"] == job["result"]["units"]
    assert job["total"] == job["result"]["units"]  # finished: every unit, not "so far"
    listed = client.get("/jobs/").get_data(as_text=True)
    assert "Importing m.tmx" in listed and "See the imported file in the memory" in listed


def test_the_jobs_page_is_in_the_navigation_and_lists_every_job(client: FlaskClient) -> None:
    assert 'href="/jobs/">Jobs</a>' in client.get("/").get_data(as_text=True)
    assert "No job yet." in client.get("/jobs/").get_data(as_text=True)
    client.post("/sets", data=demo_upload(), content_type="multipart/form-data")
    page = client.get("/jobs/").get_data(as_text=True)
    assert "Aligning a page" in page and "Done" in page and 'href="/sets/1/edit"' in page
    assert client.get("/jobs.json").get_json()[0]["result"]["set_id"] == 1
    assert client.get("/jobs/9").status_code == 404


def test_a_queued_job_is_cancelled_then_run_again(client: FlaskClient, app: Flask,
                                                  database_url: str) -> None:
    from tests.jobs.test_runner import versions
    from workbench.jobs.kinds import store_versions
    from workbench.jobs.runner import jobs_folder

    with app.app_context(), session_scope(database_url) as session:
        waiting = Job(kind="align", title="waiting", params={}, unit="sentences")
        session.add(waiting)
        session.flush()
        waiting.input_path = str(store_versions(versions())(jobs_folder(database_url) / "1"))
    page = client.get("/jobs/1").get_data(as_text=True)
    assert "Waiting" in page and 'action="/jobs/1/cancel"' in page
    assert client.post("/jobs/1/cancel").status_code == 303
    page = client.get("/jobs/1").get_data(as_text=True)
    assert "Cancelled" in page and 'action="/jobs/1/rerun"' in page
    assert client.post("/jobs/1/cancel").status_code == 409  # finished: nothing to cancel
    again = client.post("/jobs/1/rerun")
    assert again.headers["Location"] == "/jobs/1?follow=1"
    assert client.get(again.headers["Location"]).headers["Location"] == "/sets/1/edit"


def test_the_duplicate_warning_comes_before_any_job(client: FlaskClient) -> None:
    client.post("/sets", data=demo_upload(), content_type="multipart/form-data")
    again = client.post("/sets", data=demo_upload(), content_type="multipart/form-data")
    assert again.status_code == 409 and "Add anyway" in again.get_data(as_text=True)
    assert len(client.get("/jobs.json").get_json()) == 1  # no job for the refused upload
    anyway = client.post("/sets", data={**demo_upload(), "add_anyway": "1"},
                         content_type="multipart/form-data")
    assert anyway.headers["Location"] == "/jobs/2?follow=1"
    assert len(client.get("/sets.json").get_json()) == 2


def test_the_upload_form_disables_its_button_while_sending(client: FlaskClient) -> None:
    page = client.get("/sets/new").get_data(as_text=True)
    assert 'data-busy="Uploading…"' in page and "/jobs/static/jobs.js" in page
    script = client.get("/jobs/static/jobs.js")
    assert script.status_code == 200 and b"button.disabled = true" in script.data


def test_a_folder_of_saved_pages_is_imported_from_the_browser(client: FlaskClient) -> None:
    page = client.get("/sets/archive").get_data(as_text=True)
    assert "webkitdirectory" in page and 'action="/sets/archive"' in page
    files = [(io.BytesIO(demo_page("000", lang).read_bytes()), f"saved/2019/000.{lang}.html")
             for lang in ("ru-RU", "en-GB")]
    files += [(io.BytesIO(demo_page("001", "fr-FR").read_bytes()), "saved/2019/001.fr-FR.html"),
              (io.BytesIO(b""), "saved/../../evil.ru.txt")]
    answer = client.post("/sets/archive", data={"files": files},
                         content_type="multipart/form-data")
    assert answer.status_code == 200
    said = answer.get_data(as_text=True)
    assert "4 file(s): 1 set(s) made, 0 queued, 1 skipped, 1 refused." in said
    assert 'href="/jobs/1?follow=1">saved/2019/000</a>' in said
    assert "saved/2019/001: one language version only" in said
    assert "evil.ru.txt is empty." in said  # kept inside the archive's folder, and refused
    assert [s["languages"] for s in client.get("/sets.json").get_json()] == [["ru-RU", "en-GB"]]


def test_a_page_of_a_folder_that_cannot_be_read_is_refused_in_the_readers_language(
        app: Flask, tmp_path) -> None:  # type: ignore[no-untyped-def]
    from workbench.jobs.archive import ArchiveReport, group_pages

    report = ArchiveReport()
    with app.test_request_context(headers=RUSSIAN):  # the file went while it was read
        group_pages([tmp_path / "004.ru-RU.html"], tmp_path, report)
    assert report.refused == [("004.ru-RU.html", "не читается (нет такого файла или папки).")]


def test_a_job_title_is_in_the_language_of_whoever_reads_it(
        client: FlaskClient, app: Flask, database_url: str) -> None:
    from tests.workbench.test_memory import memory_tmx
    from workbench.jobs.cli import describe

    app.config["MAX_PAGE_SENTENCES"] = 3  # the upload fails at once: no model to load
    client.get("/?ui=ru")  # a Russian-speaking translator starts the jobs
    client.post("/sets", data=demo_upload(), content_type="multipart/form-data")
    client.post("/memory/import", data={"file": (io.BytesIO(memory_tmx()), "m.tmx")},
                content_type="multipart/form-data")
    mine = client.get("/jobs/").get_data(as_text=True)
    assert "Выравнивание: 004.ru-RU.html, 004.en-GB.html" in mine and "Импорт m.tmx" in mine

    german = app.test_client()  # a colleague reads the jobs page in German
    german.get("/?ui=de")
    listed = german.get("/jobs/").get_data(as_text=True)
    assert "Ausrichten: 004.ru-RU.html, 004.en-GB.html" in listed
    assert "Import von m.tmx" in listed and "Выравнивание" not in listed
    assert "<h1>Ausrichten: 004.ru-RU.html, 004.en-GB.html</h1>" in \
        german.get("/jobs/1").get_data(as_text=True)
    assert [job["title"] for job in german.get("/jobs.json").get_json()] == [
        "Import von m.tmx", "Ausrichten: 004.ru-RU.html, 004.en-GB.html"]

    # The command line says it in English; a set named by the translator keeps its name.
    with session_scope(database_url) as session:
        assert "\tAligning 004.ru-RU.html, 004.en-GB.html\t" in describe(session.get(Job, 1))
    client.post("/sets", data={**demo_upload(), "name": "Отчёт ОДКБ", "add_anyway": "1"},
                content_type="multipart/form-data")
    assert german.get("/jobs.json").get_json()[0]["title"] == "Отчёт ОДКБ"


def test_a_job_stored_with_its_title_in_one_language_still_shows_it(
        client: FlaskClient, app: Flask, database_url: str) -> None:
    # as an older workbench stored it: the title in its submitter's language, parameters
    # that do not say it
    with app.app_context(), session_scope(database_url) as session:
        session.add(Job(kind="align", title="Выравнивание: 004.ru-RU.html, 004.en-GB.html",
                        params={"name": None, "pivot": None}, unit="sentences",
                        state="failed"))
    client.get("/?ui=de")
    assert "Выравнивание: 004.ru-RU.html, 004.en-GB.html" in \
        client.get("/jobs/").get_data(as_text=True)


RUSSIAN = {"Accept-Language": "ru"}


def test_why_a_job_failed_or_was_cancelled_is_said_in_the_language_of_whoever_reads_it(
        client: FlaskClient, app: Flask, database_url: str) -> None:
    from workbench.jobs.cli import describe

    # An English-speaking translator's upload fails (past the limit) and a waiting job of
    # theirs is cancelled.
    app.config["MAX_PAGE_SENTENCES"] = 3
    client.get("/?ui=en")
    client.post("/sets", data=demo_upload(), content_type="multipart/form-data")
    with session_scope(database_url) as session:
        session.add(Job(kind="align", params={"files": ["a.html", "b.html"]},
                        unit="sentences"))
    assert client.post("/jobs/2/cancel").status_code == 303
    mine = client.get("/jobs/").get_data(as_text=True)
    assert "a language version of a page may have at most 3" in mine
    assert "Cancelled: nothing of it was stored." in mine

    # A Russian-speaking colleague reads why, in Russian: the list, each page, the JSON.
    russian = app.test_client()
    limit = "а в языковой версии страницы может быть не больше 3"
    cancelled = "Отменено: ничего из этого не сохранено."
    listed = russian.get("/jobs/", headers=RUSSIAN).get_data(as_text=True)
    assert limit in listed and cancelled in listed
    assert "may have at most" not in listed and "nothing of it was stored" not in listed
    assert limit in russian.get("/jobs/1", headers=RUSSIAN).get_data(as_text=True)
    assert cancelled in russian.get("/jobs/2", headers=RUSSIAN).get_data(as_text=True)
    said = {job["id"]: job for job in russian.get("/jobs.json", headers=RUSSIAN).get_json()}
    assert limit in said[1]["message"] and said[1]["failure"] == "about-too-many-sentences"
    assert said[2]["message"] == cancelled and said[2]["failure"] == "cancelled"
    assert russian.get("/jobs/2.json", headers=RUSSIAN).get_json()["message"] == cancelled

    # The command line says it in English, as the database keeps it.
    with session_scope(database_url) as session:
        assert describe(session.get(Job, 2)).endswith("\tCancelled: nothing of it was stored.")
        assert "may have at most 3" in session.get(Job, 1).message


def test_an_unexpected_error_is_said_in_the_readers_language_with_what_the_log_says(
        client: FlaskClient, database_url: str, monkeypatch, caplog) -> None:  # type: ignore[no-untyped-def]
    from workbench.jobs import kinds, run
    from workbench.jobs.kinds import Kind

    def broken(context):  # type: ignore[no-untyped-def]
        raise RuntimeError("the disk is on fire\nand more below")

    monkeypatch.setitem(kinds.KINDS, "align", Kind(broken, "sentences", "a broken step"))
    with session_scope(database_url) as session:
        session.add(Job(kind="align", params={}, unit="sentences"))
    assert run(database_url, 1) == "failed"
    assert "RuntimeError: the disk is on fire" in caplog.text  # what the log says

    russian = client.get("/jobs/1.json", headers=RUSSIAN).get_json()
    assert russian["message"] == (
        "Задание остановилось из-за непредвиденной ошибки (RuntimeError: the disk is on fire); "
        "ничего из него не сохранено. Запустите его снова; если ошибка повторится, сообщите "
        "этот текст.")
    assert "RuntimeError: the disk is on fire" in \
        client.get("/jobs/1", headers={"Accept-Language": "de"}).get_data(as_text=True)
    english = client.get("/jobs/1.json", headers={"Accept-Language": "en"}).get_json()
    assert english["message"].startswith(
        "The job stopped on an unexpected error (RuntimeError: the disk is on fire);")


def test_a_job_that_ended_before_failures_had_a_kind_shows_its_message_as_stored(
        client: FlaskClient, app: Flask, database_url: str) -> None:
    # as a workbench before migration 0019 stored it: the sentence in the submitter's
    # language, no kind
    stored = "Die Versionen konnten nicht ausgerichtet werden: zu lang"
    with app.app_context(), session_scope(database_url) as session:
        session.add(Job(kind="align", params={}, unit="sentences", state="failed",
                        message=stored))
    assert stored in client.get("/jobs/", headers=RUSSIAN).get_data(as_text=True)
    assert stored in client.get("/jobs/1", headers=RUSSIAN).get_data(as_text=True)
    answer = client.get("/jobs/1.json", headers=RUSSIAN).get_json()
    assert answer["message"] == stored and answer["failure"] is None


def said_in_russian(app: Flask, job_id: int, kind: str, sentence: str) -> None:
    """A Russian-speaking colleague reads ``sentence`` as why job ``job_id`` failed, on the
    jobs page, the job's page and its JSON, which names the failure's ``kind``."""
    russian = app.test_client()
    assert sentence in html.unescape(russian.get("/jobs/", headers=RUSSIAN)
                                     .get_data(as_text=True))
    assert sentence in html.unescape(russian.get(f"/jobs/{job_id}", headers=RUSSIAN)
                                     .get_data(as_text=True))
    answer = russian.get(f"/jobs/{job_id}.json", headers=RUSSIAN).get_json()
    assert answer["state"] == "failed" and answer["failure"] == kind
    assert sentence in answer["message"]


def test_a_failed_tmx_import_is_said_in_the_readers_language(
        client: FlaskClient, app: Flask, database_url: str) -> None:
    from tests.workbench.test_memory import memory_tmx, upload

    client.get("/?ui=en")  # an English-speaking translator imports
    whole = memory_tmx([(f"Unit {n} of the consignment.", f"Единица {n}.", None)
                        for n in range(20)])
    cut = whole[: whole.index(b"Unit 15 ")]
    assert upload(client, cut, "consignment.tmx").status_code == 400
    line = cut.count(b"\n") + 1
    with session_scope(database_url) as session:
        assert session.get(Job, 1).message == (
            f"consignment.tmx, line {line}: the file ends inside a <tu> — it is truncated. "
            "Nothing was imported.")  # the command line's English, as before
    said_in_russian(app, 1, "tmx-unreadable",
                    f"consignment.tmx, строка {line}: файл обрывается внутри элемента <tu> — "
                    "он обрезан. Ничего не импортировано.")

    assert upload(client, memory_tmx(), "omegat.tmx").status_code == 303
    assert upload(client, memory_tmx(), "copy.tmx").status_code == 400
    [earlier] = client.get("/memory/?format=json").get_json()["imported"]
    when = earlier["imported_at"].replace("T", " ")[:16]
    said_in_russian(app, 3, "tmx-same-file",
                    f"copy.tmx — тот же файл, что и omegat.tmx, импортированный {when} UTC: "
                    "все его 5 единиц с текстом уже есть в памяти. Ничего не добавлено.")


def test_a_tmx_import_whose_file_is_gone_says_so_in_the_readers_language(
        app: Flask, database_url: str, tmp_path) -> None:  # type: ignore[no-untyped-def]
    from workbench.jobs import run

    gone = tmp_path / "jobs" / "1" / "memory.tmx"  # the jobs folder cleared meanwhile
    with session_scope(database_url) as session:
        session.add(Job(kind="tmx-import", params={"file_name": "memory.tmx"}, unit="units",
                        input_path=str(gone)))
    with app.app_context():
        assert run(database_url, 1) == "failed"
    said_in_russian(app, 1, "input-unreadable",  # not the system's "No such file …"
                    f"Входной файл задания ({gone}) не читается (нет такого файла или папки)")


def test_a_failed_memory_export_or_discovery_is_said_in_the_readers_language(
        app: Flask, database_url: str, tmp_path, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    import errno

    import pytest

    from tests.workbench.test_memory import memory_tmx
    from workbench.errors import WorkbenchError
    from workbench.jobs import submit
    from workbench.memory import export
    from workbench.memory.store import import_tmx
    from workbench.terminology.discovery import submit_discovery

    def export_job() -> int:
        return submit(database_url, "memory-export", runner="eager",
                      params={"langs": ["en-GB", "ru-RU"], "source_lang": "en-GB"})

    with app.app_context():
        # nothing to export: the memory was emptied between the form and the job
        with pytest.raises(WorkbenchError):
            export_job()
        with pytest.raises(WorkbenchError):  # no set to search for terminology
            submit_discovery(database_url, runner="eager")
        with session_scope(database_url) as session:
            import_tmx(session, io.BytesIO(memory_tmx()), "omegat.tmx")

        def full(*args, **kwargs):  # type: ignore[no-untyped-def]
            raise OSError(errno.ENOSPC, "No space left on device")

        monkeypatch.setattr(export, "export_memory", full)
        with pytest.raises(WorkbenchError):
            export_job()
        monkeypatch.undo()
        not_a_folder = tmp_path / "jobs-file"
        not_a_folder.write_text("a file where the jobs folder should be")
        monkeypatch.setenv("WORKBENCH_JOBS_FOLDER", str(not_a_folder))
        with pytest.raises(WorkbenchError):
            export_job()

    said_in_russian(app, 1, "memory-empty",
                    "Память переводов пуста: сначала выровняйте страницу или импортируйте "
                    "файл TMX.")
    said_in_russian(app, 2, "nothing-to-discover",
                    "Нет наборов для поиска терминологических отметок")
    said_in_russian(app, 3, "disk-full", "Диск заполнен: файл задания не удалось записать в "
                                         f"{tmp_path / 'jobs' / '3'}.")
    said_in_russian(app, 4, "output-unwritable",  # not the system's "Not a directory"
                    f"Файл задания не удалось записать в {not_a_folder / '4'} (часть пути — "
                    "не папка)")
    with session_scope(database_url) as session:  # the command line's English
        assert session.get(Job, 3).message.startswith("The disk is full: the job's file "
                                                      "could not be written in ")


def test_why_a_jobs_file_could_not_be_written_is_said_in_the_readers_language_not_the_systems(
        app: Flask, database_url: str, tmp_path, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    """The system says why it refused a file in the language the server runs in (English
    here): a reader of another language reads the kind of refusal in theirs, the system's
    words kept beside it; a job stored before the kind was kept shows them as stored."""
    import errno

    import pytest

    from tests.workbench.test_memory import memory_tmx
    from workbench.errors import WorkbenchError
    from workbench.jobs import submit
    from workbench.memory import export
    from workbench.memory.store import import_tmx

    def refused(*args, **kwargs):  # type: ignore[no-untyped-def]
        raise OSError(errno.EACCES, "Permission denied")

    with app.app_context():
        with session_scope(database_url) as session:
            import_tmx(session, io.BytesIO(memory_tmx()), "omegat.tmx")
        monkeypatch.setattr(export, "export_memory", refused)
        with pytest.raises(WorkbenchError):
            submit(database_url, "memory-export", runner="eager",
                   params={"langs": ["en-GB", "ru-RU"], "source_lang": "en-GB"})
    folder = tmp_path / "jobs" / "1"
    said_in_russian(app, 1, "output-unwritable",
                    f"Файл задания не удалось записать в {folder} (нет прав доступа)")
    german = app.test_client().get("/jobs/1.json", headers={"Accept-Language": "de"})
    assert "(keine Berechtigung)" in german.get_json()["message"]
    assert "Permission denied" not in german.get_json()["message"]
    with session_scope(database_url) as session:
        job = session.get(Job, 1)
        assert job.failure_params == {"folder": str(folder), "problem": "EACCES",
                                      "reason": "Permission denied"}
        assert job.message.startswith(f"The job's file could not be written in {folder} "
                                      "(no permission): the workbench may not write there.")
        session.add(Job(kind="memory-export", unit="units", state="failed",
                        failure_kind="output-unwritable",
                        failure_params={"folder": "/srv/jobs/2", "reason": "Permission denied"}))
    said_in_russian(app, 2, "output-unwritable",
                    "Файл задания не удалось записать в /srv/jobs/2 (Permission denied)")


def test_a_job_stopped_by_a_busy_database_says_so_in_the_readers_language(
        client: FlaskClient, app: Flask, database_url: str, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    from tests.workbench.test_memory import memory_tmx, upload
    from workbench.errors import DatabaseBusy
    from workbench.memory import store

    def busy(*args, **kwargs):  # type: ignore[no-untyped-def]
        raise DatabaseBusy  # another import held the lock past the busy timeout

    monkeypatch.setattr(store, "import_tmx", busy)
    client.get("/?ui=en")
    assert upload(client, memory_tmx(), "omegat.tmx").status_code == 503
    said_in_russian(app, 1, "database-busy",
                    "Другой импорт или повторное выравнивание сейчас записывает в базу "
                    "данных; ничего из ваших данных не потеряно. Повторите попытку чуть позже.")

"""From an upload to the editor, and re-aligning, as jobs: wall-clock seconds on a long pair.

The pair: ``--sentences`` (2,000) Russian sentences and their English counterparts, made
from the gold alignments of the demo corpus (``workbench/demo/gold/*.json``, the rows of
the five demo pages): the rows are shuffled (seeded; another shuffle each run, as the same
text again would be a duplicate upload) and repeated until the Russian side has that many
sentences, and each side is written as a plain-text file, eight rows to a paragraph. (The
importer segments them again; the job's total counts the sentences of both sides.)

How: the Flask test client on a temporary SQLite database, with jobs in the app's own thread
pool (``JOBS_RUNNER=threads``, as ``workbench serve`` runs them without Celery), polled
every 0.1 s as the browser polls them (``/jobs/<id>.json``). No network, no browser. One
small demo page is aligned first and not counted (the sentence model loads once).

Printed, the median of ``--runs`` (3) runs, each on a new set:

- upload → editor: the upload POST, its ``align`` job done, the editor page served;
- re-align job: the POST of the editor's R (every row below the last confirmed one; none is
  confirmed, so the whole set) until its job is done;
- re-align → grid: the same, plus the editor's request for the new grid.

No assertion, no floor.

    PYTHONPATH=. python bench/upload_to_editor.py [--sentences 2000] [--runs 3]
"""

from __future__ import annotations

import argparse
import io
import json
import random
import re
import statistics
import tempfile
import time
from pathlib import Path
from typing import Any

from flask.testing import FlaskClient

from workbench.app import create_app
from workbench.db import upgrade

DEMO = Path(__file__).resolve().parent.parent / "workbench" / "demo"
LANGS = ("ru-RU", "en-GB")
POLL = 0.1  # seconds between two looks at a job
TIMEOUT = 1800.0


def generated_pair(sentences: int, seed: int = 13) -> dict[str, str]:
    """The two texts (language -> plain text) of a pair with ``sentences`` pivot sentences."""
    rows = [row for gold in sorted((DEMO / "gold").glob("*.json"))
            for row in json.loads(gold.read_text(encoding="utf-8"))["rows"]
            if all(row.get(lang) for lang in LANGS)]
    shuffle = random.Random(seed)
    chosen: list[dict[str, list[str]]] = []
    count = 0
    while count < sentences:
        batch = rows[:]
        shuffle.shuffle(batch)
        for row in batch:
            if count >= sentences:
                break
            chosen.append(row)
            count += len(row[LANGS[0]])
    texts = {}
    for lang in LANGS:
        paragraphs = [" ".join(s for row in chosen[n:n + 8] for s in row[lang])
                      for n in range(0, len(chosen), 8)]
        texts[lang] = "\n\n".join(paragraphs) + "\n"
    return texts


def token(client: FlaskClient) -> str:
    page = client.get("/").get_data(as_text=True)
    found = re.search(r'<meta name="csrf-token" content="([^"]+)"', page)
    assert found, "the page carries no CSRF token"
    return found.group(1)


def wait_for_job(client: FlaskClient, status_url: str) -> dict[str, Any]:
    deadline = time.monotonic() + TIMEOUT
    while time.monotonic() < deadline:
        job: dict[str, Any] = client.get(status_url).get_json()
        if job["state"] not in ("queued", "running"):
            if job["state"] != "done":
                raise SystemExit(f"job {job['id']} {job['state']}: {job['message']}")
            return job
        time.sleep(POLL)
    raise SystemExit(f"gave up waiting for {status_url}")


def upload(client: FlaskClient, csrf: str, texts: dict[str, str], name: str
           ) -> tuple[int, float, dict[str, Any]]:
    """The set made from ``texts`` and the seconds from the POST to the editor page."""
    start = time.perf_counter()
    answer = client.post("/sets", data={"files": [
        (io.BytesIO(text.encode("utf-8")), f"{name}.{lang}.txt") for lang, text in texts.items()
    ]}, content_type="multipart/form-data", headers={"X-CSRFToken": csrf})
    assert answer.status_code == 303, answer.get_data(as_text=True)[:500]
    job_id = int(answer.headers["Location"].split("/jobs/")[1].split("?")[0])
    job = wait_for_job(client, f"/jobs/{job_id}.json")
    set_id = int(job["result"]["set_id"])
    page = client.get(f"/sets/{set_id}/edit")
    assert page.status_code == 200
    page.get_data()
    return set_id, time.perf_counter() - start, job


def realign(client: FlaskClient, csrf: str, set_id: int) -> tuple[float, float, dict[str, Any]]:
    """Seconds from the editor's re-align POST to its job done, and to the new grid served."""
    start = time.perf_counter()
    answer = client.post(f"/sets/{set_id}/edit/realign",
                         data={"revision": 0, "langs": ",".join(LANGS)},
                         headers={"Accept": "application/json", "X-CSRFToken": csrf})
    assert answer.status_code == 202, answer.get_data(as_text=True)[:500]
    submitted = answer.get_json()
    job = wait_for_job(client, submitted["status_url"])
    done = time.perf_counter() - start
    grid = client.get(submitted["result_url"] + "?langs=" + ",".join(LANGS),
                      headers={"HX-Request": "true"})
    assert grid.status_code == 200
    grid.get_data()
    return done, time.perf_counter() - start, job


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sentences", type=int, default=2000)
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()

    with tempfile.TemporaryDirectory() as folder:
        url = f"sqlite:///{Path(folder) / 'bench.sqlite'}"
        upgrade(url)
        app = create_app({"TESTING": True, "DATABASE_URL": url, "SECRET_KEY": "bench",
                          "JOBS_RUNNER": "threads", "JOBS_FOLDER": str(Path(folder) / "jobs")})
        client = app.test_client()
        csrf = token(client)
        warm = {lang: (DEMO / "pages" / f"000.{lang}.html").read_text(encoding="utf-8")
                for lang in LANGS}
        start = time.perf_counter()
        client.post("/sets", data={"files": [(io.BytesIO(t.encode()), f"warm.{lang}.html")
                                             for lang, t in warm.items()]},
                    content_type="multipart/form-data", headers={"X-CSRFToken": csrf})
        wait_for_job(client, "/jobs/1.json")
        print(f"warm-up (model load, one demo page): {time.perf_counter() - start:.2f} s")

        uploads, realigned, with_grid = [], [], []
        for run in range(args.runs):
            # Another shuffle each run: the same text again would be a duplicate upload.
            texts = generated_pair(args.sentences, seed=13 + run)
            set_id, seconds, job = upload(client, csrf, texts, f"bench{run}")
            uploads.append(seconds)
            done, grid, realign_job = realign(client, csrf, set_id)
            realigned.append(done)
            with_grid.append(grid)
            print(f"run {run + 1}: set {set_id}, {job['total']} sentences "
                  f"({job['result']['rows']} rows): upload → editor {seconds:.2f} s; "
                  f"re-align job {done:.2f} s ({realign_job['result']['rows']} rows), "
                  f"→ grid {grid:.2f} s")
        print(f"\n{args.sentences} {LANGS[0]} sentences + "
              f"{LANGS[1]}, median of {args.runs} runs, Flask test client, SQLite, "
              f"thread-pool jobs:")
        print(f"  upload POST → align job done → editor page: "
              f"{statistics.median(uploads):.2f} s")
        print(f"  re-align POST → realign job done:           "
              f"{statistics.median(realigned):.2f} s")
        print(f"  re-align POST → job done → new grid served: "
              f"{statistics.median(with_grid):.2f} s")


if __name__ == "__main__":
    main()

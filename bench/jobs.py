"""Throughput of aligning uploads as jobs on Celery workers: demo-sized page sets (the demo
pages of workbench/demo/pages, each page's versions submitted again and again as new sets)
aligned by 1, then 2 ``workbench worker`` processes over a throw-away Redis
(Debian's ``redis-server``) on a fresh SQLite database (or ``--database-url``).

Each worker count starts its workers, lets each align one set first (the model loads once
per worker), then submits ``--sets`` jobs at once and times until the last is done. Printed:
sets per minute for each count, and the ratio of the two (2.0 would be perfect scaling;
the machine's free cores bound it).

    PYTHONPATH=. python bench/jobs.py [--sets 200] [--workers 1,2] [--langs ru-RU,en-GB,...]
"""

from __future__ import annotations

import argparse
import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from sqlalchemy import func, select

from workbench.db import session_factory, upgrade
from workbench.importers import Version, read_version
from workbench.jobs import Job, submit
from workbench.jobs.kinds import store_versions

PAGES = Path(__file__).resolve().parent.parent / "workbench" / "demo" / "pages"
REDIS = "/usr/bin/redis-server"
WORKBENCH = str(Path(sys.executable).parent / "workbench")
NUMBERS = ("000", "001", "002", "003", "004")


def demo_pages(langs: list[str]) -> list[list[Version]]:
    return [[read_version((PAGES / f"{n}.{lang}.html").read_bytes(), f"{n}.{lang}.html")
             for lang in langs] for n in NUMBERS]


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def finished(url: str, ids: list[int]) -> int:
    with session_factory(url)() as session:
        return int(session.scalar(select(func.count()).select_from(Job).where(
            Job.id.in_(ids), Job.state.in_(("done", "failed", "cancelled")))) or 0)


def wait(url: str, ids: list[int], timeout: float) -> None:
    deadline = time.monotonic() + timeout
    while finished(url, ids) < len(ids):
        if time.monotonic() > deadline:
            raise SystemExit(f"jobs not done after {timeout:.0f} s")
        time.sleep(0.1)
    with session_factory(url)() as session:
        failed = session.scalars(select(Job).where(Job.id.in_(ids), Job.state != "done")).all()
    if failed:
        raise SystemExit(f"{len(failed)} job(s) failed: {failed[0].message}")


def run(count: int, sets: int, pages: list[list[Version]], broker: str, folder: Path,
        database_url: str | None) -> float:
    """Sets per minute with ``count`` workers."""
    url = database_url or f"sqlite:///{folder / f'bench-{count}.sqlite'}"
    upgrade(url)
    env = {**os.environ, "WORKBENCH_DATABASE_URL": url, "WORKBENCH_BROKER_URL": broker,
           "WORKBENCH_JOBS_FOLDER": str(folder / f"jobs-{count}")}
    os.environ.update(env)
    workers = [subprocess.Popen([WORKBENCH, "worker", "--loglevel", "WARNING"], cwd=folder,
                                env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                                start_new_session=True) for _ in range(count)]
    try:
        warm = [submit(url, "align", title=f"warm-up {n}", params={"name": f"warm-up {n}"},
                       store_input=store_versions(pages[n % len(pages)]), runner="celery")
                for n in range(count)]
        wait(url, warm, 600)
        start = time.perf_counter()
        ids = [submit(url, "align", title=f"copy {n}", params={"name": f"demo page copy {n}"},
                      store_input=store_versions(pages[n % len(pages)]), runner="celery")
               for n in range(sets)]
        wait(url, ids, 3600)
        elapsed = time.perf_counter() - start
    finally:
        for worker in workers:
            os.killpg(worker.pid, signal.SIGTERM)
        for worker in workers:
            worker.wait(60)
    return sets / (elapsed / 60)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sets", type=int, default=200)
    parser.add_argument("--workers", default="1,2")
    parser.add_argument("--langs", default="ru-RU,en-GB,de-DE,fr-FR,es-ES")
    parser.add_argument("--database-url", help="Another database than a fresh SQLite file "
                        "(it must be empty or hold only other sets).")
    args = parser.parse_args()
    if not Path(REDIS).exists():
        raise SystemExit(f"{REDIS} is missing: install Debian's redis-server")
    pages = demo_pages(args.langs.split(","))
    sentences = sum(len(v.paragraphs) for v in pages[0])
    folder = Path(tempfile.mkdtemp(prefix="bench-jobs-"))
    port = free_port()
    redis = subprocess.Popen([REDIS, "--port", str(port), "--bind", "127.0.0.1", "--dir",
                              str(folder), "--save", "", "--appendonly", "no"],
                             stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        time.sleep(0.5)
        print(f"{args.sets} sets of {len(pages[0])} versions (demo pages, about "
              f"{sentences} paragraphs a set), {os.cpu_count()} cores")
        rates: dict[int, float] = {}
        for count in (int(n) for n in args.workers.split(",")):
            rates[count] = run(count, args.sets, pages, f"redis://127.0.0.1:{port}/0",
                               folder, args.database_url)
            print(f"{count} worker(s): {rates[count]:7.1f} sets/min")
        if 1 in rates and 2 in rates:
            print(f"ratio 2 workers / 1 worker: {rates[2] / rates[1]:.2f}")
    finally:
        redis.terminate()
        redis.wait(10)
        shutil.rmtree(folder, ignore_errors=True)


if __name__ == "__main__":
    main()

"""The real server under load: many clients reading and editing one set at once.

A temporary SQLite database gets one 30-row set (``build_set`` of editor_latency.py), and
``python -m workbench.cli serve`` serves it on a free loopback port (waitress, as a team
runs it). N clients, each a thread with its own keep-alive connection and cookie jar, then
work on 127.0.0.1 for a bounded time with no pause between requests (a closed loop: the
figures are what the server sustains, not a browser's pace). Each client first opens the
editor page and takes the CSRF token from ``<meta name="csrf-token">``; then, at random,

- opens the editor page ``/sets/1/edit`` ("page"),
- reads ``/sets/1.json`` ("json"),
- or edits: reads ``/sets/1.json`` (counted as json) and at once posts
  ``/sets/1/edit/confirm`` with that revision and a row, confirming it or taking the
  confirmation back ("edit"), the way the page does (``X-CSRFToken``, ``HX-Request``).

A 409 is another client having edited first (the set moved on): an expected answer,
counted apart. Every edit answered 200 moves the set's revision by exactly one, so at the
end the revision must have moved by the number of edits answered 200 (else edits were
lost, or stored without the client being told). And each row must be in the database as
the last edit acknowledged on it left it (its revision says which was last): a row that is
not is a lost edit (acknowledged, not in the database at the end).

The database is a temporary SQLite file unless ``--database-url`` names another (e.g.
``postgresql://user@127.0.0.1/workbench``: migrated, given one new set), or ``--postgres``
starts a throw-away PostgreSQL server for the run (Debian's ``postgresql`` package, through
``tests/postgres.py``; stopped and deleted at the end).

    PYTHONPATH=. python bench/load.py [--clients 100] [--seconds 30] [--threads 8]
                                      [--connection-limit 1000] [--json]
                                      [--database-url URL | --postgres]

It prints figures and never judges a time. It exits 1 only on a correctness failure: an
answer 5xx, a connection error or timeout, or lost edits; it then prints those requests
and the end of the server's output.
"""

from __future__ import annotations

import argparse
import html
import http.client
import json
import math
import os
import random
import re
import secrets
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
import urllib.request
from collections import Counter
from dataclasses import dataclass, field
from http.cookiejar import CookieJar
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

from editor_latency import build_set  # noqa: E402

from workbench.db import upgrade  # noqa: E402

HOST = "127.0.0.1"
ROWS = 30
KINDS = ("page", "json", "edit")
CSRF_META = re.compile(rb'<meta\s+name="csrf-token"\s+content="([^"]+)"')
SAMPLES = 25  # failing requests kept to print, of each sort (5xx, other 4xx, no answer)
HEAD = re.compile(rb"<head\b.*?</head>|<script\b.*?</script>", re.S | re.I)
TAG = re.compile(rb"<[^>]+>")


def excerpt(body: bytes) -> str:
    """An answer's text for a person: a page without its head and tags, 300 characters."""
    if body.lstrip()[:1] == b"<":
        body = TAG.sub(b" ", HEAD.sub(b" ", body))
    return " ".join(html.unescape(body.decode("utf-8", "replace")).split())[:300]


QUEUE_WARNING = re.compile(r"WARNING:waitress\.queue:Task queue depth is (\d+)")


def serve_defaults() -> dict[str, Any]:
    """The ``serve`` command's own defaults (threads, connection limit, channel timeout)."""
    from workbench.cli import serve

    return {p.name: p.default for p in serve.params if p.name}


@dataclass
class Stats:
    """What all clients saw, shared under a lock."""

    start: float
    lock: threading.Lock = field(default_factory=threading.Lock)
    latencies: dict[str, list[float]] = field(
        default_factory=lambda: {kind: [] for kind in KINDS})
    statuses: dict[str, Counter[int]] = field(
        default_factory=lambda: {kind: Counter() for kind in KINDS})
    errors: Counter[str] = field(default_factory=Counter)
    samples: list[dict[str, Any]] = field(default_factory=list)
    sampled: Counter[str] = field(default_factory=Counter)
    # edits answered 200: (the revision they made, the row, its status after them)
    acknowledged: list[tuple[int, int, str]] = field(default_factory=list)

    def acknowledge(self, revision: int, row_id: int, status: str) -> None:
        with self.lock:
            self.acknowledged.append((revision, row_id, status))

    def _keep(self, sort: str) -> bool:
        self.sampled[sort] += 1
        return self.sampled[sort] <= SAMPLES

    def answered(self, kind: str, method: str, path: str, status: int, seconds: float,
                 body: bytes) -> None:
        with self.lock:
            self.latencies[kind].append(seconds)
            self.statuses[kind][status] += 1
            sort = "5xx" if status >= 500 else "4xx" if status >= 400 and status != 409 else ""
            if sort and self._keep(sort):
                self.samples.append({
                    "at_s": round(time.monotonic() - self.start, 3), "kind": kind,
                    "request": f"{method} {path}", "status": status,
                    "ms": round(seconds * 1000, 1),
                    "body": excerpt(body),
                })

    def failed(self, kind: str, method: str, path: str, error: BaseException,
               seconds: float) -> None:
        with self.lock:
            self.errors[kind] += 1
            if self._keep("error"):
                self.samples.append({
                    "at_s": round(time.monotonic() - self.start, 3), "kind": kind,
                    "request": f"{method} {path}", "status": None,
                    "ms": round(seconds * 1000, 1), "error": repr(error),
                })


class _Answer:
    """What ``CookieJar.extract_cookies`` reads of an answer (``info()``: its headers)."""

    def __init__(self, response: http.client.HTTPResponse) -> None:
        self.response = response

    def info(self) -> http.client.HTTPMessage:
        return self.response.msg


class Client:
    """One user: a keep-alive connection to the server and a cookie jar of its own."""

    def __init__(self, port: int, timeout: float, stats: Stats | None) -> None:
        self.port = port
        self.timeout = timeout
        self.stats = stats
        self.jar = CookieJar()
        self.connection: http.client.HTTPConnection | None = None
        self.token: str | None = None

    def close(self) -> None:
        if self.connection is not None:
            self.connection.close()
            self.connection = None

    def request(self, kind: str, method: str, path: str,
                form: dict[str, object] | None = None) -> tuple[int, bytes] | None:
        """Send one request; (status, body), or None after a connection error or timeout."""
        url = f"http://{HOST}:{self.port}{path}"
        body = urlencode(form).encode() if form is not None else None
        headers = {"Accept": "text/html,application/json;q=0.9"}
        if method == "POST":
            headers.update({
                "Content-Type": "application/x-www-form-urlencoded",
                "X-CSRFToken": self.token or "",
                "HX-Request": "true",
                "Origin": f"http://{HOST}:{self.port}",  # the workbench's own page
            })
        jar_request = urllib.request.Request(url, method=method)
        self.jar.add_cookie_header(jar_request)
        cookie = jar_request.get_header("Cookie")
        if cookie:
            headers["Cookie"] = cookie
        start = time.monotonic()
        try:
            if self.connection is None:
                self.connection = http.client.HTTPConnection(HOST, self.port,
                                                             timeout=self.timeout)
            self.connection.request(method, path, body=body, headers=headers)
            response = self.connection.getresponse()
            data = response.read()
        except (OSError, http.client.HTTPException) as error:
            self.close()
            if self.stats is not None:
                self.stats.failed(kind, method, path, error, time.monotonic() - start)
            return None
        seconds = time.monotonic() - start
        self.jar.extract_cookies(_Answer(response), jar_request)  # type: ignore[arg-type]
        if response.will_close:
            self.close()
        if self.stats is not None:
            self.stats.answered(kind, method, path, response.status, seconds, data)
        return response.status, data

    def open_page(self, set_id: int) -> None:
        answer = self.request("page", "GET", f"/sets/{set_id}/edit")
        if answer and answer[0] == 200:
            found = CSRF_META.search(answer[1])
            if found:
                self.token = found.group(1).decode()

    def read_json(self, set_id: int) -> dict[str, Any] | None:
        answer = self.request("json", "GET", f"/sets/{set_id}.json")
        if not answer or answer[0] != 200:
            return None
        try:
            return json.loads(answer[1])  # type: ignore[no-any-return]
        except ValueError:
            return None

    def edit(self, set_id: int, rng: random.Random) -> None:
        state = self.read_json(set_id)
        if not state or not state.get("rows"):
            return
        row = rng.choice(state["rows"])
        # The opposite of the row's status at that revision: at that revision, never refused.
        confirmed = "0" if row["status"] == "confirmed" else "1"
        answer = self.request("edit", "POST", f"/sets/{set_id}/edit/confirm", {
            "revision": state["revision"], "row": row["id"], "confirmed": confirmed,
            "langs": ",".join(state.get("languages", [])),
        })
        if answer is not None and answer[0] == 200 and self.stats is not None:
            # the edit claimed the revision after the one it was made on
            self.stats.acknowledge(int(state["revision"]) + 1, int(row["id"]),
                                   "confirmed" if confirmed == "1" else "auto")


def run_client(client: Client, set_id: int, deadline: float, edit_share: float,
               seed: int) -> None:
    rng = random.Random(seed)
    read_page = (1.0 - edit_share) / 2
    try:
        while time.monotonic() < deadline:
            if client.token is None:  # the first page (again, after it failed)
                client.open_page(set_id)
                if client.token is None:
                    time.sleep(0.2)
                continue
            draw = rng.random()
            if draw < edit_share:
                client.edit(set_id, rng)
            elif draw < edit_share + read_page:
                client.open_page(set_id)
            else:
                client.read_json(set_id)
    finally:
        client.close()


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind((HOST, 0))
        return int(probe.getsockname()[1])


def wait_for_server(process: subprocess.Popen[bytes], port: int, set_id: int,
                    limit: float) -> dict[str, Any]:
    """The set's JSON once the server answers; RuntimeError when it died or never answered."""
    deadline = time.monotonic() + limit
    probe = Client(port, timeout=5.0, stats=None)
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"the server stopped at start (exit status {process.returncode})")
        state = probe.read_json(set_id)
        probe.close()
        if state is not None:
            return state
        time.sleep(0.2)
    raise RuntimeError(f"the server did not answer within {limit:.0f} s")


def stop_server(process: subprocess.Popen[bytes]) -> int | None:
    """Ctrl+C as a person would, then terminate, then kill; the exit status."""
    if process.poll() is None:
        process.send_signal(signal.SIGINT)
        try:
            return process.wait(10)
        except subprocess.TimeoutExpired:
            process.terminate()
        try:
            return process.wait(5)
        except subprocess.TimeoutExpired:
            process.kill()
            return process.wait(5)
    return process.returncode


def cpu_seconds(pid: int) -> float | None:
    """User + system CPU seconds of a process so far (Linux /proc; None elsewhere)."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rpartition(")")[2].split()
        return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")
    except (OSError, ValueError, IndexError):
        return None


def server_output(text: str) -> dict[str, Any]:
    """The server's output: waitress's queue warnings counted (one a request that waited
    for a free thread), the other lines kept (the start lines, tracebacks)."""
    depths = [int(m.group(1)) for m in QUEUE_WARNING.finditer(text)]
    other = [line for line in text.splitlines() if line and not QUEUE_WARNING.match(line)]
    return {"queue_warnings": len(depths), "deepest_queue": max(depths, default=0),
            "other_lines": len(other), "other_tail": "\n".join(other[-120:])}


def percentile(ordered: list[float], share: float) -> float:
    """Nearest-rank percentile of a sorted list (0 when empty)."""
    if not ordered:
        return 0.0
    return ordered[max(0, min(len(ordered) - 1, math.ceil(share * len(ordered)) - 1))]


def lost_rows(acknowledged: list[tuple[int, int, str]],
              stored: dict[int, str] | None) -> list[dict[str, Any]] | None:
    """The rows not in the database as the last edit acknowledged on them left them."""
    if stored is None:
        return None
    last: dict[int, tuple[int, str]] = {}
    for revision, row_id, status in acknowledged:
        if row_id not in last or revision > last[row_id][0]:
            last[row_id] = (revision, status)
    return [{"row": row_id, "revision": revision, "acknowledged": status,
             "stored": stored.get(row_id)}
            for row_id, (revision, status) in sorted(last.items())
            if stored.get(row_id) != status]


def stored_statuses(database_url: str, set_id: int) -> dict[int, str] | None:
    """Each row's status as the database holds it at the end (read directly)."""
    from sqlalchemy import select

    from workbench.db import session_scope
    from workbench.models import Row

    try:
        with session_scope(database_url) as session:
            return dict(session.execute(  # type: ignore[arg-type]
                select(Row.id, Row.status).where(Row.set_id == set_id)).all())
    except Exception as error:  # noqa: BLE001 (reported, and the run fails)
        print(f"load: the rows could not be read at the end: {error}", file=sys.stderr)
        return None


def summary(stats: Stats, elapsed: float, clients: int, seconds: float,
            options: dict[str, Any], command: list[str], revisions: tuple[int, int | None],
            stuck: int, stored: dict[int, str] | None = None) -> dict[str, Any]:
    kinds: dict[str, dict[str, Any]] = {}
    totals: Counter[str] = Counter()
    for kind in KINDS:
        ordered = sorted(stats.latencies[kind])
        codes = stats.statuses[kind]
        counts = {
            "200": codes[200],
            "409": codes[409],
            "other_2xx_3xx": sum(n for c, n in codes.items() if c < 400 and c != 200),
            "4xx": sum(n for c, n in codes.items() if 400 <= c < 500 and c != 409),
            "5xx": sum(n for c, n in codes.items() if c >= 500),
            "errors": stats.errors[kind],
        }
        totals.update(counts)
        kinds[kind] = {
            "requests": len(ordered) + stats.errors[kind],
            "p50_ms": round(percentile(ordered, 0.50) * 1000, 1),
            "p95_ms": round(percentile(ordered, 0.95) * 1000, 1),
            "max_ms": round((ordered[-1] if ordered else 0.0) * 1000, 1),
            **counts,
            "statuses": {str(c): n for c, n in sorted(codes.items())},
        }
    answered = sum(len(v) for v in stats.latencies.values())
    initial, final = revisions
    edits_ok = kinds["edit"]["200"]
    moved = None if final is None else final - initial
    lost = None if moved is None else moved - edits_ok
    every = sorted(t for v in stats.latencies.values() for t in v)
    rows_lost = lost_rows(stats.acknowledged, stored)
    return {
        "clients": clients,
        "seconds": seconds,
        "elapsed_s": round(elapsed, 2),
        "requests": answered + sum(stats.errors.values()),
        "requests_per_s": round(answered / elapsed, 1) if elapsed > 0 else 0.0,
        "p50_ms": round(percentile(every, 0.50) * 1000, 1),
        "p95_ms": round(percentile(every, 0.95) * 1000, 1),
        "lost_edits": rows_lost,
        "kinds": kinds,
        "totals": dict(totals),
        "clients_still_waiting_at_end": stuck,
        "revision": {"start": initial, "end": final, "moved": moved, "edits_200": edits_ok,
                     "difference": lost},
        "server": {"options": options, "command": " ".join(command)},
        "failed_requests": stats.samples,
    }


def print_text(result: dict[str, Any]) -> None:
    server = result["server"]
    options = ", ".join(f"--{k.replace('_', '-')} {v}" for k, v in server["options"].items())
    print(f"server: {server['command']}")
    print(f"server options: {options} (serve's defaults unless passed)")
    print(f"database: {result['database_url']}")
    print(f"load: {result['clients']} clients for {result['seconds']:g} s "
          f"(ran {result['elapsed_s']:.1f} s), 127.0.0.1, one {ROWS}-row set, no pause "
          "between requests")
    print(f"requests: {result['requests']}, {result['requests_per_s']:.1f} answered/s overall")
    cpu = result["cpu_s"]
    print(f"CPU seconds during the load: server {cpu['server']}, clients (this process) "
          f"{cpu['clients']}, on {cpu['cores']} cores")
    print()
    head = ("kind", "requests", "p50 ms", "p95 ms", "max ms", "200", "409", "4xx", "5xx",
            "errors")
    print(f"{head[0]:<6}" + "".join(f"{h:>10}" for h in head[1:]))
    for kind, k in result["kinds"].items():
        cells = (k["requests"], k["p50_ms"], k["p95_ms"], k["max_ms"], k["200"], k["409"],
                 k["4xx"], k["5xx"], k["errors"])
        print(f"{kind:<6}" + "".join(f"{c:>10}" for c in cells))
    t = result["totals"]
    print(f"{'all':<6}{result['requests']:>10}{'':>30}" + "".join(
        f"{t[c]:>10}" for c in ("200", "409", "4xx", "5xx", "errors")))
    other = t.get("other_2xx_3xx", 0)
    if other:
        print(f"(other 2xx/3xx answers: {other})")
    out = server.get("output", {})
    print(f"server output: {out.get('queue_warnings', 0)} waitress queue warnings (a request "
          f"waiting for a thread; deepest queue {out.get('deepest_queue', 0)}), "
          f"{out.get('other_lines', 0)} other lines")
    r = result["revision"]
    print()
    print(f"edits answered 200: {r['edits_200']}; set revision {r['start']} -> {r['end']} "
          f"(moved {r['moved']}); difference (lost edits): {r['difference']}")
    lost = result["lost_edits"]
    print("rows not as their last acknowledged edit left them (lost edits): "
          + ("could not be read" if lost is None else str(len(lost))))
    for row in (lost or [])[:SAMPLES]:
        print("  " + json.dumps(row))
    t = result["totals"]
    print()
    print(f"summary ({result['database']}): {result['requests']} requests, "
          f"{t['5xx'] + t['errors']} errors (5xx or no answer), {t['4xx']} other 4xx, "
          f"{t['409']} 409 (stale), lost edits "
          f"{'?' if lost is None else len(lost) + abs(r['difference'] or 0)}, "
          f"median {result['p50_ms']} ms, p95 {result['p95_ms']} ms")
    if result["clients_still_waiting_at_end"]:
        print(f"clients still waiting for an answer at the end: "
              f"{result['clients_still_waiting_at_end']}")


def main(argv: list[str] | None = None) -> int:
    defaults = serve_defaults()
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--clients", type=int, default=100, help="concurrent clients")
    parser.add_argument("--seconds", type=float, default=30.0, help="how long they work")
    parser.add_argument("--threads", type=int, default=None,
                        help=f"serve --threads (default: serve's, {defaults.get('threads')})")
    parser.add_argument("--connection-limit", type=int, default=None,
                        help="serve --connection-limit (default: serve's, "
                             f"{defaults.get('connection_limit')})")
    parser.add_argument("--edit-share", type=float, default=0.15,
                        help="share of actions that edit (the rest: pages and JSON, half each)")
    parser.add_argument("--timeout", type=float, default=30.0, help="seconds per request")
    parser.add_argument("--start-timeout", type=float, default=60.0,
                        help="seconds the server may take to answer at start")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--server-log", type=Path,
                        help="keep the server's output here (default: a temporary file)")
    parser.add_argument("--json", action="store_true", help="print the figures as JSON")
    where = parser.add_mutually_exclusive_group()
    where.add_argument("--database-url", metavar="URL",
                       help="the database to load (SQLAlchemy URL, e.g. "
                            "postgresql://me@127.0.0.1/workbench): migrated, and given one "
                            "new set; default a temporary SQLite file")
    where.add_argument("--postgres", action="store_true",
                       help="start a throw-away PostgreSQL server for the run "
                            "(tests/postgres.py) and load a new database on it")
    args = parser.parse_args(argv)
    if args.clients < 1 or args.seconds <= 0 or not 0 <= args.edit_share <= 1:
        parser.error("--clients >= 1, --seconds > 0 and 0 <= --edit-share <= 1")
    server = None
    given: str | None = None
    if args.postgres:
        try:
            from tests.postgres import PostgresServer, PostgresUnavailable
        except ImportError as error:
            parser.error(f"--postgres needs tests/postgres.py and psycopg: {error}")
        server = PostgresServer()
        try:
            server.start()
        except PostgresUnavailable as error:
            print(f"load: {error}", file=sys.stderr)
            return 1
    try:
        given = server.create_database() if server is not None else args.database_url
        return _run(args, options_from(args, defaults), given)
    finally:
        if server is not None:
            if given:
                server.drop_database(given)
            server.stop()


def options_from(args: argparse.Namespace,
                 defaults: dict[str, Any]) -> tuple[dict[str, Any], list[str]]:
    """The serve options used (serve's defaults unless passed), and those passed."""

    options = {"threads": defaults.get("threads"),
               "connection_limit": defaults.get("connection_limit"),
               "channel_timeout": defaults.get("channel_timeout")}
    passed: list[str] = []
    if args.threads is not None:
        options["threads"] = args.threads
        passed += ["--threads", str(args.threads)]
    if args.connection_limit is not None:
        options["connection_limit"] = args.connection_limit
        passed += ["--connection-limit", str(args.connection_limit)]
    return options, passed


def _shown_url(url: str) -> str:
    from sqlalchemy.engine import make_url

    return make_url(url).render_as_string(hide_password=True)


def _run(args: argparse.Namespace, serving: tuple[dict[str, Any], list[str]],
         given_url: str | None) -> int:
    options, passed = serving
    with tempfile.TemporaryDirectory(prefix="workbench-load-") as folder:
        database_url = given_url or f"sqlite:///{Path(folder) / 'load.sqlite'}"
        upgrade(database_url)
        set_id = build_set(database_url, ROWS)
        port = free_port()
        command = [sys.executable, "-m", "workbench.cli", "serve", "--port", str(port), *passed]
        env = {**os.environ,
               "WORKBENCH_DATABASE_URL": database_url,
               "WORKBENCH_SECRET_KEY": secrets.token_hex(32),  # nothing into instance/
               "PYTHONPATH": os.pathsep.join(filter(None, [str(ROOT),
                                                           os.environ.get("PYTHONPATH")]))}
        log_path = args.server_log or Path(folder) / "server.log"
        with open(log_path, "wb") as log:
            process = subprocess.Popen(command, cwd=folder, env=env, stdout=log,
                                       stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL,
                                       start_new_session=True)
        shown = [Path(command[0]).name, *command[1:]]
        try:
            try:
                initial = int(wait_for_server(process, port, set_id,
                                              args.start_timeout)["revision"])
            except RuntimeError as error:
                print(f"load: {error}; its output:", file=sys.stderr)
                print(log_path.read_text(errors="replace")[-4000:], file=sys.stderr)
                return 1
            server_cpu = cpu_seconds(process.pid)
            own_cpu = time.process_time()
            start = time.monotonic()
            stats = Stats(start=start)
            deadline = start + args.seconds
            threads = [
                threading.Thread(target=run_client, daemon=True,
                                 args=(Client(port, args.timeout, stats), set_id, deadline,
                                       args.edit_share, args.seed * 100_003 + n))
                for n in range(args.clients)
            ]
            for thread in threads:
                thread.start()
            end_by = deadline + args.timeout + 5
            for thread in threads:
                thread.join(max(0.0, end_by - time.monotonic()))
            elapsed = time.monotonic() - start
            stuck = sum(thread.is_alive() for thread in threads)
            own_cpu = time.process_time() - own_cpu
            server_end = cpu_seconds(process.pid)
            server_cpu = (None if server_cpu is None or server_end is None
                          else server_end - server_cpu)
            final_state = Client(port, max(args.timeout, 30.0), stats=None).read_json(set_id)
            final = int(final_state["revision"]) if final_state else None
        finally:
            status = stop_server(process)
        stored = stored_statuses(database_url, set_id)
        from workbench.db import dispose

        dispose(database_url)  # this process's connections, before the database goes
        result = summary(stats, elapsed, args.clients, args.seconds, options, shown,
                         (initial, final), stuck, stored)
        result["database"] = _shown_url(database_url).split("://", 1)[0].split("+")[0]
        result["database_url"] = _shown_url(database_url)
        result["server"]["exit_status"] = status
        result["cpu_s"] = {"server": None if server_cpu is None else round(server_cpu, 1),
                           "clients": round(own_cpu, 1), "cores": os.cpu_count()}
        t = result["totals"]
        failed = bool(t["5xx"] or t["errors"] or stuck or result["revision"]["difference"]
                      or result["lost_edits"] is None or result["lost_edits"])
        output = server_output(log_path.read_text(errors="replace"))
        result["server"]["output"] = {k: v for k, v in output.items() if k != "other_tail"}
        result["server"]["output_tail"] = output["other_tail"] if failed else ""
        if args.server_log:
            result["server"]["log"] = str(args.server_log)

    if args.json:
        print(json.dumps(result, ensure_ascii=False, indent=2))
    else:
        print_text(result)
        if result["failed_requests"]:
            print("\nrequests answered 4xx (not 409), 5xx or with no answer (the first "
                  f"{SAMPLES} of each sort):")
            for sample in result["failed_requests"]:
                print("  " + json.dumps(sample, ensure_ascii=False))
        if failed:
            print("\nthe server's output, but for waitress's queue warnings (end):")
            print(result["server"]["output_tail"])
    if final is None:
        print("load: the set's final revision could not be read", file=sys.stderr)
        return 1
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())

"""Load on a real server over loopback: the production stack (`python -m tawsim.serve`,
or gunicorn with two preloaded workers where that is not there yet) on 127.0.0.1.

1. Steady: 50 annotators, each creating, retyping or deleting a span, or creating or
   deleting an event, every 2 s through the editor's endpoints with the versions the
   server answered; 5 readers opening an editor page every 5 s. 60 s (300 s with --long,
   N with --seconds=N or TAWSIM_BENCH_LOAD_SECONDS=N). Then the database must hold exactly what the clients
   were told: 0 errors, 0 lost and 0 phantom writes.
2. Saturation: writers with no pause, 4, 8 then 16 of them, 8 s each: the most writes
   per second held with p95 under 250 ms.
3. Two reviewers writing one gold set at once: stale versions get 409 and nothing is lost.
Also the idle memory (PSS) of the web server and job worker processes, and in process,
a span created through the REST API against the editor endpoint."""
from __future__ import annotations

import http.client
import logging
import os
import random
import re
import statistics
import subprocess
import sys
import threading
import time
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import quote, urlencode

from tests.bench.common import arabic_text, p95_ms, report, setup_django

ROOT = Path(__file__).resolve().parents[2]
HOST = "127.0.0.1"
ANNOTATORS = 50
READERS = 5
WRITE_EVERY = 2.0
READ_EVERY = 5.0
SATURATION_STEPS = (4, 8, 16)
SATURATION_SECONDS = 8
SHARED_SECONDS = 10
VERSION = re.compile(r'data-set-version="(\d+)"')
SELECTED_SPAN = re.compile(r'data-select="(\d+)"')
SELECTED_EVENT = re.compile(r'id="event-panel"[^>]*?data-ev="(\d+)"')
CSRF = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')


def main() -> None:
    setup_django()
    seconds = steady_seconds(sys.argv[1:])
    world = World.build()
    server = Server(world.database_url)
    figures = {}
    try:
        server.start()
        for user in world.annotators + world.readers + world.reviewers:
            user.open_editor()  # a browser's first page: session, CSRF token, version
        figures["load_idle_pss_mb"] = {"value": server.pss_mb(), "unit": "MiB", "goal": "< 400 (web + job worker)"}
        figures["load_server_processes"] = {"value": len(server.processes()), "unit": "", "goal": ""}
        figures.update(steady(world, seconds))
        figures.update(saturation(world))
        figures.update(shared_set(world))
        figures["load_pss_after_mb"] = {"value": server.pss_mb(), "unit": "MiB", "goal": ""}
    finally:
        server.stop()
    figures.update(in_process(world))
    report(figures)


def steady_seconds(args: list[str]) -> int:
    """How long the steady step runs: --seconds=N, else TAWSIM_BENCH_LOAD_SECONDS, else
    300 with --long, else 60."""
    for arg in args:
        if arg.startswith("--seconds="):
            return int(arg.split("=", 1)[1])
    return int(os.environ.get("TAWSIM_BENCH_LOAD_SECONDS") or (300 if "--long" in args else 60))


# --- the world: users, documents, sessions --------------------------------------------

@dataclass
class Mark:
    kind: str  # span | event
    key: str
    start: int
    end: int


@dataclass
class Client:
    """One simulated browser: a session cookie, a CSRF token, its set and its version."""

    username: str
    session: str
    document_url: str
    set_id: int
    words: list[tuple[int, int]]
    version: int = 0
    csrf: str = ""
    csrf_cookie: str = ""
    marks: dict[int, Mark] = field(default_factory=dict)  # id -> what the server confirmed
    conn: http.client.HTTPConnection | None = None

    def request(self, method: str, path: str, data: dict | None = None) -> tuple[int, str, float]:
        if self.conn is None:
            self.conn = http.client.HTTPConnection(HOST, Server.port, timeout=60)
        cookies = f"sessionid={self.session}" + (f"; csrftoken={self.csrf_cookie}" if self.csrf_cookie else "")
        headers = {"Cookie": cookies, "Host": f"{HOST}:{Server.port}"}
        body = None
        if data is not None:
            body = urlencode(data)
            headers.update({"Content-Type": "application/x-www-form-urlencoded", "X-CSRFToken": self.csrf,
                            "HX-Request": "true"})
        started = time.perf_counter()
        try:
            self.conn.request(method, path, body=body, headers=headers)
            response = self.conn.getresponse()
            text = response.read().decode("utf-8", "replace")
        except (OSError, http.client.HTTPException):
            self.conn.close()
            self.conn = None
            return 0, "", time.perf_counter() - started
        elapsed = time.perf_counter() - started
        for name, value in response.getheaders():
            if name.lower() == "set-cookie" and value.startswith("csrftoken="):
                self.csrf_cookie = value.split(";", 1)[0].split("=", 1)[1]
        return response.status, text, elapsed

    def open_editor(self) -> tuple[int, float]:
        status, html, elapsed = self.request("GET", self.document_url)
        if status == 200:
            token = CSRF.search(html)
            self.csrf = token.group(1) if token else self.csrf
            version = VERSION.search(html)
            self.version = int(version.group(1)) if version else self.version
        return status, elapsed

    def free_word(self, rng: random.Random) -> tuple[int, int] | None:
        taken = {(m.start, m.end) for m in self.marks.values()}
        free = [w for w in self.words if w not in taken]
        return rng.choice(free) if free else None

    def act(self, rng: random.Random, entity_types: list[str], event_types: list[str]) -> tuple[int, float]:
        """One editor action with the version last answered; the confirmed marks follow."""
        spans = [i for i, m in self.marks.items() if m.kind == "span"]
        events = [i for i, m in self.marks.items() if m.kind == "event"]
        roll = rng.random()
        if roll < 0.4 or not spans:
            word = self.free_word(rng)
            if word is None:
                return self._delete(rng.choice(spans), "span")
            kind = "event" if rng.random() < 0.25 else "span"
            key = rng.choice(event_types if kind == "event" else entity_types)
            path = f"/sets/{self.set_id}/{'events' if kind == 'event' else 'spans'}/"
            status, html, elapsed = self.request(
                "POST", path, {"type": key, "start": word[0], "end": word[1], "version": self.version})
            if status == 200:
                found = (SELECTED_EVENT if kind == "event" else SELECTED_SPAN).search(html)
                self.marks[int(found.group(1))] = Mark(kind, key, *word)
            return self._answered(status, html, elapsed)
        if roll < 0.7:
            span_id = rng.choice(spans)
            key = rng.choice([k for k in entity_types if k != self.marks[span_id].key])
            status, html, elapsed = self.request(
                "POST", f"/spans/{span_id}/type/", {"type": key, "version": self.version})
            if status == 200:
                self.marks[span_id].key = key
            return self._answered(status, html, elapsed)
        if events and roll < 0.8:
            return self._delete(rng.choice(events), "event")
        return self._delete(rng.choice(spans), "span")

    def _delete(self, mark_id: int, kind: str) -> tuple[int, float]:
        status, html, elapsed = self.request("POST", f"/{kind}s/{mark_id}/delete/", {"version": self.version})
        if status == 200:
            del self.marks[mark_id]
        return self._answered(status, html, elapsed)

    def _answered(self, status: int, html: str, elapsed: float) -> tuple[int, float]:
        version = VERSION.search(html)
        if status == 200 and version:
            self.version = int(version.group(1))
        return status, elapsed


@dataclass
class World:
    project: object
    annotators: list[Client]
    readers: list[Client]
    reviewers: list[Client]
    entity_types: list[str]
    event_types: list[str]
    database_url: str

    @classmethod
    def build(cls) -> World:
        from django.conf import settings
        from django.contrib.auth import get_user_model
        from django.db import connection

        from annotate import services
        from annotate.models import AnnotationSet, SetKind, Span
        from corpus.formats.base import DocumentRecord
        from corpus.importing import add_documents
        from corpus.models import Membership, Role
        from corpus.presets import create_project_from_preset

        rng = random.Random(21)
        project = create_project_from_preset("bench load", slug="bench-load")
        count = ANNOTATORS + READERS + 1
        add_documents(project, [
            DocumentRecord(text=f"{n} " + arabic_text(rng, 1500), external_id=f"load-{n}") for n in range(count)
        ])
        documents = list(project.documents.order_by("order"))
        User = get_user_model()
        clients = []
        for n, document in enumerate(documents[:-1]):
            user = User.objects.create_user(f"load-{n}", password="x")
            Membership.objects.create(project=project, user=user, role=Role.ANNOTATOR)
            annotation_set = services.own_set(document, user)
            clients.append(_client(user, project, document, annotation_set))
        shared_document = documents[-1]
        gold = AnnotationSet.objects.create(document=shared_document, kind=SetKind.GOLD)
        reviewers = []
        for n in range(2):
            user = User.objects.create_user(f"load-reviewer-{n}", password="x")
            Membership.objects.create(project=project, user=user, role=Role.REVIEWER)
            reviewers.append(_client(user, project, shared_document, gold))
        # Readers open documents with 100 marks already there.
        readers = clients[ANNOTATORS:]
        entity_types = list(project.entity_types.values_list("key", flat=True))
        types = list(project.entity_types.all())
        Span.objects.bulk_create([
            Span(set_id=reader.set_id, entity_type=rng.choice(types), start=start, end=end)
            for reader in readers for start, end in rng.sample(reader.words, 100)
        ])
        db = connection.settings_dict
        host = quote(db["HOST"], safe="") if db["HOST"].startswith("/") else db["HOST"]
        url = f"postgresql://{db['USER']}@{host}:{db['PORT'] or 5432}/{db['NAME']}"
        assert "sessions" in settings.SESSION_ENGINE
        return cls(project, clients[:ANNOTATORS], readers, reviewers, entity_types,
                   list(project.event_types.values_list("key", flat=True)), url)


def _client(user, project, document, annotation_set) -> Client:
    from importlib import import_module

    from django.conf import settings
    from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
    from django.urls import reverse

    session = import_module(settings.SESSION_ENGINE).SessionStore()
    backend = settings.AUTHENTICATION_BACKENDS[0]
    session.update({SESSION_KEY: str(user.pk), BACKEND_SESSION_KEY: backend,
                    HASH_SESSION_KEY: user.get_session_auth_hash()})
    session.save()
    # Words the editor keeps as marked: one starting with a clitic letter (و ف ب ل ك) may be
    # snapped to the word after it, and the client would then expect other offsets.
    words = [(m.start(), m.end()) for m in re.finditer(r"(?<!\S)[\u0621-\u064A]{3,}(?!\S)", document.text)
             if document.text[m.start()] not in "وفبلك"]
    url = reverse("editor", args=[project.slug, document.pk])
    return Client(user.username, session.session_key, url, annotation_set.pk, words)


# --- the server -------------------------------------------------------------------------

class Server:
    port = 0

    def __init__(self, database_url: str):
        self.database_url = database_url
        self.process: subprocess.Popen | None = None
        self.log = ROOT / "var" / "bench-load-server.log"

    def start(self) -> None:
        import socket

        from django.urls import reverse

        with socket.socket() as probe:  # a free port on the loopback
            probe.bind((HOST, 0))
            Server.port = probe.getsockname()[1]
        env = dict(os.environ, DATABASE_URL=self.database_url, HOST=HOST, PORT=str(Server.port),
                   ALLOWED_HOSTS=HOST, DEBUG="0")
        if (ROOT / "tawsim" / "serve.py").exists():
            command = [sys.executable, "-m", "tawsim.serve"]
        else:
            command = [sys.executable, "-m", "gunicorn", "tawsim.wsgi", "-w", "2", "--preload",
                       "-b", f"{HOST}:{Server.port}"]
        self.log.parent.mkdir(exist_ok=True)
        self.process = subprocess.Popen(command, cwd=ROOT, env=env, stdout=open(self.log, "w"),
                                        stderr=subprocess.STDOUT, start_new_session=True)
        deadline = time.monotonic() + 120
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"the server exited; see {self.log}")
            try:
                connection = http.client.HTTPConnection(HOST, Server.port, timeout=5)
                connection.request("GET", reverse("login"))
                if connection.getresponse().status < 500:
                    time.sleep(2)  # the job worker and the rest of the workers
                    return
            except OSError:
                time.sleep(0.5)
        raise RuntimeError("the server did not answer within 120 s")

    def stop(self) -> None:
        if self.process is None or self.process.poll() is not None:
            return
        self.process.terminate()  # serve (or gunicorn's master) stops its own children
        try:
            self.process.wait(60)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()

    def processes(self) -> list[int]:
        """The server's process and all its descendants."""
        children: dict[int, list[int]] = {}
        for entry in Path("/proc").iterdir():
            if entry.name.isdigit():
                try:
                    fields = (entry / "stat").read_text().rsplit(")", 1)[1].split()
                except OSError:
                    continue
                children.setdefault(int(fields[1]), []).append(int(entry.name))
        found, todo = [], [self.process.pid]
        while todo:
            pid = todo.pop()
            found.append(pid)
            todo += children.get(pid, [])
        return found

    def pss_mb(self) -> float:
        """Proportional set size summed over the server's processes: shared pages counted
        once in total, as the machine pays for them."""
        total = 0
        for pid in self.processes():
            try:
                for line in Path(f"/proc/{pid}/smaps_rollup").read_text().splitlines():
                    if line.startswith("Pss:"):
                        total += int(line.split()[1])
            except OSError:
                continue
        return total / 1024


# --- the steps --------------------------------------------------------------------------

def steady(world: World, seconds: int) -> dict:
    writes, pages, errors = [], [], []
    stop_at = time.monotonic() + seconds
    lock = threading.Lock()

    def annotator(client: Client, seed: int) -> None:
        rng = random.Random(seed)
        next_at = time.monotonic() + rng.uniform(0, WRITE_EVERY)
        while True:
            time.sleep(max(0.0, next_at - time.monotonic()))
            if time.monotonic() >= stop_at:
                return
            status, elapsed = client.act(rng, world.entity_types, world.event_types)
            with lock:
                (writes if status == 200 else errors).append((status, elapsed))
            next_at += WRITE_EVERY

    def reader(client: Client, seed: int) -> None:
        rng = random.Random(seed)
        next_at = time.monotonic() + rng.uniform(0, READ_EVERY)
        while True:
            time.sleep(max(0.0, next_at - time.monotonic()))
            if time.monotonic() >= stop_at:
                return
            status, elapsed = client.open_editor()
            with lock:
                (pages if status == 200 else errors).append((status, elapsed))
            next_at += READ_EVERY

    load_before = os.getloadavg()[0]
    threads = [threading.Thread(target=annotator, args=(c, n)) for n, c in enumerate(world.annotators)]
    threads += [threading.Thread(target=reader, args=(c, 1000 + n)) for n, c in enumerate(world.readers)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    lost, phantom = verify(world.annotators)
    write_times = [e for _s, e in writes]
    page_times = [e for _s, e in pages]
    goal_writes = seconds * ANNOTATORS / WRITE_EVERY
    return {
        "load_steady_seconds": {"value": seconds, "unit": "s", "goal": "300 for the README"},
        "load_steady_writes": {"value": len(writes), "unit": "writes", "goal": f"~{goal_writes:.0f}"},
        "load_steady_errors": {"value": len(errors), "unit": "", "goal": "0"},
        "load_steady_lost_writes": {"value": lost, "unit": "", "goal": "0"},
        "load_steady_phantom_writes": {"value": phantom, "unit": "", "goal": "0"},
        "load_steady_write_p50": {"value": statistics.median(write_times) * 1000, "unit": "ms", "goal": ""},
        "load_steady_write_p95": {"value": p95_ms(write_times), "unit": "ms", "goal": "< 100"},
        "load_steady_page_p95": {"value": p95_ms(page_times), "unit": "ms", "goal": "< 300"},
        "load_steady_load_avg": {"value": max(load_before, os.getloadavg()[0]), "unit": "", "goal": "(2 cores)"},
    }


def verify(clients: list[Client]) -> tuple[int, int]:
    """What each client was told it holds against what its set holds: (lost, phantom)."""
    from annotate.models import AnnotationSet, Event, Span

    lost = phantom = 0
    for client in clients:
        expected = {(i, m.kind, m.key, m.start, m.end) for i, m in client.marks.items()}
        stored = {(i, "span", key, s, e) for i, key, s, e in Span.objects.filter(set_id=client.set_id)
                  .values_list("pk", "entity_type__key", "start", "end")}
        stored |= {(i, "event", key, s, e) for i, key, s, e in Event.objects.filter(set_id=client.set_id)
                   .values_list("pk", "event_type__key", "trigger_start", "trigger_end")}
        lost += len(expected - stored)
        phantom += len(stored - expected)
        if expected != stored:
            print(f"{client.username}: lost {sorted(expected - stored)}, phantom {sorted(stored - expected)}",
                  file=sys.stderr)
        if AnnotationSet.objects.get(pk=client.set_id).version != client.version:
            phantom += 1  # a write the client never heard of
    return lost, phantom


def saturation(world: World) -> dict:
    """Closed loop: each writer sends its next write as soon as the last is answered."""
    best, results = 0.0, {}
    for writers in SATURATION_STEPS:
        clients = world.annotators[:writers]
        times, failures = [], []
        stop_at = time.monotonic() + SATURATION_SECONDS
        threads = [threading.Thread(target=_write_flat_out, args=(world, c, 5000 + n, stop_at, times, failures))
                   for n, c in enumerate(clients)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        rate = len(times) / SATURATION_SECONDS
        p95 = p95_ms(times) if len(times) > 1 else float("inf")
        results[writers] = (rate, p95, len(failures))
        if p95 < 250:
            best = max(best, rate)
    lost, phantom = verify(world.annotators)
    figures = {"load_saturation_writes_per_s": {"value": best, "unit": "writes/s", "goal": "p95 < 250 ms"}}
    for writers, (rate, p95, failed) in results.items():
        figures[f"load_saturation_{writers}_writers_per_s"] = {"value": rate, "unit": "writes/s", "goal": ""}
        figures[f"load_saturation_{writers}_writers_p95"] = {"value": p95, "unit": "ms", "goal": ""}
        figures[f"load_saturation_{writers}_writers_errors"] = {"value": failed, "unit": "", "goal": "0"}
    figures["load_saturation_lost_or_phantom"] = {"value": lost + phantom, "unit": "", "goal": "0"}
    return figures


_lock = threading.Lock()


def _write_flat_out(world: World, client: Client, seed: int, stop_at: float, times: list, failures: list) -> None:
    rng = random.Random(seed)
    while time.monotonic() < stop_at:
        status, elapsed = client.act(rng, world.entity_types, world.event_types)
        with _lock:
            (times if status == 200 else failures).append(elapsed)


def shared_set(world: World) -> dict:
    """Two reviewers marking one gold set as fast as they can, each with the version it
    last heard: the stale one gets 409, reloads and goes on. Afterwards the set holds
    exactly the marks some reviewer was told were made (none lost, none twice)."""
    from annotate.models import Span

    first, second = world.reviewers
    for reviewer in (first, second):
        reviewer.open_editor()
    confirmed: dict[int, Mark] = {}
    counts = {"ok": 0, "conflict": 0, "other": 0}
    refusals: Counter = Counter()  # the other answers, by status
    examples: dict[int, str] = {}  # what the first of each said
    lock = threading.Lock()
    stop_at = time.monotonic() + SHARED_SECONDS

    def work(reviewer: Client, seed: int) -> None:
        rng = random.Random(seed)
        while time.monotonic() < stop_at:
            with lock:
                taken = {(m.start, m.end) for m in confirmed.values()}
            free = [w for w in reviewer.words if w not in taken]
            if not free:
                return
            start, end = rng.choice(free)
            key = rng.choice(world.entity_types)
            status, html, _elapsed = reviewer.request(
                "POST", f"/sets/{reviewer.set_id}/spans/",
                {"type": key, "start": start, "end": end, "version": reviewer.version})
            with lock:
                if status == 200:
                    counts["ok"] += 1
                    confirmed[int(SELECTED_SPAN.search(html).group(1))] = Mark("span", key, start, end)
                    reviewer.version = int(VERSION.search(html).group(1))
                elif status == 409:
                    counts["conflict"] += 1
                else:
                    counts["other"] += 1
                    refusals[status] += 1
                    examples.setdefault(status, " ".join(re.sub(r"<[^>]+>", " ", html).split())[:200])
            if status == 409:
                reviewer.open_editor()  # "Reload the latest version"

    threads = [threading.Thread(target=work, args=(r, 9000 + n)) for n, r in enumerate((first, second))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    stored = {(i, key, s, e) for i, key, s, e in Span.objects.filter(set_id=first.set_id)
              .values_list("pk", "entity_type__key", "start", "end")}
    expected = {(i, m.key, m.start, m.end) for i, m in confirmed.items()}
    if expected != stored:
        print(f"shared set: lost {sorted(expected - stored)}, phantom {sorted(stored - expected)}", file=sys.stderr)
    if refusals:
        print(f"shared set: other answers by status {dict(refusals)}: {examples}", file=sys.stderr)
    return {
        "load_shared_set_writes": {"value": counts["ok"], "unit": "writes", "goal": ""},
        "load_shared_set_409s": {"value": counts["conflict"], "unit": "", "goal": "> 0"},
        "load_shared_set_other_errors": {"value": counts["other"], "unit": "", "goal": "0"},
        "load_shared_set_lost_or_phantom": {"value": len(expected ^ stored), "unit": "", "goal": "0"},
    }


def in_process(world: World) -> dict:
    """Server time for one span create, Django's test client: REST API against the editor."""
    from django.contrib.auth import get_user_model
    from django.test import Client as TestClient

    from annotate.models import AnnotationSet

    logging.getLogger("tawsim.requests").setLevel(logging.WARNING)  # one line per request: not here
    client = world.annotators[0]
    user = get_user_model().objects.get(username=client.username)
    test_client = TestClient()
    test_client.force_login(user)
    annotation_set = AnnotationSet.objects.get(pk=client.set_id)
    free = [w for w in client.words if w not in {(m.start, m.end) for m in client.marks.values()}]
    editor_url, api_url = f"/sets/{annotation_set.pk}/spans/", f"/api/sets/{annotation_set.pk}/spans/"
    posts = {
        "editor": lambda data: test_client.post(editor_url, {**data, "type": "PER"}, HTTP_HX_REQUEST="true"),
        "api": lambda data: test_client.post(api_url, {**data, "entity_type": "PER"}, content_type="application/json"),
    }
    figures = {}
    for name, post in posts.items():
        samples = []
        for _ in range(40):
            start, end = free.pop()
            annotation_set.refresh_from_db(fields=["version"])
            data = {"start": start, "end": end, "version": annotation_set.version}
            started = time.perf_counter()
            _ok(post(data))
            samples.append(time.perf_counter() - started)
        figures[f"span_create_in_process_{name}_p95"] = {"value": p95_ms(samples), "unit": "ms", "goal": ""}
    return figures


def _ok(response):
    assert response.status_code in (200, 201), (response.status_code, response.content[:300])
    return response


if __name__ == "__main__":
    main()

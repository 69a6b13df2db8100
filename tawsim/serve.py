"""The production stack on one machine: `make serve` and `make run`.

    python -m tawsim.serve [--demo]   collectstatic, then gunicorn and the job worker(s)
    python -m tawsim.serve stop       stop a running `serve`, and the embedded PostgreSQL

Holds the embedded PostgreSQL (when DATABASE_URL is unset) for as long as it runs, and
stops it at the end if no other process still uses it. Restarts a job worker that exits,
with back-off. Stops everything on Ctrl-C or SIGTERM. systemd runs the same commands
for a real server (deploy/).
"""
from __future__ import annotations

import argparse
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

BASE_DIR = Path(__file__).resolve().parent.parent
PID_FILE = BASE_DIR / "var" / "serve.pid"
PGDATA = BASE_DIR / "var" / "pgdata"
MANAGE = [sys.executable, str(BASE_DIR / "manage.py")]
# The job worker (heartbeat, job leases, waits out database outages); run again if it exits.
WORKER = [*MANAGE, "run_worker", "--no-reload"]
GUNICORN = [sys.executable, "-m", "gunicorn", "-c", str(BASE_DIR / "deploy" / "gunicorn.conf.py")]


class Stop(Exception):
    pass


def _stop_signal(signum, frame):
    raise Stop(signal.Signals(signum).name)


def _die_with_parent() -> None:
    """A child gets SIGTERM if this process dies without cleaning up (Linux only)."""
    try:
        import ctypes

        ctypes.CDLL("libc.so.6", use_errno=True).prctl(1, signal.SIGTERM)  # PR_SET_PDEATHSIG
    except (OSError, AttributeError):
        pass


def _start(command: list[str]) -> subprocess.Popen:
    # Own process group: Ctrl-C reaches this process only, which stops the children in order.
    return subprocess.Popen(command, cwd=BASE_DIR, start_new_session=True, preexec_fn=_die_with_parent)


def _terminate(processes: list[subprocess.Popen], wait_seconds: float = 35) -> None:
    for process in processes:
        if process.poll() is None:
            process.terminate()
    deadline = time.monotonic() + wait_seconds
    for process in processes:
        try:
            process.wait(max(0.1, deadline - time.monotonic()))
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


def _hold_embedded_database() -> bool:
    """Start (or join) the embedded PostgreSQL; True when there is one."""
    if os.environ.get("DATABASE_URL", "").strip():
        return False
    from tawsim.database import database_config

    database_config(BASE_DIR)  # registers this process as one of the server's users
    return True


def _release_embedded_database() -> None:
    """Stop the embedded PostgreSQL unless a live process other than this one uses it."""
    from tawsim.database import stop_embedded

    if stop_embedded(PGDATA, ignore_pids={os.getpid()}):
        print("serve: embedded PostgreSQL stopped", file=sys.stderr)


def serve(demo: bool, job_workers: int) -> int:
    for stop_signal in (signal.SIGTERM, signal.SIGINT, signal.SIGHUP):  # HUP: the terminal closed
        signal.signal(stop_signal, _stop_signal)
    children: list[subprocess.Popen] = []
    embedded = False
    try:
        embedded = _hold_embedded_database()
        steps = [["migrate", "--no-input", "-v", "0"], ["collectstatic", "--no-input", "-v", "0"]]
        if demo:
            steps += [["load_demo"], ["demo_annotations"]]
        for step in steps:
            subprocess.run([*MANAGE, *step], cwd=BASE_DIR, check=True)
        PID_FILE.write_text(f"{os.getpid()}\n")
        web = _start(GUNICORN)
        workers = [_start(WORKER) for _ in range(job_workers)]
        children = [web, *workers]
        backoff = [1.0] * job_workers
        started = [time.monotonic()] * job_workers
        while web.poll() is None:
            for i, worker in enumerate(workers):
                if worker.poll() is None:
                    continue
                # Up for a minute: a fresh failure, start again quickly; else wait longer each time.
                backoff[i] = 1.0 if time.monotonic() - started[i] > 60 else min(backoff[i] * 2, 30.0)
                print(f"serve: job worker exited ({worker.returncode}); restarting in {backoff[i]:.0f} s",
                      file=sys.stderr)
                time.sleep(backoff[i])
                workers[i] = _start(WORKER)
                started[i] = time.monotonic()
                children = [web, *workers]
            time.sleep(0.5)
        print(f"serve: the web server exited ({web.returncode})", file=sys.stderr)
        return web.returncode or 1
    except Stop as stop:
        print(f"serve: {stop}: stopping", file=sys.stderr)
        return 0
    except subprocess.CalledProcessError as error:
        return error.returncode or 1
    finally:
        for stop_signal in (signal.SIGTERM, signal.SIGINT, signal.SIGHUP):
            signal.signal(stop_signal, signal.SIG_IGN)  # a second Ctrl-C must not cut the clean-up short
        _terminate(children)
        if PID_FILE.exists() and PID_FILE.read_text().strip() == str(os.getpid()):
            PID_FILE.unlink()
        if embedded:
            _release_embedded_database()


def stop() -> int:
    """Stop a running `serve` (it stops its children and the database), then the embedded
    PostgreSQL if nothing alive uses it."""
    from tawsim.database import stop_embedded

    if PID_FILE.exists():
        pid = int(PID_FILE.read_text().strip() or 0)
        try:
            os.kill(pid, signal.SIGTERM)
            print(f"stop: stopping the server (pid {pid})")
            deadline = time.monotonic() + 60
            while time.monotonic() < deadline:
                os.kill(pid, 0)
                time.sleep(0.2)
        except ProcessLookupError:
            pass
        PID_FILE.unlink(missing_ok=True)
    if stop_embedded(PGDATA):
        print("stop: embedded PostgreSQL stopped")
    return 0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m tawsim.serve", description=__doc__.split("\n\n")[0])
    parser.add_argument("action", nargs="?", choices=["serve", "stop"], default="serve")
    parser.add_argument("--demo", action="store_true", help="load the demo project and its annotations first")
    args = parser.parse_args(argv)
    if args.action == "stop":
        return stop()
    return serve(args.demo, job_workers=int(os.environ.get("TAWSIM_JOB_WORKERS", "1")))


if __name__ == "__main__":
    sys.exit(main())

"""Reindex jobs: started by the publish hook, run in a child process, followed through a status file.

A job is a `kennisbank reindex --job-file F` child process: it runs outside the server's
threads (the per-file time limit needs a main thread, and a crash or kill takes only the
job down), and every server worker can answer "how far is job X" by reading F. The file
is replaced atomically on each update, so a reader never sees half of it.
"""
from __future__ import annotations

import json
import os
import re
import secrets
import subprocess
import sys
import time
from pathlib import Path

JOB_ID = re.compile(r"[0-9a-f]{16}")
STATES = ("wachtend", "bezig", "klaar", "mislukt", "geweigerd")   # queued, running, done, failed, refused
MAX_KEPT_JOBS = 200
START_GRACE_SECONDS = 60        # a job that has not yet written its pid is starting, not dead
_children: list[subprocess.Popen] = []     # reaped when the next job starts, so none lingers as a zombie


def jobs_dir(index_dir: str | Path) -> Path:
    """Where an index's job files live: next to the index path, not inside a generation."""
    index_dir = Path(index_dir).absolute()
    return index_dir.with_name(index_dir.name + ".jobs")


class JobFile:
    """One job's status, as JSON on disk: written by the job, read by the server."""

    def __init__(self, path: str | Path):
        self.path = Path(path)
        try:
            self.status: dict = json.loads(self.path.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            self.status = {}

    def update(self, **fields) -> None:
        """Merge ``fields`` into the status and write it atomically."""
        self.status.update(fields, updated=time.strftime("%Y-%m-%dT%H:%M:%S"))
        temporary = self.path.with_name(self.path.name + ".tmp")
        temporary.write_text(json.dumps(self.status, ensure_ascii=False), encoding="utf-8")
        os.replace(temporary, self.path)


def read_job(index_dir: str | Path, job_id: str) -> dict | None:
    """A job's status, or None for an id that is malformed or unknown."""
    if not JOB_ID.fullmatch(job_id):
        return None
    path = jobs_dir(index_dir) / f"{job_id}.json"
    try:
        status = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    starting = "pid" not in status and time.time() - path.stat().st_mtime < START_GRACE_SECONDS
    if status.get("state") in ("wachtend", "bezig") and not starting and not process_alive(status.get("pid")):
        status["state"] = "mislukt"                 # killed before it could say so
        status.setdefault("error", "het indexeerproces is onverwacht gestopt")
    return status


def process_alive(pid) -> bool:
    """Does a process with this pid still run? (Our own children are asked through Popen, which reaps them.)"""
    if not isinstance(pid, int):
        return False
    for child in _children:
        if child.pid == pid:
            return child.poll() is None
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    # a killed job stays a zombie until the worker that started it reaps it; to the others it is gone
    return not is_zombie(pid)


def is_zombie(pid: int) -> bool:
    """Has the process ended, and waits only for its parent to collect its exit status? (Linux; else False.)"""
    try:
        stat = Path(f"/proc/{pid}/stat").read_text(encoding="utf-8", errors="replace")
    except OSError:
        return False
    return stat[stat.rfind(")") + 2:].startswith("Z")        # the state follows the name in parentheses


def start_reindex_job(index_dir: str, corpus_dir: str, *, crawl: list[str], fetch: list[str],
                      remove: list[str], crawl_delay: float = 1.0, private_networks: bool = False,
                      wait_seconds: float = 900) -> str:
    """Start `kennisbank reindex` in a child process for the publish hook; returns the job id.

    Crawls started over HTTP reach no private network unless ``private_networks`` (no
    server-side request forgery), and a job waits for a running build instead of being
    refused, so no publish is lost.
    """
    folder = jobs_dir(index_dir)
    folder.mkdir(parents=True, exist_ok=True)
    prune_jobs(folder)
    job_id = secrets.token_hex(8)
    job = JobFile(folder / f"{job_id}.json")
    job.update(id=job_id, state="wachtend", fetch=fetch, remove=remove, crawl=crawl)
    for child in list(_children):
        if child.poll() is not None:
            _children.remove(child)
    command = [sys.executable, "-m", "search_app.cli", "reindex", "--index", str(index_dir),
               "--corpus", str(corpus_dir), "--job-file", str(job.path), "--wait", str(wait_seconds),
               "--crawl-delay", str(crawl_delay)] + ([] if private_networks else ["--block-private-networks"])
    command += [f"--crawl={url}" for url in crawl] + [f"--fetch={url}" for url in fetch]
    command += [f"--remove={url}" for url in remove]
    log = (folder / f"{job_id}.log").open("ab")
    process = subprocess.Popen(command, stdout=log, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL,
                               cwd=Path(__file__).resolve().parent.parent, start_new_session=True)
    log.close()
    _children.append(process)
    return job_id


def prune_jobs(folder: Path) -> None:
    """Keep the newest job files only: the folder must not grow with every publish."""
    files = sorted(folder.glob("*.json"), key=lambda p: p.stat().st_mtime)
    for old in files[:-MAX_KEPT_JOBS]:
        old.unlink(missing_ok=True)
        old.with_suffix(".log").unlink(missing_ok=True)

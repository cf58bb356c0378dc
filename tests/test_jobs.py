"""Reindex jobs as other server workers see them: the status file, and whether its process still runs."""
from __future__ import annotations

import os
import signal
import subprocess
import sys
import time

import pytest

from search_app.jobs import JobFile, jobs_dir, read_job

JOB_ID = "0123456789abcdef"


@pytest.fixture()
def job(tmp_path):
    """A job file beside an index path, for a real child process that runs until killed."""
    index = tmp_path / "index"
    folder = jobs_dir(index)
    folder.mkdir()
    child = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(60)"])
    JobFile(folder / f"{JOB_ID}.json").update(id=JOB_ID, state="bezig", pid=child.pid, phase="lezen")
    yield index, child
    child.kill()
    child.wait()


def test_a_running_job_is_bezig(job):
    index, _ = job
    assert read_job(index, JOB_ID)["state"] == "bezig"


def test_a_job_killed_from_outside_is_mislukt_before_its_parent_reaps_it(job):
    """Another worker cannot reap the job: the killed process stays a zombie until its parent does."""
    index, child = job
    os.kill(child.pid, signal.SIGKILL)
    deadline = time.monotonic() + 10
    while not open(f"/proc/{child.pid}/stat").read().rsplit(")", 1)[1].startswith(" Z"):
        assert time.monotonic() < deadline, "the killed child did not become a zombie"
        time.sleep(0.01)
    status = read_job(index, JOB_ID)
    assert status["state"] == "mislukt" and status["error"] == "het indexeerproces is onverwacht gestopt"
    assert child.poll() == -signal.SIGKILL            # only now reaped, by its parent


@pytest.mark.parametrize("job_id", ["fedcba9876543210", "../../etc/passwd", "0123456789ABCDEF", ""])
def test_unknown_or_malformed_job_ids_have_no_status(job, job_id):
    index, _ = job
    assert read_job(index, job_id) is None

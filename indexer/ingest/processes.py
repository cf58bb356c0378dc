"""Worker processes forked from the build process: they inherit what they work on, so nothing is
pickled but their results, and they die with the build process.
"""
from __future__ import annotations

import ctypes
import gc
import multiprocessing
import os
import signal
from concurrent.futures import Future, ProcessPoolExecutor
from contextlib import contextmanager
from typing import Callable, Iterator


def forked_pool(processes: int, function: Callable, *args) -> ProcessPoolExecutor:
    """A pool of forked processes that inherit ``function`` and ``args`` (fork copies them, however
    large: nothing is pickled but the results); ``call_inherited`` submitted with more arguments
    calls ``function(*args, *more)`` in one of them. Each process starts as a worker does."""
    return ProcessPoolExecutor(processes, mp_context=multiprocessing.get_context("fork"),
                               initializer=inherit_call, initargs=(function, args, gc.isenabled()))


@contextmanager
def worked_out_beside(function: Callable, *args, in_child: bool, idle: bool = False) -> Iterator[Future]:
    """A future of ``function(*args)``, worked out while the block runs: in a forked child process
    when ``in_child`` (so on the core the build process's own serial work leaves idle), else
    before the block. The result is there when the block ends. An ``idle`` child runs at the
    lowest priority: it takes only the CPU time the build's other processes leave unused."""
    if not in_child:
        done: Future = Future()
        done.set_result(function(*args))
        yield done
        return
    call, call_args = (at_lowest_priority, (function, *args)) if idle else (function, args)
    with forked_pool(1, call, *call_args) as child:
        yield child.submit(call_inherited)


def at_lowest_priority(function: Callable, *args):
    """``function(*args)`` with this process's scheduling priority lowered as far as it goes."""
    try:
        # SCHED_IDLE runs only on a core nothing else wants; nice 19 still takes time slices from
        # busy processes (measured: it slowed a build's reading by ~0.5 s)
        os.sched_setscheduler(0, os.SCHED_IDLE, os.sched_param(0))
    except (AttributeError, OSError):
        os.nice(LOWEST_PRIORITY)         # capped by the system at its lowest: 19 on Linux
    return function(*args)


LOWEST_PRIORITY = 19


_inherited_call: tuple = ()


def inherit_call(function: Callable, args: tuple, collecting: bool) -> None:
    """In a forked process: start as a worker, and keep the call it inherited."""
    global _inherited_call
    start_worker(collecting)
    _inherited_call = (function, args)


def call_inherited(*more):
    """In a forked process: make the inherited call, with ``more`` arguments."""
    function, args = _inherited_call
    return function(*args, *more)


def start_worker(collecting: bool) -> None:
    """Set up a worker process: garbage collection as in the parent before it paused it, but not
    of what it inherited (the loaded code and data, for a writer every section of the corpus: no
    garbage, walked by every collection otherwise, touching and so copying their pages), and
    death with the parent."""
    gc.freeze()
    if collecting:
        gc.enable()
    die_with_parent()


def die_with_parent() -> None:
    """Ask Linux to kill this worker when the build process dies (kill -9 included): an orphan
    would keep the build lock it inherited, and the next build would be refused."""
    try:
        ctypes.CDLL(None, use_errno=True).prctl(PR_SET_PDEATHSIG, signal.SIGKILL)
    except (OSError, AttributeError):
        pass                      # not Linux: orphans finish their file and exit on their own
    if os.getppid() == 1:         # the parent died before the request took effect
        os._exit(1)


PR_SET_PDEATHSIG = 1

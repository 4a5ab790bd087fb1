"""Run a build step over many items on every core.

Workers are forked, so they start with everything the parent has imported and loaded (the
archive, the theme step's results) without pickling it; only items and results cross between
processes.
Small jobs run in-process: starting workers costs more than it saves.
"""
from __future__ import annotations

import fcntl
import gc
import multiprocessing
import os
from concurrent.futures import Executor, Future, ProcessPoolExecutor
from contextlib import contextmanager
from typing import Callable, Iterable, Iterator, TypeVar

T = TypeVar("T")
R = TypeVar("R")


def cores() -> int:
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # not Linux
        return os.cpu_count() or 1


def pool(workers: int, initializer: Callable | None = None, initargs: tuple = ()) -> Executor:
    ex = ProcessPoolExecutor(max_workers=workers, mp_context=multiprocessing.get_context("fork"),
                             initializer=_start_worker, initargs=(initializer, initargs))
    _widen(getattr(getattr(ex, "_result_queue", None), "_writer", None))
    return ex


RESULT_PIPE = 1 << 20  # bytes; Linux's limit for a process that is not privileged (fs.pipe-max-size)


def _widen(connection) -> None:
    """The pipe that workers send results back through made ``RESULT_PIPE`` bytes long, where
    the system allows (Linux), from 64 KB: a worker writing a result waits until this process
    takes it, 64 KB at a time, each time its thread gets the interpreter. The speeches of 1,000
    synthetic speeches that a worker read came back in 24 pieces (``map_chunks``), each of
    about 0.7 MB, 30 ms after the worker had read them through a pipe of 64 KB, 5 ms through
    one of 1 MB."""
    if connection is None or not hasattr(fcntl, "F_SETPIPE_SZ"):
        return
    try:
        fcntl.fcntl(connection.fileno(), fcntl.F_SETPIPE_SZ, RESULT_PIPE)
    except OSError:  # a smaller limit: the pipe stays as it is
        pass


def _start_worker(initializer: Callable | None, initargs: tuple) -> None:
    """A forked worker collects its own garbage (rendering makes cycles), while what it
    inherited is frozen out of collection: never scanned, so its pages stay shared."""
    gc.freeze()
    gc.enable()
    if initializer is not None:
        initializer(*initargs)


class InProcess(Executor):
    """An executor that runs each job at once in this process (for small jobs or one core)."""

    def __init__(self, initializer: Callable | None = None, initargs: tuple = ()) -> None:
        if initializer:
            initializer(*initargs)

    def submit(self, fn, /, *args, **kwargs) -> Future:
        f: Future = Future()
        try:
            f.set_result(fn(*args, **kwargs))
        except BaseException as e:  # delivered to whoever asks for the result
            f.set_exception(e)
        return f


def executor(workers: int, initializer: Callable | None = None, initargs: tuple = ()) -> Executor:
    if workers <= 1:
        return InProcess(initializer, initargs)
    return pool(workers, initializer, initargs)


def map_chunks(fn: Callable[[list[T]], list[R]], items: Iterable[T], workers: int,
               initializer: Callable | None = None, initargs: tuple = (),
               meanwhile: Callable[[], object] | None = None,
               cost: Callable[[T], float] | None = None, meanwhile_cost: float = 0.0, pieces: int = 1) -> list[R]:
    """fn over slices of items on ``workers`` processes, this one included; results in the order
    of items. ``meanwhile``: run here while the workers work (not at all when the work runs here).

    This process takes the first slice itself, after ``meanwhile``: a worker of its own for it
    cost a fork, the copy of the pages it then wrote to, and the pickling of its results both
    ways, while this process sat waiting (on tests/corpus-real, 1.3 s more CPU for a 2-core build
    than for a 1-core one, 0.4 s of it in the kernel). Given the ``cost`` of an item and of
    ``meanwhile`` (in the same unit), the slices are balanced with that work counted in this
    process's (``balanced``); without, they are interleaved slices of about equal length.

    ``pieces``: each worker's slice is sent as that many jobs, one after the other, for work
    whose results are large. A job's results come back whole when it ends, and this process
    loads them after its own slice: sent as one job, the speeches a worker read at 1,000
    synthetic speeches came back 0.2-0.3 s after this process had read its own, with the other
    core idle; in pieces, this process loads the first while the worker reads the next."""
    items = list(items)
    if not items:
        return []
    n = max(1, min(workers, len(items)))
    places = (balanced([cost(item) for item in items], n, meanwhile_cost) if cost is not None and n > 1
              else [list(range(i, len(items), n)) for i in range(n)])
    parts = [[items[i] for i in place] for place in places]
    if n == 1:
        with executor(1, initializer, initargs) as ex:
            results = [ex.submit(fn, parts[0]).result()]
    else:
        with pool(n - 1, initializer, initargs) as ex:
            futures = [[ex.submit(fn, piece) for piece in _pieces(part, pieces)] for part in parts[1:]]
            if meanwhile is not None:
                meanwhile()
            results = [_run_here(fn, parts[0], initializer, initargs) if parts[0] else []]
            results += [[r for f in fs for r in f.result()] for fs in futures]
    out: list = [None] * len(items)
    for place, part_result in zip(places, results):
        for i, result in zip(place, part_result):
            out[i] = result
    return out


def _pieces(part: list[T], n: int) -> list[list[T]]:
    """``part`` cut into at most ``n`` runs of about equal length, in order."""
    n = max(1, min(n, len(part)))
    return [part[len(part) * k // n:len(part) * (k + 1) // n] for k in range(n)]


def balanced(costs: list[float], n: int, here: float = 0.0) -> list[list[int]]:
    """The indexes of ``costs`` in ``n`` slices of about equal total cost, the first of which
    starts with ``here`` (the work this process does beside its slice): each item, the costliest
    first, to the slice with the least so far. Each slice lists its items in their order."""
    totals = [here] + [0.0] * (n - 1)
    places: list[list[int]] = [[] for _ in range(n)]
    for i in sorted(range(len(costs)), key=lambda i: (-costs[i], i)):
        least = min(range(n), key=lambda k: (totals[k], k))
        places[least].append(i)
        totals[least] += costs[i]
    return [sorted(place) for place in places]


def _run_here(fn: Callable[[list[T]], list[R]], part: list[T], initializer: Callable | None,
              initargs: tuple) -> list[R]:
    """A slice run in this process beside the workers, as a worker runs one: its garbage
    collected (rendering makes cycles), what this process holds frozen out of collection so the
    collector never scans it (a build keeps collection off: ``gc_paused``). A worker that runs
    this (the search files' process) froze what it inherited: that stays frozen."""
    if initializer is not None:
        initializer(*initargs)
    was, frozen = gc.isenabled(), gc.get_freeze_count()
    gc.freeze()
    gc.enable()
    try:
        return fn(part)
    finally:
        if not was:
            gc.disable()
        if not frozen:
            gc.unfreeze()


class Background:
    """A job running in a process of its own (or done already, in this one). ``result()`` waits
    for its value or raises its error, then for its process to end: a build leaves no process
    behind, even when it exits without the interpreter's clean-up."""

    def __init__(self, future: Future | None = None, process=None, receive=None) -> None:
        self.future, self.process, self.receive = future, process, receive
        self.outcome: tuple[bool, object] | None = None  # (ok, value or error), once received

    def done(self) -> bool:
        if self.future is not None:
            return self.future.done()
        return self.outcome is not None or self.receive.poll()

    def result(self):
        if self.future is not None:
            return self.future.result()
        ok, value = self._received()
        if not ok:
            raise value
        return value

    def wait(self) -> None:
        """Wait for the job and its process to end, whatever the outcome. Its outcome is read
        first: a process whose outcome is larger than the pipe holds ends only once it is read."""
        if self.future is None:
            self._received()

    def _received(self) -> tuple[bool, object]:
        if self.outcome is None:
            try:
                self.outcome = self.receive.recv()
            except EOFError:
                self.process.join()
                self.outcome = (False, RuntimeError(f"a build process ended without a result "
                                                    f"(exit code {self.process.exitcode})"))
            finally:
                self.process.join()
                self.receive.close()
        return self.outcome


def _run_and_send(send, fn: Callable, args: tuple) -> None:
    """In the forked process: what it inherited frozen out of garbage collection (as in a
    worker, ``_start_worker``), ``fn(*args)`` run, its value or its error sent back."""
    gc.freeze()
    gc.enable()
    try:
        outcome = (True, fn(*args))
    except BaseException as e:  # delivered to whoever asks for the result
        outcome = (False, e)
    try:
        send.send(outcome)
    except Exception as e:  # the value or the error would not pickle
        send.send((False, RuntimeError(f"{outcome[1]!r} could not be sent from its process: {e}")))
    finally:
        send.close()


def background(fn: Callable, *args, fork: bool = True) -> Background:
    """``fn(*args)`` in a process forked at once, which inherits its arguments (the archive it
    works on would take a second to pickle), while this one goes on; or here, at once, when
    ``fork`` is false. Only the (small) result crosses between the processes.

    Forked directly, the process starts its job at once. Through a one-worker
    ProcessPoolExecutor the job waited for the pool's threads in this process to send it,
    which they could not while jieba's dictionary was loading (a native call that holds the
    GIL): on the seeds the job began 0.2 s after the fork, the length of the load."""
    if not fork:
        return Background(InProcess().submit(fn, *args))
    context = multiprocessing.get_context("fork")
    receive, send = context.Pipe(duplex=False)
    process = context.Process(target=_run_and_send, args=(send, fn, args))
    process.start()
    send.close()
    return Background(process=process, receive=receive)


@contextmanager
def gc_paused() -> Iterator[None]:
    """Cyclic garbage collection off while millions of small objects are made and kept (the
    speeches, their sections, term counts, search postings): the collector would rescan them
    again and again and find nothing to free, which took 2 to 3 s of an 8 s rebuild of 1,000
    speeches. Forked workers inherit the pause; reference counting still frees everything."""
    was = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was:
            gc.enable()

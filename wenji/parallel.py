"""Run a build step over many items on every core.

Workers are forked, so they start with everything the parent has imported and loaded (jieba's
modules, the archive) without pickling it; only items and results cross between processes.
Small jobs run in-process: starting workers costs more than it saves.
"""
from __future__ import annotations

import multiprocessing
import os
from concurrent.futures import Executor, Future, ProcessPoolExecutor
from typing import Callable, Iterable, TypeVar

T = TypeVar("T")
R = TypeVar("R")


def cores() -> int:
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # not Linux
        return os.cpu_count() or 1


def pool(workers: int, initializer: Callable | None = None, initargs: tuple = ()) -> Executor:
    return ProcessPoolExecutor(max_workers=workers, mp_context=multiprocessing.get_context("fork"),
                               initializer=initializer, initargs=initargs)


def chunks(items: list[T], n: int) -> list[list[T]]:
    """n interleaved slices of about equal cost (items of similar size in input order)."""
    return [items[i::n] for i in range(n) if items[i::n]]


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
               initializer: Callable | None = None, initargs: tuple = ()) -> list[R]:
    """fn over slices of items on ``workers`` processes; results in the order of items."""
    items = list(items)
    if not items:
        return []
    parts = chunks(items, max(1, min(workers, len(items))))
    with executor(len(parts), initializer, initargs) as ex:
        results = [f.result() for f in [ex.submit(fn, part) for part in parts]]
    out: list = [None] * len(items)
    for i, part_result in enumerate(results):
        out[i::len(parts)] = part_result
    return out


def background(fn: Callable, *args, fork: bool = True) -> Future:
    """``fn(*args)`` in a forked process of its own while this one goes on (or here, at once,
    when ``fork`` is false); its Future gives the value or raises the error. Only the (small)
    result crosses between the processes."""
    if not fork:
        return InProcess().submit(fn, *args)
    ex = pool(1)
    future = ex.submit(fn, *args)
    ex.shutdown(wait=False)  # the process ends when the job is done
    return future

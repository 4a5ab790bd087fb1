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


class Background:
    """``fn(*args)`` running in a forked process while this one goes on; ``result()`` waits
    for it and returns its value or raises its exception. Only the (small) result crosses."""

    def __init__(self, fn: Callable, *args) -> None:
        ctx = multiprocessing.get_context("fork")
        self._recv, send = ctx.Pipe(duplex=False)
        self._proc = ctx.Process(target=_run_and_send, args=(send, fn, args))
        self._proc.start()
        send.close()

    def result(self):
        try:
            ok, value = self._recv.recv()
        except EOFError:
            self._proc.join()
            raise RuntimeError(f"a build process ended without a result (exit code {self._proc.exitcode})") from None
        finally:
            self._recv.close()
        self._proc.join()
        if ok:
            return value
        raise value

    def cancel(self) -> None:
        if self._proc.is_alive():
            self._proc.terminate()
        self._proc.join()


class Done:
    """A result computed at once, in this process (the Background interface)."""

    def __init__(self, fn: Callable, *args) -> None:
        self.value = fn(*args)

    def result(self):
        return self.value

    def cancel(self) -> None:
        pass


def background(fn: Callable, *args, fork: bool = True) -> Background | Done:
    return Background(fn, *args) if fork else Done(fn, *args)


def _run_and_send(conn, fn: Callable, args: tuple) -> None:
    try:
        conn.send((True, fn(*args)))
    except BaseException as e:  # delivered to whoever asks for the result
        try:
            conn.send((False, e))
        except Exception:  # an exception that cannot be pickled
            conn.send((False, RuntimeError(repr(e))))
    finally:
        conn.close()

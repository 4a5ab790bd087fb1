"""wenji.parallel: work in forked processes gives the same results, and errors, as in-process."""
from __future__ import annotations

import os

import pytest

from wenji import parallel
from wenji.errors import BuildError, InputError


def _pid_and_square(x: int) -> tuple[int, int]:
    return os.getpid(), x * x


def _fail(path: str) -> None:
    raise BuildError([InputError(path, "bad input", 3)])


def test_background_returns_the_value_from_another_process():
    pid, value = parallel.background(_pid_and_square, 7).result()
    assert value == 49 and pid != os.getpid()
    pid, value = parallel.background(_pid_and_square, 7, fork=False).result()
    assert value == 49 and pid == os.getpid()


def test_background_raises_the_error_of_the_work_with_its_message():
    job = parallel.background(_fail, "seeds/a.txt")
    with pytest.raises(BuildError) as err:
        job.result()
    assert "seeds/a.txt" in str(err.value) and "bad input" in str(err.value)


def test_map_chunks_keeps_the_order_of_the_items():
    items = list(range(23))
    assert parallel.map_chunks(lambda part: [x * 2 for x in part], items, 1) == [x * 2 for x in items]

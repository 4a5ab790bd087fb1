"""wenji.parallel: work in forked processes gives the same results, and errors, as in-process."""
from __future__ import annotations

import fcntl
import gc
import os
import re
import threading
import time

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


def _started_at() -> float:
    return time.monotonic()


def test_background_work_starts_while_this_process_holds_the_gil():
    """The job starts at once, even while this process is in a native call that holds the GIL
    (as jieba's dictionary load does): a matching regular expression holds it here."""
    job = parallel.background(_started_at)
    began = time.monotonic()
    assert re.match(r"(a+)+b", "a" * 24) is None  # backtracks for a while, the GIL held throughout
    ended = time.monotonic()
    assert ended - began > 0.2, "the expression ran too fast to tell"
    assert job.result() < began + (ended - began) / 2


def _large() -> bytes:
    return b"x" * 1_000_000


def test_waiting_for_a_job_without_asking_its_result_ends_even_with_a_large_result():
    """A build that failed waits for its background jobs without their results: the job's
    process, blocked until its megabyte is read, must still end."""
    job = parallel.background(_large)
    waiting = threading.Thread(target=job.wait)
    waiting.start()
    waiting.join(timeout=30)
    assert not waiting.is_alive() and job.process.exitcode == 0
    assert job.result() == b"x" * 1_000_000  # asked after all, the value is still there


def _on_two_workers() -> list[tuple[int, int]]:
    return parallel.map_chunks(_pid_and_double, list(range(4)), 2)


def test_a_background_job_may_share_its_work_among_workers_of_its_own():
    got = parallel.background(_on_two_workers).result()
    assert [x for _, x in got] == [0, 2, 4, 6] and len({pid for pid, _ in got}) == 2


def _unpicklable():
    return lambda: None


def _dies() -> None:
    os._exit(3)


def test_background_reports_a_value_that_cannot_be_sent_and_a_process_that_died():
    with pytest.raises(RuntimeError, match="could not be sent"):
        parallel.background(_unpicklable).result()
    with pytest.raises(RuntimeError, match="exit code 3"):
        parallel.background(_dies).result()


def test_background_is_done_once_its_value_is_there():
    job = parallel.background(_pid_and_square, 3)
    deadline = time.monotonic() + 10
    while not job.done() and time.monotonic() < deadline:
        time.sleep(0.01)
    assert job.done() and job.result()[1] == 9
    assert parallel.background(_pid_and_square, 3, fork=False).done()


def _pid_and_double(part: list[int]) -> list[tuple[int, int]]:
    return [(os.getpid(), x * 2) for x in part]


@pytest.mark.parametrize("workers", [1, 3])
def test_map_chunks_keeps_the_order_of_the_items(workers):
    """The items go to the workers interleaved (item i to worker i mod n), and come back in
    the order they were given."""
    items = list(range(23))
    got = parallel.map_chunks(_pid_and_double, items, workers)
    assert [x for _, x in got] == [x * 2 for x in items]
    pids = [pid for pid, _ in got]
    if workers == 1:
        assert set(pids) == {os.getpid()}
    else:  # three slices, each every third item, each done whole: the first here, the others in workers
        assert all(pids[i] == pids[i % 3] for i in range(len(items)))
        assert pids[0] == os.getpid() and os.getpid() not in pids[1:3]


def _pids(xs: list[int]) -> list[int]:
    return [os.getpid() for _ in xs]


def test_meanwhile_runs_here_while_workers_work_and_not_when_the_work_runs_here():
    ran: list[int] = []
    pids = parallel.map_chunks(_pids, range(6), 2, meanwhile=lambda: ran.append(os.getpid()))
    assert ran == [os.getpid()] and pids[0::2] == [os.getpid()] * 3 and os.getpid() not in pids[1::2]
    ran.clear()
    assert parallel.map_chunks(_pids, range(6), 1, meanwhile=lambda: ran.append(1)) == [os.getpid()] * 6
    assert ran == []


def _collected(xs: list[int]) -> list[bool]:
    return [gc.isenabled() and gc.get_freeze_count() > 0 for _ in xs]


def test_the_slice_run_here_is_collected_and_collection_is_paused_again_after():
    """This process's slice runs as a worker's does, with the garbage it makes collected and what
    the process held before frozen out of collection; after it, the build's pause goes on."""
    with parallel.gc_paused():
        assert parallel.map_chunks(_collected, range(4), 2)[0::2] == [True, True]
        assert not gc.isenabled() and gc.get_freeze_count() == 0
    with pytest.raises(ZeroDivisionError):
        with parallel.gc_paused():
            parallel.map_chunks(_fails_here, range(4), 2)
    assert gc.get_freeze_count() == 0


def _frozen_after_a_slice_here(xs: list[int]) -> list[bool]:
    """In a worker (which froze what it inherited): run map_chunks, then is that still frozen?"""
    before = gc.get_freeze_count()
    parallel.map_chunks(_collected, range(4), 2)
    return [before > 0 and gc.get_freeze_count() >= before for _ in xs]


def test_a_worker_keeps_what_it_inherited_frozen_after_running_a_slice_itself():
    assert parallel.map_chunks(_frozen_after_a_slice_here, range(2), 2)[1] is True


def _fails_here(xs: list[int]) -> list[float]:
    return [1 / (x % 2) for x in xs]


def test_balanced_gives_each_item_costliest_first_to_the_slice_with_the_least():
    """Costs 5, 4, 3, 3, 1 on two slices: 5+3 and 4+3+1, 8 each. With 6 of other work counted
    in this process's slice, the 5 and the 4 go to the worker first: 6+3+3 against 5+4+1."""
    assert parallel.balanced([5, 4, 3, 3, 1], 2) == [[0, 3], [1, 2, 4]]
    assert parallel.balanced([5, 4, 3, 3, 1], 2, here=6) == [[2, 3], [0, 1, 4]]
    assert parallel.balanced([5, 4, 3, 3, 1], 2, here=100) == [[], [0, 1, 2, 3, 4]]


def test_map_chunks_with_costs_leaves_this_process_nothing_when_meanwhile_costs_more():
    """A ``meanwhile`` that costs more than all the items: every item goes to the worker, this
    process only runs ``meanwhile``, and the results still come back in order."""
    ran: list[int] = []
    got = parallel.map_chunks(_pid_and_double, list(range(5)), 2, meanwhile=lambda: ran.append(os.getpid()),
                              cost=lambda x: 1.0, meanwhile_cost=100.0)
    assert [x for _, x in got] == [0, 2, 4, 6, 8]
    assert os.getpid() not in {pid for pid, _ in got} and ran == [os.getpid()]


def _pid_and_call(part: list[int]) -> list[tuple[int, int, int]]:
    """Each item with the process that ran it and the length of the job it came in."""
    return [(os.getpid(), len(part), x) for x in part]


def test_a_workers_slice_in_pieces_comes_back_whole_and_in_order():
    """Items 1, 3, ..., 19 go to the worker in four jobs (of 2 or 3 items), items 0, 2, ...
    are done here in one; the results are those of one job each, in the items' order."""
    got = parallel.map_chunks(_pid_and_call, list(range(20)), 2, pieces=4)
    assert [x for _, _, x in got] == list(range(20))
    assert {(pid, n) for pid, n, _ in got[0::2]} == {(os.getpid(), 10)}
    assert sorted(n for _, n, _ in got[1::2]) == [2] * 4 + [3] * 6 and os.getpid() not in {p for p, _, _ in got[1::2]}
    assert parallel._pieces([1, 2, 3], 5) == [[1], [2], [3]] and parallel._pieces([], 3) == [[]]


def test_the_pipe_workers_send_results_through_holds_a_mebibyte_where_the_system_allows():
    with parallel.pool(1) as ex:
        size = fcntl.fcntl(ex._result_queue._writer.fileno(), fcntl.F_GETPIPE_SZ)
        assert ex.submit(_pid_and_square, 3).result()[1] == 9
    with open("/proc/sys/fs/pipe-max-size") as f:
        limit = int(f.read())
    assert size == (parallel.RESULT_PIPE if limit >= parallel.RESULT_PIPE else 65536)

"""wenji.digests: a file is read and hashed again unless its stat shows it unchanged since a
look made well after its last change."""
from __future__ import annotations

import hashlib
import os
import time
from pathlib import Path

import pytest

from wenji.digests import RACY_NS, Digests, Known


def sha(path: Path) -> bytes:
    return hashlib.sha256(path.read_bytes()).digest()


def looked_later(digests: Digests) -> Known:
    """What ``digests`` recorded, as if it had looked well after the files last changed."""
    return Known(digests.now.taken + 2 * RACY_NS, digests.now.files)


@pytest.fixture
def speech(tmp_path: Path) -> Path:
    path = tmp_path / "a.txt"
    path.write_text("一、数字经济\n发展数字经济。\n", "utf-8")
    return path


def test_an_unchanged_file_is_not_read_again(speech, monkeypatch):
    first = Digests(None)
    digest = first.of(speech, speech.stat())
    assert digest == sha(speech) and first.hashed == 1
    again = Digests(looked_later(first))
    monkeypatch.setattr(Path, "read_bytes", lambda self: pytest.fail(f"{self} read again"))
    assert again.of(speech, speech.stat()) == digest and again.hashed == 0


def test_a_file_rewritten_with_its_old_size_and_modification_time_is_hashed_again(speech):
    first = Digests(None)
    first.of(speech, speech.stat())
    st = speech.stat()
    time.sleep(0.02)
    speech.write_text("一、数字农业\n发展数字农业。\n", "utf-8")  # the same size in bytes
    os.utime(speech, ns=(st.st_atime_ns, st.st_mtime_ns))  # as cp -p or rsync -t leave it
    assert speech.stat().st_size == st.st_size and speech.stat().st_mtime_ns == st.st_mtime_ns
    again = Digests(looked_later(first))
    assert again.of(speech, speech.stat()) == sha(speech) != first.now.files[str(speech)][5] and again.hashed == 1


def test_a_file_that_changed_just_before_the_last_look_is_hashed_again(speech):
    first = Digests(None)
    first.of(speech, speech.stat())
    soon_after = Known(speech.stat().st_ctime_ns + RACY_NS // 2, first.now.files)  # within RACY_NS of the change
    again = Digests(soon_after)
    assert again.of(speech, speech.stat()) == sha(speech) and again.hashed == 1


def test_a_new_or_another_file_is_hashed(speech, tmp_path):
    first = Digests(None)
    first.of(speech, speech.stat())
    other = tmp_path / "b.txt"
    other.write_text("二、营商环境\n", "utf-8")
    again = Digests(looked_later(first))
    assert again.of(other, other.stat()) == sha(other) and again.hashed == 1
    assert set(again.now.files) == {str(other)}

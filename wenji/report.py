"""What a build tells whoever runs it: warnings, each speech read, each step's time, progress,
and in the end its figures or its errors.

A build takes any object with the methods of ``Report`` (the command line's ``cli.Reporter``
prints them; ``Quiet`` drops them, for tests and benchmarks); the preview server also needs the
outcome of each rebuild (``Console``).
"""
from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Iterable, Protocol, TypeVar

from .errors import BuildError
from .model import Speech

T = TypeVar("T")


@dataclass
class Stats:
    """A build's figures, for its one-line summary."""

    speeches: int = 0
    sections: int = 0
    paragraphs: int = 0
    themes: int = 0
    files: int = 0
    seconds: float = 0.0
    base_url: str = ""
    rendered: int = 0  # speech files rendered anew (the others were unchanged)
    up_to_date: bool = False


class Report(Protocol):
    def warn(self, msg: str) -> None:
        """Something the build left out or did not expect, not an error."""

    def speech_read(self, path: Path, speech: Speech) -> None:
        """A speech read, decoded and sectioned."""

    def step_done(self, name: str, seconds: float) -> None:
        """A step of the build ended, after ``seconds`` (see ``wenji.site.STEPS``)."""

    def progress(self, items: Iterable[T], total: int, desc: str) -> Iterable[T]:
        """The items, perhaps shown as a progress bar while they are gone through."""


class Console(Report, Protocol):
    def errors(self, e: BuildError, out: Path) -> None:
        """A build failed: every error, and that ``out`` was left as it was."""

    def summary(self, stats: Stats, out: Path) -> None:
        """A build succeeded: its figures."""


class Quiet:
    """The report nobody reads (tests, benchmarks)."""

    def warn(self, msg: str) -> None:
        pass

    def speech_read(self, path: Path, speech: Speech) -> None:
        pass

    def step_done(self, name: str, seconds: float) -> None:
        pass

    def progress(self, items: Iterable[T], total: int, desc: str) -> Iterable[T]:
        return items

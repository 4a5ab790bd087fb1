"""Input errors that stop a build, each naming the file, the line where known, and the reason."""
from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path


@dataclass(frozen=True)
class InputError:
    path: Path
    reason: str
    line: int | None = None

    def __str__(self) -> str:
        where = f"{self.path}:{self.line}" if self.line else f"{self.path}"
        return f"{where}: {self.reason}"


class BuildError(Exception):
    """Raised with every input error found, so a user fixes them all in one go."""

    def __init__(self, errors: list[InputError]):
        self.errors = sorted(errors, key=lambda e: (str(e.path), e.line or 0, e.reason))
        super().__init__("\n".join(str(e) for e in self.errors))

    def __reduce__(self):
        """Pickled with its errors, so one raised in a worker process reaches the build whole."""
        return BuildError, (self.errors,)

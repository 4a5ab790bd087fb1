"""Shared pytest fixtures for wenji's tests.

Fixtures:
    repo_root         Path of the repository root.
    built_site        (session) the default archive built once with
                      ``build.py --out <tmp>/site``; returns that out Path.
    real_site         (session) the real archive of tests/corpus-real built
                      once the same way; returns that out Path.
    run_build         the ``build(seeds, content, out, *extra_args)`` helper,
                      for tests that build their own small archives.
    http_site         (session) ``built_site`` served over HTTP on 127.0.0.1;
                      the base URL, ending in ``/``.
    serve_directory   a callable ``serve(path) -> base URL`` that serves any
                      folder over HTTP until the test ends.
    file_url          the ``file_url(path) -> str`` helper (``Path.as_uri()``).
    browser           (session) headless Debian Chromium driven by Playwright.
    page              a fresh browser context and page; console errors, page
                      errors and dialogs are recorded in ``page.console_errors``,
                      ``page.page_errors`` and ``page.dialogs`` (dialogs are
                      dismissed).
    seeds_archive     (session) the bundled seeds read by ``load_archive``; tests
                      that change it change a deep copy.
    real_archive      (module) tests/corpus-real read by ``load_archive``, one for each
                      test module, so a module may change its own.
    synthetic_archive (session) fourteen speeches from bench/synthetic.py, about
                      160,000 characters.
    large_rules       the search step's rules for a large archive (every bigram a
                      term), with small blocks and shards, so that a small archive
                      exercises what a thousand speeches do.

Browser tests never skip: without Chromium or Playwright they fail with a
message saying how to install them (``scripts/test`` does it).
"""

from __future__ import annotations

import contextlib
import functools
import http.server
import os
import shutil
import subprocess
import sys
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest

REPO_ROOT = Path(__file__).resolve().parent.parent
for _folder in (REPO_ROOT, REPO_ROOT / "bench"):
    if str(_folder) not in sys.path:
        sys.path.insert(0, str(_folder))

from synthetic import make_archive  # noqa: E402  (bench/synthetic.py)
from wenji.model import Archive  # noqa: E402
from wenji.search import files as search_files_module, postings  # noqa: E402
from wenji.site import load_archive  # noqa: E402

# Chromium flags for a root user on a machine with no outside network.
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]

# Seconds a build may take before the test fails.
BUILD_TIMEOUT = float(os.environ.get("WENJI_BUILD_TIMEOUT", "1800"))


# --- repository and builds ---------------------------------------------------


@pytest.fixture(scope="session")
def repo_root() -> Path:
    return REPO_ROOT


def build(
    seeds: os.PathLike | str | None,
    content: os.PathLike | str | None,
    out: os.PathLike | str | None,
    *extra_args: object,
) -> subprocess.CompletedProcess:
    """Run ``python build.py`` from the repo root; None keeps an option's default.

    Returns the CompletedProcess (text stdout/stderr captured); never raises
    on a non-zero exit, so tests can check failures too.
    """
    cmd = [sys.executable, "build.py"]
    for option, value in (("--seeds", seeds), ("--content", content), ("--out", out)):
        if value is not None:
            cmd += [option, str(value)]
    cmd += [str(arg) for arg in extra_args]
    return subprocess.run(
        cmd,
        cwd=REPO_ROOT,
        capture_output=True,
        text=True,
        encoding="utf-8",
        errors="replace",
        timeout=BUILD_TIMEOUT,
    )


def describe(proc: subprocess.CompletedProcess) -> str:
    """A readable account of a finished command, for failure messages."""
    return (
        f"command: {' '.join(map(str, proc.args))}\n"
        f"exit status: {proc.returncode}\n"
        f"--- stdout ---\n{proc.stdout}\n--- stderr ---\n{proc.stderr}"
    )


@pytest.fixture
def run_build():
    return build


@pytest.fixture(scope="session")
def built_site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("built") / "site"
    proc = build(None, None, out)
    if proc.returncode != 0:
        pytest.fail("build.py failed\n" + describe(proc), pytrace=False)
    return out


REAL = REPO_ROOT / "tests" / "corpus-real"


@pytest.fixture(scope="module")
def real_archive() -> Archive:
    return load_archive(REAL / "seeds", REAL / "content")


@pytest.fixture(scope="session")
def real_site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("real") / "site"
    proc = build(REAL / "seeds", REAL / "content", out)
    if proc.returncode != 0:
        pytest.fail("build.py failed on tests/corpus-real\n" + describe(proc), pytrace=False)
    return out


# --- files and HTTP ---------------------------------------------------------------


def file_url(path: os.PathLike | str) -> str:
    return Path(path).resolve().as_uri()


@pytest.fixture(name="file_url")
def file_url_fixture():
    return file_url


class _QuietHandler(http.server.SimpleHTTPRequestHandler):
    """Static files without request logging, with modern MIME types."""

    extensions_map = {
        **http.server.SimpleHTTPRequestHandler.extensions_map,
        ".js": "text/javascript",
        ".mjs": "text/javascript",
        ".json": "application/json",
        ".svg": "image/svg+xml",
        ".wasm": "application/wasm",
        ".webmanifest": "application/manifest+json",
    }

    def log_message(self, format, *args):  # noqa: A002 - stdlib signature
        pass


@contextlib.contextmanager
def serve(directory: os.PathLike | str) -> Iterator[str]:
    """Serve ``directory`` on 127.0.0.1 at a free port; yields the base URL."""
    handler = functools.partial(_QuietHandler, directory=str(directory))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    server.daemon_threads = True
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}/"
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=10)


@pytest.fixture(scope="session")
def http_site(built_site: Path) -> Iterator[str]:
    with serve(built_site) as url:
        yield url


@pytest.fixture
def serve_directory() -> Iterator:
    with contextlib.ExitStack() as stack:
        yield lambda directory: stack.enter_context(serve(directory))


# --- browser -----------------------------------------------------------------------


def chromium_path() -> str:
    return shutil.which("chromium") or "/usr/bin/chromium"


@pytest.fixture(scope="session")
def browser():
    executable = chromium_path()
    if not os.access(executable, os.X_OK):
        pytest.fail(
            f"Chromium not found at {executable}: browser tests need Debian's "
            "chromium (`apt-get install chromium`, or run scripts/test).",
            pytrace=False,
        )
    try:
        from playwright.sync_api import sync_playwright
    except ImportError as exc:
        pytest.fail(
            f"Playwright is not importable ({exc}): install requirements-dev.txt "
            "(scripts/test does it).",
            pytrace=False,
        )
    with sync_playwright() as playwright:
        instance = playwright.chromium.launch(
            executable_path=executable, args=CHROMIUM_ARGS
        )
        try:
            yield instance
        finally:
            instance.close()


@pytest.fixture
def page(browser):
    context = browser.new_context()
    new_page = context.new_page()
    new_page.console_errors = []
    new_page.page_errors = []
    new_page.dialogs = []

    def on_console(message):
        if message.type == "error":
            new_page.console_errors.append(message.text)

    def on_dialog(dialog):
        new_page.dialogs.append(f"{dialog.type}: {dialog.message}")
        dialog.dismiss()

    new_page.on("console", on_console)
    new_page.on("pageerror", lambda error: new_page.page_errors.append(str(error)))
    new_page.on("dialog", on_dialog)
    try:
        yield new_page
    finally:
        context.close()


# --- archives for the search tests -----------------------------------------------------


@pytest.fixture(scope="session")
def seeds_archive() -> Archive:
    return load_archive(REPO_ROOT / "seeds", REPO_ROOT / "content")


@pytest.fixture(scope="session")
def synthetic_archive(tmp_path_factory: pytest.TempPathFactory) -> Archive:
    seeds, content = make_archive(tmp_path_factory.mktemp("synthetic"), 14)
    return load_archive(seeds, content)


@pytest.fixture
def large_rules(monkeypatch):
    monkeypatch.setattr(postings, "SMALL", 0)
    monkeypatch.setattr(postings, "BLOCK", 3)
    monkeypatch.setattr(search_files_module, "SHARD", 3_000)

"""wenji.cli: the terminal reporter; -v tells where a build's time went."""
from __future__ import annotations

import io
from pathlib import Path

from wenji import site
from wenji.cli import Reporter
from wenji.report import Quiet, Stats
from wenji.site import load_archive

REPO = Path(__file__).resolve().parent.parent


def test_verbose_tells_every_speech_and_step_quiet_and_default_do_not():
    archive = load_archive(REPO / "seeds", REPO / "content")
    speech = archive.speeches[0]
    said = {}
    for name, kw in (("quiet", {"quiet": True}), ("default", {}), ("verbose", {"verbose": True})):
        stream = io.StringIO()
        r = Reporter(stream=stream, **kw)
        r.speech_read(speech.source, speech)
        r.step_done("read the speeches", 0.25)
        r.warn("skipped.doc: not a .txt file, not read")
        said[name] = stream.getvalue()
    assert said["quiet"] == ""
    assert said["default"] == "warning: skipped.doc: not a .txt file, not read\n"
    assert f"{speech.source.name}: {speech.meta.title}" in said["verbose"] and "encoding utf-8" in said["verbose"]
    assert "  0.25 s  read the speeches\n" in said["verbose"]


def test_progress_is_a_bar_only_for_many_speeches_on_a_terminal():
    items = list(range(60))
    assert Reporter(stream=io.StringIO()).progress(items, 60, "reading") is items  # not a terminal
    assert Quiet().progress(items, 60, "reading") is items


def test_summary_says_the_figures_or_that_the_site_is_up_to_date(capsys):
    Reporter().summary(Stats(speeches=5, sections=143, paragraphs=195, themes=12, files=59, seconds=1.5), Path("site"))
    Reporter().summary(Stats(seconds=0.01, up_to_date=True), Path("site"))
    Reporter(quiet=True).summary(Stats(), Path("site"))
    out = capsys.readouterr().out.splitlines()
    assert out == ["wenji: 5 speeches, 143 sections, 195 paragraphs, 12 themes, 59 files in site (1.50 s)",
                   "wenji: site is up to date: nothing changed since it was built (0.01 s)"]


def test_build_py_v_prints_the_time_of_every_step(run_build, tmp_path):
    proc = run_build(None, None, tmp_path / "site", "-v")
    assert proc.returncode == 0, proc.stderr
    lines = proc.stderr.splitlines()
    for name, _ in site.STEPS:
        assert any(line.endswith(f" s  {name}") for line in lines), name

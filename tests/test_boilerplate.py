"""Boilerplate found and offered, dropped only on the owner's word; owner corrections; what the
build says it did per speech."""
import io
from pathlib import Path

import pytest

from wenji.boilerplate import drop
from wenji.cli import Reporter
from wenji.downloads import plain_text
from wenji.errors import BuildError
from wenji.model import Line
from wenji.render import source_lines
from wenji.site import load_archive

LICENCE = "本作品是中华人民共和国的法律、法规，属于公有领域。"


class Listener:
    """A Report that keeps the warnings and the speeches' reading logs."""

    def __init__(self):
        self.warnings, self.logs = [], []

    def warn(self, msg):
        self.warnings.append(msg)

    def speech_read(self, path, speech):
        self.logs += speech.log

    def step_done(self, name, seconds):
        pass

    def progress(self, items, total, desc):
        return items


def archive(tmp_path: Path, site_toml: str = "", front: dict | None = None) -> tuple[Path, Path]:
    seeds, content = tmp_path / "seeds", tmp_path / "content"
    (content / "speeches").mkdir(parents=True)
    seeds.mkdir()
    for n in range(4):
        body = [f"这是第{n}份报告的开头。", "一、回顾", f"这是第{n}份报告的正文，说了很多话。", "二、展望", "展望的内容。", LICENCE,
                "Public domain Public domain false false"]
        (seeds / f"r{n}.txt").write_text("\n\n".join(body), encoding="utf-8")
    (content / "site.toml").write_text(site_toml, encoding="utf-8")
    for stem, text in (front or {}).items():
        (content / "speeches" / f"{stem}.md").write_text(text, encoding="utf-8")
    return seeds, content


def test_drop_and_drop_from():
    lines = [Line(t, i + 1) for i, t in enumerate(["甲。", "页脚", "乙。", "丙。", LICENCE, "尾巴"])]
    kept, dropped = drop(lines, ("^页脚$",), ("^本作品",))
    assert [l.text for l in kept] == ["甲。", "乙。", "丙。"]
    assert [l.text for l in dropped] == ["页脚", LICENCE, "尾巴"]
    assert drop(lines, (), ()) == (lines, [])


def test_the_build_notices_passages_closing_many_speeches_and_removes_nothing(tmp_path):
    seeds, content = archive(tmp_path)
    listener = Listener()
    a = load_archive(seeds, content, listener)
    assert any(w.startswith("4 speeches close with the same paragraph '本作品") for w in listener.warnings)
    assert all(LICENCE in [p.text for p in s.paragraphs()] for s in a.speeches)


def test_the_owner_drops_boilerplate_for_the_archive_and_it_stays_in_the_plain_text(tmp_path):
    seeds, content = archive(tmp_path, '[boilerplate]\ndrop_from = ["^本作品"]\n')
    listener = Listener()
    a = load_archive(seeds, content, listener)
    assert not any("本作品" in w or "Public domain" in w for w in listener.warnings)
    for s in a.speeches:
        assert [p.text for p in s.paragraphs()][-1] == "展望的内容。"
        assert plain_text(s).endswith(LICENCE + "\n\nPublic domain Public domain false false\n")
    assert "dropped as boilerplate, line 11: " + LICENCE in listener.logs


def test_the_owner_drops_a_passage_for_one_speech(tmp_path):
    seeds, content = archive(tmp_path, front={"r1": '---\ndrop: ["^Public domain"]\n---\n'})
    a = load_archive(seeds, content, Listener())
    texts = {s.stem: [p.text for p in s.paragraphs()] for s in a.speeches}
    assert "Public domain Public domain false false" not in texts["r1"]
    assert "Public domain Public domain false false" in texts["r0"]


@pytest.mark.parametrize("toml", ['[boilerplate]\ndrop = ["("]\n', '[boilerplate]\ndrop_form = ["x"]\n',
                                  'boilerplate = "x"\n'])
def test_invalid_boilerplate_rules_are_an_error_naming_site_toml(tmp_path, toml):
    seeds, content = archive(tmp_path, toml)
    with pytest.raises(BuildError) as e:
        load_archive(seeds, content)
    assert "site.toml" in str(e.value) and "boilerplate" in str(e.value)


def test_corrections_that_match_nothing_are_warned_about(tmp_path):
    seeds, content = archive(tmp_path, front={"r2": '---\nheadings: ["已经删掉的一行", 5]\nnot_headings: ["二、展望"]\n---\n'})
    listener = Listener()
    a = load_archive(seeds, content, listener)
    assert "r2.txt: headings: '已经删掉的一行' matches no line" in listener.warnings
    r2 = next(s for s in a.speeches if s.stem == "r2")
    assert [s.heading for s, _ in r2.sections()] == ["一、回顾", "这是第2份报告的正文，说了很多话。"]  # line 5 by number


def test_verbose_reports_per_speech_what_reading_did(tmp_path):
    seeds, content = archive(tmp_path)
    (seeds / "r9.txt").write_text("政府工作报告\n\n1957年6月26日在第一届全国人民代表大会第四次会议上\n\n周恩来\n\n各位代表：\n\n"
                                  "开头的话。\n\n关于教育改革问题\n\n正文，要\n\u200b\n继续说完。\n\n另一段。", encoding="utf-8")
    stream = io.StringIO()
    load_archive(seeds, content, Reporter(verbose=True, stream=stream))
    got = stream.getvalue()
    assert "  r9.txt: 政府工作报告" in got
    assert "    header lines read: 3 (title, occasion, date, speaker)" in got
    assert "    unnumbered headings taken: 1" in got
    assert "    lines joined across a line of invisible characters: 1" in got


def test_a_precise_date_in_the_text_refines_the_year_the_owner_gave(tmp_path):
    seeds, content = archive(tmp_path, front={"r9": '---\ndate: "1957"\ntitle: "1957年政府工作报告"\n---\n'})
    (seeds / "r9.txt").write_text("政府工作报告\n\n1957年6月26日在第一届全国人民代表大会第四次会议上\n\n周恩来\n\n各位代表：\n\n"
                                  "正文。", encoding="utf-8")
    s = next(s for s in load_archive(seeds, content).speeches if s.stem == "r9")
    assert s.meta.date == "1957-06-26" and s.meta.speaker == "周恩来"
    assert source_lines(s) == []  # 政府工作报告 is inside the title shown; the others are metadata


def test_header_lines_no_field_shows_stay_on_the_page_as_written(tmp_path):
    seeds, content = archive(tmp_path, front={"r9": '---\ntitle: "另一个标题"\n---\n'})
    (seeds / "r9.txt").write_text("(译自俄文稿)\n\n现在我代表中央委员会作工作报告。很长的正文写在这里，说了很多很多的话。", encoding="utf-8")
    s = next(s for s in load_archive(seeds, content).speeches if s.stem == "r9")
    assert source_lines(s) == ["(译自俄文稿)"]

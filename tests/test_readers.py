"""Speeches as they come: every format a reader knows gives the speech a .txt of the same text
gives (sections, ids, every sentence in order), none of the page around it, and bad files a
clear error naming the file and the reason."""
from __future__ import annotations

import re
import zipfile
from pathlib import Path

import docx
import pytest
from docx.oxml import parse_xml
from docx.oxml.ns import nsdecls

from sourcefiles import (CHROME, RUNNING_HEAD, SITE_SUFFIX, blocks_of, make_docx, make_encrypted_pdf, make_html,
                         make_md, make_pdf, make_scanned_pdf, number_headings, speech_text)
from wenji import readers
from wenji.downloads import plain_text
from wenji.errors import InputError
from wenji.meta import SITE_DEFAULTS
from wenji.model import Archive, Speech
from wenji.render import environment, speech_page
from wenji.site import load_speech

REPO = Path(__file__).resolve().parent.parent
REAL = REPO / "tests" / "corpus-real" / "seeds"
CN_HEAD = re.compile(r"^[一二三四五六七八九十]+、")
PAREN_HEAD = re.compile(r"^（[一二三四五六七八九十]+）")


def _blocks(name: str = "gwr-2019.txt", n: int = 60) -> list[tuple[int, str]]:
    """The first ``n`` paragraphs of a real report, its 一、 and （一） lines as declared headings."""
    out = []
    for _, text in blocks_of((REAL / name).read_text(encoding="utf-8"))[:n]:
        level = 1 if CN_HEAD.match(text) and len(text) < 40 else 2 if PAREN_HEAD.match(text) and len(text) < 40 else 0
        out.append((level, text))
    return out


def _shape(speech: Speech) -> tuple[list, list]:
    sections = [(sec.id, sec.heading) for sec, _ in speech.sections()]
    paragraphs = [(p.id, p.text) for p in speech.paragraphs()]
    return sections, paragraphs


def _load(path: Path) -> Speech:
    speech = load_speech(path, {})
    assert isinstance(speech, Speech), speech
    return speech


@pytest.fixture(scope="module")
def report(tmp_path_factory) -> tuple[list[tuple[int, str]], Speech]:
    """A real report's opening as blocks, and the speech its .txt gives."""
    blocks = _blocks()
    folder = tmp_path_factory.mktemp("txt")
    path = folder / "report.txt"
    path.write_text(speech_text(blocks), encoding="utf-8")
    return blocks, _load(path)


def test_the_report_has_structure_to_compare(report):
    _, speech = report
    sections, paragraphs = _shape(speech)
    assert len(sections) >= 10 and {"s1", "s2"} <= {i for i, _ in sections}
    assert len(paragraphs) >= 40


# --- every format: the same speech as the .txt ------------------------------------------------

@pytest.mark.parametrize("maker", ["docx", "pdf", "md", "html-gov", "html-table", "html-br", "html-center"])
def test_each_format_gives_the_speech_the_txt_gives(report, tmp_path, maker):
    blocks, txt = report
    if maker == "docx":
        path = make_docx(blocks, tmp_path / "report.docx")
    elif maker == "pdf":
        path = make_pdf(blocks, tmp_path / "report.pdf")
    elif maker == "md":
        path = tmp_path / "report.md"
        path.write_text(make_md(blocks), encoding="utf-8")
    else:
        shape = maker.split("-")[1]
        path = tmp_path / "report.html"
        path.write_bytes(make_html(blocks, "2019年政府工作报告", "2019-03-16", shape,
                                   "gb2312" if shape == "table" else "utf-8"))
    speech = _load(path)
    assert _shape(speech) == _shape(txt)
    text = "\n".join(p for _, p in _shape(speech)[1])
    assert not [c for c in CHROME if c in text]
    assert RUNNING_HEAD not in text and not re.search(r"- \d+ -", text)


def test_pdf_paragraphs_run_over_page_ends(report, tmp_path):
    blocks, txt = report
    speech = _load(make_pdf(blocks, tmp_path / "report.pdf"))
    longest = max((p for p in speech.paragraphs()), key=lambda p: len(p.text))
    assert len(longest.text) > 700  # longer than a page of 28 x 22 characters
    assert [p.text for p in speech.paragraphs()] == [p.text for p in txt.paragraphs()]


def test_pdf_page_numbers_of_other_forms_are_removed(report, tmp_path):
    blocks, txt = report
    speech = _load(make_pdf(blocks, tmp_path / "report.pdf", footer="第 {} 页"))
    assert _shape(speech) == _shape(txt)


# --- Word ------------------------------------------------------------------------------------

def test_docx_heading_styles_without_numbers_become_sections_at_their_level(tmp_path):
    blocks = [(0, "各位代表："), (1, "过去一年的工作"), (0, "过去一年，我们做了很多工作。"), (2, "经济发展"),
              (0, "经济运行总体平稳。"), (2, "社会事业"), (0, "民生持续改善。"), (1, "今年的工作"), (0, "今年要继续努力。")]
    speech = _load(make_docx(blocks, tmp_path / "speech.docx", title="在全市工作会议上的讲话"))
    assert speech.meta.title == "在全市工作会议上的讲话"
    assert [(s.id, s.heading, s.depth) for s, _ in speech.sections()] == [
        ("s1", "过去一年的工作", 1), ("s1-1", "经济发展", 2), ("s1-2", "社会事业", 2), ("s2", "今年的工作", 1)]
    assert "unnumbered headings the docx file declared: 4" in speech.log  # what -v says
    assert [p.text for p in speech.paragraphs()] == ["各位代表：", "过去一年，我们做了很多工作。", "经济运行总体平稳。",
                                                     "民生持续改善。", "今年要继续努力。"]


def test_docx_numbered_heading_styles_follow_the_numbering(tmp_path):
    blocks = [(1, "一、总体要求"), (0, "要坚持稳中求进。"), (2, "（一）稳增长"), (0, "扩大内需。"), (1, "二、重点任务"),
              (0, "抓好落实。")]
    speech = _load(make_docx(blocks, tmp_path / "speech.docx"))
    assert [(s.id, s.heading) for s, _ in speech.sections()] == [
        ("s1", "一、总体要求"), ("s1-1", "（一）稳增长"), ("s2", "二、重点任务")]


def test_docx_headings_numbered_by_word_are_numbered_in_the_text(tmp_path):
    blocks = [(0, "各位代表："), (1, "总体要求"), (0, "要坚持稳中求进。"), (2, "稳增长"), (0, "扩大内需。"), (2, "防风险"),
              (0, "守住底线。"), (1, "重点任务"), (2, "抓改革"), (0, "抓好落实。")]
    path = number_headings(make_docx(blocks, tmp_path / "speech.docx"))
    assert "总体要求" in docx.Document(path).paragraphs[1].text and "一" not in docx.Document(path).paragraphs[1].text
    speech = _load(path)
    assert [(s.id, s.heading) for s, _ in speech.sections()] == [
        ("s1", "一、总体要求"), ("s1-1", "（一）稳增长"), ("s1-2", "（二）防风险"), ("s2", "二、重点任务"), ("s2-1", "（一）抓改革")]


def test_docx_breaks_hyphens_tabs_tables_and_footnotes(tmp_path):
    d = docx.Document()
    p = d.add_paragraph()
    p.add_run("　　第一句话讲完了。")
    p.add_run().add_break()  # a manual line break after a sentence: two paragraphs, as in a .txt
    p.add_run("第二段从这里开始，软\u00ad连字符不见了，制表符\t保留。")
    q = d.add_paragraph("一段")
    q.add_run().add_break(docx.enum.text.WD_BREAK.PAGE)  # a page break is no text
    q.add_run("接着写完。")
    t = d.add_table(rows=2, cols=2)
    for r, row in enumerate([["指标", "数值"], ["国内生产总值增长", "6.6%"]]):
        for c, cell in enumerate(row):
            t.cell(r, c).text = cell
    path = tmp_path / "speech.docx"
    d.save(path)
    speech = _load(path)
    assert [p.text for p in speech.paragraphs()] == [
        "第一句话讲完了。", "第二段从这里开始，软连字符不见了，制表符\t保留。", "一段接着写完。", "指标\t数值", "国内生产总值增长\t6.6%"]


def test_docx_tracked_changes_read_as_accepted(tmp_path):
    d = docx.Document()
    p = d.add_paragraph("我们要")
    p._p.append(parse_xml(
        f'<w:del {nsdecls("w")} w:id="1" w:author="a"><w:r><w:delText>删掉的话，</w:delText></w:r></w:del>'))
    p._p.append(parse_xml(f'<w:ins {nsdecls("w")} w:id="2" w:author="a"><w:r><w:t>坚持</w:t></w:r></w:ins>'))
    p._p.append(parse_xml(f'<w:moveFrom {nsdecls("w")} w:id="3" w:author="a"><w:r><w:t>挪走的话</w:t></w:r></w:moveFrom>'))
    p.add_run("稳中求进。")
    path = tmp_path / "speech.docx"
    d.save(path)
    assert [p.text for p in _load(path).paragraphs()] == ["我们要坚持稳中求进。"]


def test_docx_footnotes_become_marks_and_a_notes_list(tmp_path):
    blocks = [(0, "各位代表："), (0, "我们坚持稳中求进工作总基调，推动高质量发展。"), (0, "全面建成小康社会取得决定性成就。")]
    path = make_docx(blocks, tmp_path / "speech.docx", footnotes={"总基调": "见中央经济工作会议公报。",
                                                                   "小康社会": "指人民生活宽裕的社会。"})
    source = readers.read(path)
    lines = source.text.split("\n\n")
    assert "我们坚持稳中求进工作总基调[1]，推动高质量发展。" in lines
    assert "全面建成小康社会[2]取得决定性成就。" in lines
    assert lines[-3:] == ["注释", "[1] 见中央经济工作会议公报。", "[2] 指人民生活宽裕的社会。\n"]


# --- web pages -------------------------------------------------------------------------------

def test_web_page_title_and_date_come_from_the_page(report, tmp_path):
    blocks, _ = report
    path = tmp_path / "page.html"
    path.write_bytes(make_html(blocks, "2019年政府工作报告", "2019-03-16"))
    speech = _load(path)
    assert speech.meta.title == "2019年政府工作报告" and SITE_SUFFIX not in speech.meta.title
    assert speech.meta.date == "2019-03-16"


def test_web_page_date_from_the_publication_line_without_meta_tags(report, tmp_path):
    blocks, _ = report
    path = tmp_path / "page.htm"
    path.write_bytes(make_html(blocks[:20], "2019年政府工作报告", "2022-06-05", "table", "gb2312", meta_date=False))
    speech = _load(path)
    assert speech.meta.date == "2022-06-05"
    assert speech.meta.title == "2019年政府工作报告"
    assert speech.encoding == "gb18030"


def test_the_texts_own_date_line_wins_over_the_publication_date(tmp_path):
    blocks = [(0, "在全省经济工作会议上的讲话"), (0, "（2021年12月20日）"), (0, "同志们："),
              (0, "今年以来，全省上下认真贯彻落实党中央决策部署，经济运行稳中向好，发展质量持续提升。" * 3)] * 1
    path = tmp_path / "page.html"
    path.write_bytes(make_html(blocks, "在全省经济工作会议上的讲话", "2022-01-05"))
    speech = _load(path)
    assert speech.meta.date == "2021-12-20"


def test_html_in_the_article_is_text(tmp_path):
    blocks = [(0, "各位代表："), (0, "<script>alert(1)</script> 与 & 号照原样保留，**市、×××也是。" * 3)]
    path = tmp_path / "page.html"
    path.write_bytes(make_html(blocks, "讲话", "2020-01-01"))
    text = [p.text for p in _load(path).paragraphs()]
    assert text[1].startswith("<script>alert(1)</script> 与 & 号照原样保留，**市、×××也是。")


# --- Markdown --------------------------------------------------------------------------------

def test_markdown_headings_escapes_and_emphasis(tmp_path):
    path = tmp_path / "speech.md"
    path.write_text("# 在全市大会上的讲话\n\n同志们：\n\n## 一、工作回顾\n\n今年**全市**经济\n增长，\\*\\*市完成*x.xx*万元。\n\n"
                    "## 总结\n\n### 几点体会\n\n[文件](http://example.org)已经印发，`代码`照录。\n", encoding="utf-8")
    speech = _load(path)
    assert speech.meta.title == "在全市大会上的讲话"
    assert [(s.id, s.heading) for s, _ in speech.sections()] == [("s1", "一、工作回顾"), ("s2", "总结"), ("s2-1", "几点体会")]
    assert [p.text for p in speech.paragraphs()] == ["同志们：", "今年全市经济增长，**市完成x.xx万元。", "文件已经印发，代码照录。"]
    assert speech.masks >= 1


def test_markdown_footnotes_become_marks_and_a_notes_list(tmp_path):
    path = tmp_path / "speech.md"
    path.write_text("各位代表：\n\n我们坚持稳中求进工作总基调[^a]，推动高质量发展[^b]。\n\n"
                    "[^a]: 见中央经济工作会议公报。\n[^b]: 指*更高*质量的发展。\n", encoding="utf-8")
    lines = readers.read(path).text.split("\n\n")
    assert lines == ["各位代表：", "我们坚持稳中求进工作总基调[1]，推动高质量发展[2]。", "注释",
                     "[1] 见中央经济工作会议公报。", "[2] 指更高质量的发展。\n"]


# --- footnotes of Word and Markdown: real notes on the page ------------------------------------

NOTES = ["见中央经济工作会议公报。", "指人民生活宽裕的社会。", "指更高质量的发展。"]


def _notes_on_the_page(speech: Speech, repo_root: Path) -> None:
    """The speech's three notes are a notes list (#fn1…) linked from their marks and back, and
    the 注释 line the reader wrote above them is no paragraph of the speech."""
    assert [(p.kind, p.note, p.text) for p in speech.paragraphs()][-3:] == [
        ("note", n, f"[{n}] {text}") for n, text in enumerate(NOTES, 1)]
    assert "注释" not in [p.text for p in speech.paragraphs()]
    assert speech.footnotes == {"[1]": 1, "[2]": 2, "[3]": 3}
    html = speech_page(environment(repo_root / "templates"), Archive([speech], dict(SITE_DEFAULTS)), speech, None, None)
    for n in (1, 2, 3):
        mark = re.search(rf'<a href="#fn{n}" id="(fnref{n}-\d+)" aria-label="注{n}">\[{n}\]</a>', html)
        assert mark, n
        assert re.search(rf'<li id="fn{n}"><p id="p\d+" class="note"[^>]*><a class="fnback" href="#{mark.group(1)}"', html)
    assert plain_text(speech).endswith("\n\n注释\n\n" + "\n\n".join(f"[{n}] {t}" for n, t in enumerate(NOTES, 1)) + "\n")


def test_docx_footnotes_are_notes_linked_both_ways(tmp_path, repo_root):
    # more notes than paragraphs: the notes are the format's, taken wherever they stand
    blocks = [(0, "各位代表："), (0, "我们坚持稳中求进工作总基调，全面建成小康社会，推动高质量发展。")]
    path = make_docx(blocks, tmp_path / "speech.docx", footnotes=dict(zip(["总基调", "小康社会", "高质量发展"], NOTES)))
    _notes_on_the_page(_load(path), repo_root)


def test_markdown_footnotes_are_notes_linked_both_ways(tmp_path, repo_root):
    path = tmp_path / "speech.md"
    path.write_text("# 在全市大会上的讲话\n\n各位代表：\n\n我们坚持稳中求进工作总基调[^a]，全面建成小康社会[^b]，"
                    "推动高质量发展[^c]。\n\n" + "".join(f"[^{k}]: {t}\n" for k, t in zip("abc", NOTES)), encoding="utf-8")
    speech = _load(path)
    assert speech.meta.title == "在全市大会上的讲话"
    _notes_on_the_page(speech, repo_root)


# --- bad files -------------------------------------------------------------------------------

def _bad_files(folder: Path) -> dict[str, str]:
    """file name -> what its error must say."""
    blocks = _blocks(n=12)
    make_scanned_pdf(folder / "scan.pdf")
    make_encrypted_pdf(blocks, folder / "locked.pdf")
    (folder / "broken.pdf").write_bytes(b"%PDF-1.4\n" + b"\x00garbage" * 50)
    (folder / "broken.docx").write_bytes(b"PK\x03\x04 this is no zip archive at all")
    with zipfile.ZipFile(folder / "notword.docx", "w") as z:
        z.writestr("hello.txt", "not a Word document")
    (folder / "old.docx").write_bytes(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 600)
    (folder / "nav.html").write_text("<html><head><title>首页</title></head><body><ul><li><a href='/'>首页</a></li>"
                                     "</ul><script>var a=1;</script></body></html>", encoding="utf-8")
    return {"scan.pdf": "no text layer; run OCR first", "locked.pdf": "encrypted PDF",
            "broken.pdf": "not a PDF", "broken.docx": "not a Word .docx", "notword.docx": "not a Word .docx",
            "old.docx": "Word 97–2003 .doc", "nav.html": "no article found in the page"}


def test_bad_files_are_errors_naming_file_and_reason(tmp_path):
    for name, reason in _bad_files(tmp_path).items():
        got = load_speech(tmp_path / name, {})
        assert isinstance(got, InputError), name
        assert got.path == tmp_path / name and reason in got.reason, (name, got.reason)


def test_a_pdf_restricted_but_not_locked_is_read(tmp_path):
    blocks = [(0, "各位代表："), (0, "现在，我代表国务院，向大会报告政府工作。")]
    speech = _load(make_encrypted_pdf(blocks, tmp_path / "restricted.pdf", owner_only=True))
    assert [p.text for p in speech.paragraphs()] == ["各位代表：", "现在，我代表国务院，向大会报告政府工作。"]

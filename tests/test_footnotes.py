"""Footnotes: notes at the end leave the body, marks in the text link to them and back."""
from wenji.footnotes import split_notes
from wenji.meta import SITE_DEFAULTS
from wenji.model import Archive, Line
from wenji.render import environment, first_marks, speech_page, with_marks
from wenji.site import load_speech

BODY = ["正文第一段提到上届代表会议[1]以来的工作。", "正文第二段说到日报[2]的出版。", "正文第三段。", "正文第四段。"]


def lines(*texts):
    return [Line(t, i + 1) for i, t in enumerate(texts)]


def test_web_page_notes_after_arrows_pair_with_bracket_marks_in_order():
    body, notes, marks = split_notes(lines(*BODY, "↑", "为代表大会之误，下同。", "↑", "此处俄文稿为日报。"))
    assert [l.text for l in body] == BODY
    assert [(n.kind, n.note, n.text) for n in notes] == [("note", 1, "为代表大会之误，下同。"), ("note", 2, "此处俄文稿为日报。")]
    assert marks == {"[1]": 1, "[2]": 2}


def test_printed_notes_under_a_notes_heading_pair_with_circled_marks():
    text = ["事物是人民群众自己创造的。①这是第一段。", "需要新的语言”。②第二段。", "第三段。", "第四段。", "注：",
            "① 列宁：《全俄中央执行委员会会议》。", "② 马克思：《经济学手稿》。"]
    body, notes, marks = split_notes(lines(*text))
    assert [l.text for l in body] == text[:5]  # 注： stays, as written
    assert [n.text for n in notes] == text[5:] and marks == {"①": 1, "②": 2}


def test_no_notes_no_change():
    assert split_notes(lines(*BODY)) == (lines(*BODY), [], {})
    # an arrow in the first half is no note
    body, notes, _ = split_notes(lines("↑", "上升的箭头", *BODY))
    assert notes == [] and len(body) == 6


def test_notes_a_reader_declares_are_taken_wherever_they_stand_and_its_notes_line_leaves():
    text = ["正文提到总基调[1]和小康社会[2]。", "注释", "[1] 见公报。", "[2] 指宽裕的社会。", "[3] 未引用的注。"]
    body, notes, marks = split_notes(lines(*text), declared=2)
    assert [l.text for l in body] == text[:1]
    assert [(n.note, n.text) for n in notes] == [(1, text[2]), (2, text[3]), (3, text[4])]
    assert marks == {"[1]": 1, "[2]": 2}
    # the same lines in a .txt: a notes line in the first half of a text is none
    assert split_notes(lines(*text)) == (lines(*text), [], {})


def test_marks_become_links_and_a_mark_at_the_start_is_a_list_marker():
    html = with_marks("①开头的不是注。会议[1]以来，**市[1]", {"[1]": 1, "①": 2})
    assert html.startswith("①开头")
    assert '<sup class="fnref"><a href="#fn1" id="fnref1-10" aria-label="注1">[1]</a></sup>' in html
    assert '<span class="mask"' in html  # masks still shown as such


def test_a_speech_with_notes_renders_a_notes_list_with_ids_and_back_links(tmp_path, repo_root):
    src = tmp_path / "s.txt"
    src.write_text("\n\n".join(["各位代表：", *BODY, "↑", "为代表大会之误。", "↑", "原文如此。"]), encoding="utf-8")
    speech = load_speech(src, {"title": "测试"})
    assert [p.kind for p in speech.paragraphs()][-2:] == ["note", "note"]
    assert "footnotes: 2, linked from 2 marks" in speech.log
    assert first_marks(speech) == {1: "fnref1-13", 2: "fnref2-9"}
    html = speech_page(environment(repo_root / "templates"), Archive([speech], dict(SITE_DEFAULTS)), speech, None, None)
    assert '<li id="fn1">' in html and '<a class="fnback" href="#fnref1-13"' in html
    assert 'id="fnref1-13"' in html and "↑</p>" not in html

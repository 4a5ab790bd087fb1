"""Speeches as they come, generated for tests and benchmarks: Word files (python-docx), PDFs
(reportlab, with the CJK CID font STSong-Light), pages saved from government websites (with
their navigation, breadcrumbs, sidebars, share buttons, footers and scripts) and Markdown.

Each maker takes a speech as a list of blocks: ``(level, text)`` where level 0 is a paragraph
and 1–6 a heading at that level, so a test can compare what a reader gives with the text.
"""
from __future__ import annotations

import html
import re
from pathlib import Path

import docx
from docx.opc.constants import RELATIONSHIP_TYPE as RT
from docx.opc.packuri import PackURI
from docx.opc.part import XmlPart
from docx.oxml import parse_xml
from docx.oxml.ns import nsdecls, qn
from docx.shared import Pt
from reportlab import rl_config
from reportlab.lib import pdfencrypt
from reportlab.lib.pagesizes import A4
from reportlab.lib.units import mm
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.cidfonts import UnicodeCIDFont
from reportlab.pdfgen import canvas

CHROME = [  # strings of the website around the article: none may reach the speech
    "网站首页", "当前位置", "相关新闻", "分享到", "微信", "版权所有", "网站地图", "联系我们", "京ICP备",
    "主办单位", "字号", "打印本页", "关闭窗口", "责任编辑", "扫一扫在手机打开", "document.write", "var _hmt",
    "热点专题", "上一篇", "下一篇",
]

Blocks = list[tuple[int, str]]


def blocks_of(text: str) -> Blocks:
    """A plain text as blocks, one per non-empty line (all paragraphs: the markers make headings),
    except that a number the web copy put on a line of its own (a subscript, ``广义货币M`` / ``2``
    / ``和社会…``, or a reference mark) goes back into the line around it: a page whose paragraphs
    are lines joins such a piece, a .txt whose paragraphs are blocks cannot, and the comparisons
    are of formats, not of that debris."""
    blocks: Blocks = []
    glue = False
    for line in (raw.strip() for raw in text.splitlines()):
        if not line:
            continue
        if blocks and (glue or LONE_NUMBER.match(line)):
            blocks[-1] = (0, blocks[-1][1] + line)
            glue = not glue
        else:
            blocks.append((0, line))
    return blocks


LONE_NUMBER = re.compile(r"^[0-9]{1,3}$")


def speech_text(blocks: Blocks) -> str:
    """The same speech as a .txt: one block per line, blank lines between."""
    return "\n\n".join(text for _, text in blocks) + "\n"


# --- Word -----------------------------------------------------------------------------------

def make_docx(blocks: Blocks, path: Path, footnotes: dict[str, str] | None = None, title: str = "",
              table: list[list[str]] | None = None) -> Path:
    """A .docx: headings in Word's heading styles, paragraphs with a first-line indent.
    ``footnotes`` maps a word of the text to a note: a real footnote is attached after it."""
    d = docx.Document()
    if title:
        d.add_paragraph(title, style="Title")
    for level, text in blocks:
        if level:
            d.add_heading(text, level=level)
            continue
        p = d.add_paragraph()
        p.paragraph_format.first_line_indent = Pt(24)
        rest = text
        for word, note in (footnotes or {}).items():
            if word in rest:
                before, rest = rest.split(word, 1)
                p.add_run(before + word)
                _footnote(d, p, note)
        p.add_run(rest)
    if table:
        t = d.add_table(rows=len(table), cols=len(table[0]))
        for r, row in enumerate(table):
            for c, cell in enumerate(row):
                t.cell(r, c).text = cell
    d.save(path)
    return path


def number_headings(path: Path, formats: tuple[tuple[str, str], ...] = (("chineseCounting", "%1、"),
                                                                        ("chineseCounting", "（%2）"))) -> Path:
    """Number the heading paragraphs of a .docx the way Word's multilevel lists do: a numbering
    definition whose levels give ``一、`` and ``（一）``, the numbers kept out of the text."""
    d = docx.Document(path)
    numbering = d.part.numbering_part.element
    levels = "".join(f'<w:lvl w:ilvl="{i}"><w:start w:val="1"/><w:numFmt w:val="{fmt}"/><w:suff w:val="nothing"/>'
                     f'<w:lvlText w:val="{text}"/></w:lvl>' for i, (fmt, text) in enumerate(formats))
    numbering.insert(0, parse_xml(f'<w:abstractNum {nsdecls("w")} w:abstractNumId="90">{levels}</w:abstractNum>'))
    numbering.append(parse_xml(f'<w:num {nsdecls("w")} w:numId="90"><w:abstractNumId w:val="90"/></w:num>'))
    for p in d.paragraphs:
        if p.style.name.startswith("Heading "):
            level = int(p.style.name.split()[-1]) - 1
            p._p.get_or_add_pPr().append(parse_xml(
                f'<w:numPr {nsdecls("w")}><w:ilvl w:val="{level}"/><w:numId w:val="90"/></w:numPr>'))
    d.save(path)
    return path


def _footnote(document, paragraph, note: str) -> None:
    """A footnote reference in ``paragraph`` and its note in the footnotes part (python-docx has
    no API for footnotes: the part is written as Word writes it)."""
    main = document.part
    part = next((r.target_part for r in main.rels.values() if r.reltype == RT.FOOTNOTES), None)
    if part is None:
        xml = (f'<w:footnotes {nsdecls("w")}><w:footnote w:type="separator" w:id="-1"><w:p><w:r>'
               '<w:separator/></w:r></w:p></w:footnote><w:footnote w:type="continuationSeparator" w:id="0">'
               '<w:p><w:r><w:continuationSeparator/></w:r></w:p></w:footnote></w:footnotes>')
        part = XmlPart(PackURI("/word/footnotes.xml"),
                       "application/vnd.openxmlformats-officedocument.wordprocessingml.footnotes+xml",
                       parse_xml(xml), main.package)
        main.relate_to(part, RT.FOOTNOTES)
    n = len(part.element.findall(qn("w:footnote"))) - 1
    part.element.append(parse_xml(
        f'<w:footnote {nsdecls("w")} w:id="{n}"><w:p><w:r><w:footnoteRef/></w:r>'
        f'<w:r><w:t xml:space="preserve"> {html.escape(note)}</w:t></w:r></w:p></w:footnote>'))
    run = paragraph.add_run()
    run._r.append(parse_xml(f'<w:footnoteReference {nsdecls("w")} w:id="{n}"/>'))


# --- PDF ------------------------------------------------------------------------------------

FONT = "STSong-Light"
pdfmetrics.registerFont(UnicodeCIDFont(FONT))
rl_config.useA85 = 0  # streams deflated only, as PDF producers write them (not also in ASCII85)
RUNNING_HEAD = "中华人民共和国国务院公报"


def make_pdf(blocks: Blocks, path: Path, size: float = 16, footer: str = "- {} -") -> Path:
    """An A4 PDF as a gazette prints it (GB/T 9704: 28 characters a line at 16 pt), lines broken
    at the text width, first lines indented by two characters, a running head and a page number
    on every page. Fonts: reportlab's CID font STSong-Light (not embedded, UniGB-UCS2-H)."""
    c = canvas.Canvas(str(path), pagesize=A4, pageCompression=1)
    c.setTitle("")
    page_w, page_h = A4
    left, width, top, bottom, lead = 28 * mm, 156 * mm, page_h - 37 * mm, 35 * mm, size * 1.75
    state = {"page": 1, "y": top}

    def decorate() -> None:
        c.setFont(FONT, 10)
        c.drawString(left, page_h - 20 * mm, RUNNING_HEAD)
        c.drawRightString(left + width, page_h - 20 * mm, "2019年第9号")
        c.setFont(FONT, 12)
        c.drawCentredString(page_w / 2, 20 * mm, footer.format(state["page"]))

    def line(s: str, x: float) -> None:
        if state["y"] < bottom:
            c.showPage()
            state["page"] += 1
            state["y"] = top
            decorate()
        c.setFont(FONT, size)
        c.drawString(x, state["y"], s)
        state["y"] -= lead

    decorate()
    for level, text in blocks:
        indent = 0 if level else 2 * size
        cur, first = "", True
        for ch in text:
            if pdfmetrics.stringWidth(cur + ch, FONT, size) > width - (indent if first else 0):
                line(cur, left + (indent if first else 0))
                cur, first = "", False
            cur += ch
        if cur:
            line(cur, left + (indent if first else 0))
    c.save()
    return path


def make_scanned_pdf(path: Path) -> Path:
    """A PDF whose pages are only pictures: what a scanner makes, no text layer."""
    c = canvas.Canvas(str(path), pagesize=A4)
    for _ in range(2):
        for i in range(20):
            c.rect(80, 700 - i * 30, 400, 12, fill=1)
        c.showPage()
    c.save()
    return path


def make_encrypted_pdf(blocks: Blocks, path: Path, password: str = "secret", owner_only: bool = False) -> Path:
    """A PDF that opens only with a password or, ``owner_only``, one that opens without and only
    forbids copying (as many published PDFs do)."""
    encrypt = (pdfencrypt.StandardEncryption("", ownerPassword=password, canCopy=0) if owner_only
               else pdfencrypt.StandardEncryption(password, canPrint=0))
    c = canvas.Canvas(str(path), pagesize=A4, encrypt=encrypt)
    c.setFont(FONT, 16)
    y = 760
    for _, text in blocks[:20]:
        c.drawString(80, y, text[:26])
        y -= 28
    c.save()
    return path


# --- web pages ------------------------------------------------------------------------------

SITE_SUFFIX = "_中国政府网"


def _nav() -> str:
    items = "".join(f'<li><a href="/{i}/">{name}</a></li>' for i, name in enumerate(
        ["网站首页", "国务院", "总理", "新闻", "政策", "互动", "服务", "数据", "国情"]))
    return f'<div class="header"><div class="logo"><a href="/">中国政府网</a></div><ul class="nav">{items}</ul></div>'


def _sidebar() -> str:
    links = "".join(f'<li><a href="/news/{i}.htm">国务院常务会议部署推进第{i}批重点项目建设工作安排</a></li>'
                    for i in range(1, 9))
    return (f'<div class="sidebar"><h3>相关新闻</h3><ul>{links}</ul><h3>热点专题</h3>'
            '<ul><li><a href="/zt/1">2024年全国两会</a></li><li><a href="/zt/2">学习贯彻党的二十大精神</a></li></ul></div>')


def _footer() -> str:
    return ('<div class="footer"><p><a href="/about">关于本网</a> | <a href="/map">网站地图</a> | '
            '<a href="/contact">联系我们</a></p><p>版权所有：中国政府网 中文域名：中国政府网.政务</p>'
            '<p>主办单位：国务院办公厅 运行维护单位：中国政府网运行中心</p><p>京ICP备05070218号</p></div>'
            '<script>var _hmt = _hmt || []; document.write("<span>统计</span>");</script>')


def _share() -> str:
    return ('<div class="share">分享到：<a href="#">微信</a><a href="#">微博</a><a href="#">QQ空间</a>'
            '<span class="qr">扫一扫在手机打开当前页</span></div>'
            '<div class="tools"><a href="javascript:window.print()">打印本页</a> '
            '<a href="javascript:window.close()">关闭窗口</a></div>')


def _body_html(blocks: Blocks, shape: str) -> str:
    out = []
    for level, text in blocks:
        t = html.escape(text)
        if level:
            out.append(f"<h{level + 1}>{t}</h{level + 1}>" if shape != "br" else f"<strong>{t}</strong><br>")
        elif shape == "br":  # the article as one block of text with <br> between paragraphs
            out.append(f"&nbsp;&nbsp;&nbsp;&nbsp;{t}<br><br>\n")
        elif shape == "center":
            centred = re.match(r"^[一二三四五六七八九十]+、", text) and len(text) < 40
            style = "text-align: center;" if centred else "text-indent: 2em;"
            out.append(f'<p style="{style}">{"<strong>" + t + "</strong>" if centred else t}</p>')
        else:
            out.append(f'<p style="text-indent: 2em;">{t}</p>')
    return "\n".join(out)


def make_html(blocks: Blocks, title: str, published: str, shape: str = "gov", encoding: str = "utf-8",
              meta_date: bool = True) -> bytes:
    """A page saved from a government website, in one of four shapes:
    - ``gov``: a portal article (meta tags, breadcrumbs, h1, info line 发布时间, paragraphs in <p>);
    - ``table``: an older provincial site laid out with tables, declared as gb2312 in a meta tag;
    - ``br``: a content-management page whose article is one block with <br> between paragraphs;
    - ``center``: a news site whose section heads are centred bold paragraphs, editor line at the end.
    """
    charset = "gb2312" if encoding.lower() in ("gb2312", "gbk", "gb18030") else encoding
    meta = (f'<meta name="ArticleTitle" content="{html.escape(title)}">'
            f'<meta name="PubDate" content="{published} 10:00">' if meta_date else "")
    head = (f'<!DOCTYPE html><html><head><meta http-equiv="Content-Type" content="text/html; charset={charset}">'
            f'<title>{html.escape(title)}{SITE_SUFFIX}</title>{meta}'
            '<link rel="stylesheet" href="/css/main.css"><script src="/js/jquery.js"></script></head><body>')
    crumbs = '<div class="crumbs">当前位置：<a href="/">首页</a> &gt; <a href="/news/">新闻</a> &gt; 要闻</div>'
    info = (f'<div class="pages-date">发布时间：{published} 10:00 来源：新华社 '
            '<span class="font">字号：<a>大</a> <a>中</a> <a>小</a></span></div>')
    body = _body_html(blocks, shape)
    editor = '<div class="editor">【责任编辑：王小明】</div>'
    prevnext = '<div class="pn"><a href="/a.htm">上一篇：国务院关于印发若干政策措施的通知</a><a href="/b.htm">下一篇：国务院办公厅关于进一步优化营商环境的意见</a></div>'
    if shape == "table":
        page = (f'{head}<table width="100%"><tr><td colspan="2">{_nav()}</td></tr><tr><td width="25%">{_sidebar()}</td>'
                f'<td><table><tr><td>{crumbs}</td></tr><tr><td class="title"><h1>{html.escape(title)}</h1></td></tr>'
                f'<tr><td>{info}</td></tr><tr><td class="content"><div id="zoom">{body}</div></td></tr>'
                f'<tr><td>{_share()}{editor}</td></tr></table></td></tr><tr><td colspan="2">{_footer()}</td></tr>'
                '</table></body></html>')
    else:
        article = (f'<div class="article"><h1>{html.escape(title)}</h1>{info}'
                   f'<div class="pages_content" id="UCAP-CONTENT">{body}</div>{editor}{_share()}{prevnext}</div>')
        page = (f'{head}{_nav()}<div class="main">{crumbs}{article}{_sidebar()}</div>{_footer()}'
                '<script>(function(){var s=document.createElement("script");})();</script></body></html>')
    return page.encode("gb18030" if charset == "gb2312" else encoding)


# --- Markdown -------------------------------------------------------------------------------

def md_escape(text: str) -> str:
    """Text escaped so Markdown keeps it as written (masks ** and * in particular)."""
    return re.sub(r"([\\`*_{}\[\]<>#+!|])", r"\\\1", text)


def make_md(blocks: Blocks, title: str = "") -> str:
    out = [f"# {md_escape(title)}"] if title else []
    for level, text in blocks:
        out.append(f"{'#' * (level + 1)} {md_escape(text)}" if level else md_escape(text))
    return "\n\n".join(out) + "\n"

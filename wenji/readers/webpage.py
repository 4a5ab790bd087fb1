"""Web pages (.html, .htm) saved from a government website: the article only.

trafilatura finds the article (measured on four page shapes a portal, an older table-laid
provincial site, a content system writing <br> between paragraphs and a news site with centred
section heads: every sentence kept, in order, and of twenty strings of the site around it only
the editor line left in three shapes; readability-lxml left nine of them in the <br> shape).
The editor line (``【责任编辑：…】``) and the page's own title and publication line, where the
article repeats them, are then taken off. The title is the article heading (``ArticleTitle`` /
``og:title`` meta, else the single ``<h1>``, else the ``<title>`` without the site's suffix);
the date the publication line (``发布时间：2022-06-05``) or a publication meta tag. Headings
inside the article keep their level. The page is decoded as it declares (``<meta charset>``,
with GB2312 and GBK read as their superset GB18030), else as a .txt is.
"""
from __future__ import annotations

import codecs
import re
from pathlib import Path

import lxml.etree
import lxml.html
import trafilatura

from ..errors import InputError
from ..model import Source
from ..read import BOMS, ReadError, decode
from .blocks import Block, collapse, html_blocks, source_of

DECLARED = re.compile(rb"""<meta[^>]+charset\s*=\s*["']?\s*([A-Za-z0-9_.:-]+)""", re.IGNORECASE)
SUPERSETS = {"gb2312": "gb18030", "gbk": "gb18030", "x-gbk": "gb18030", "euc-cn": "gb18030", "big5": "big5hkscs"}
_DATE = r"((?:19|20)\d{2})\s*[-年/.]\s*(\d{1,2})\s*[-月/.]\s*(\d{1,2})"
PUBLICATION_LINE = re.compile(rf"(?:发布时间|发布日期|发表时间|发文日期|成文日期|日期|时间)\s*[：:]\s*{_DATE}")
DATE_META = ("pubdate", "publishdate", "publish_date", "firstpublishedtime", "article:published_time",
             "og:release_date", "dc.date", "dc.date.issued", "dcterms.issued", "date", "releasedate")
TITLE_META = ("articletitle", "og:title", "dc.title")
SITE_SUFFIX = re.compile(r"\s*(?:[_|｜]|\s[-–—]\s|——|－).*$")
EDITOR_LINE = re.compile(r"^[【\[（(]?\s*(?:责任编辑|责编|编辑|审核|校对|监制|来源)\s*[：:].{0,40}[】\]）)]?$")
INFO_LINE = re.compile(rf"^.{{0,20}}{PUBLICATION_LINE.pattern}.*$|^.*(?:字号|打印本页|分享到).*$")
HEAD_REND = re.compile(r"^h([1-6])$")
TRAFILATURA_TAGS = {"lb": "br", "item": "li", "row": "tr", "cell": "td", "list": "ul", "quote": "blockquote",
                    "hi": "span", "ref": "span", "code": "pre", "graphic": "span", "main": "div", "doc": "div"}


def read(path: Path, encoding: str = "") -> Source | InputError:
    data = path.read_bytes()
    try:
        html, used = _decode(data, encoding)
    except ReadError as e:
        return InputError(path, e.reason, e.line)
    page = lxml.html.document_fromstring(html)
    xml = trafilatura.extract(html, output_format="xml", favor_precision=True, include_tables=True,
                              include_comments=False, include_links=False, include_images=False,
                              include_formatting=False, with_metadata=False)
    if not xml:
        return InputError(path, "no article found in the page")
    title = _title(page)
    blocks = _article_blocks(lxml.etree.fromstring(xml.encode("utf-8")), title)
    if not blocks:
        return InputError(path, "no article found in the page")
    return source_of(blocks, encoding=used, title=title, date=_date(page))


def _decode(data: bytes, encoding: str) -> tuple[str, str]:
    if not encoding and not any(data.startswith(bom) for bom, _ in BOMS):
        declared = DECLARED.search(data[:4096])
        if declared:
            name = declared.group(1).decode("ascii").lower()
            try:
                encoding = codecs.lookup(SUPERSETS.get(name, name)).name
            except LookupError:
                encoding = ""
            if encoding:
                try:
                    return data.decode(encoding), encoding
                except UnicodeDecodeError:
                    encoding = ""  # declared wrongly: detect it as a .txt's is
    return decode(data, encoding)


def _article_blocks(doc, title: str) -> list[Block]:
    for el in doc.iter():
        if el.tag == "head":
            m = HEAD_REND.match(el.get("rend", ""))
            el.tag = f"h{m.group(1)}" if m else "h2"
        else:
            el.tag = TRAFILATURA_TAGS.get(el.tag, el.tag)
    blocks = html_blocks(doc)
    while blocks and (blocks[0][1] == title or INFO_LINE.match(blocks[0][1])):
        blocks.pop(0)  # the page's heading and publication line, repeated at the top
    while blocks and EDITOR_LINE.match(blocks[-1][1]):
        blocks.pop()
    top = min((level for level, _ in blocks if level), default=1)
    return [(level - top + 1 if level else 0, text) for level, text in blocks]


def _meta(page, names: tuple[str, ...]) -> str:
    found = {}
    for m in page.iter("meta"):
        name = (m.get("name") or m.get("property") or m.get("itemprop") or "").strip().lower()
        if name in names and (m.get("content") or "").strip():
            found.setdefault(name, m.get("content").strip())
    return next((found[n] for n in names if n in found), "")


def _title(page) -> str:
    title = collapse(_meta(page, TITLE_META))
    if not title:
        h1 = [collapse(h.text_content()) for h in page.iter("h1")]
        title = h1[0] if len(h1) == 1 else ""
    if not title:
        tag = page.find(".//title")
        title = SITE_SUFFIX.sub("", collapse(tag.text_content())) if tag is not None else ""
    return title


def _date(page) -> str:
    """The publication date: a meta tag's, else the publication line's; '' when neither says."""
    m = re.match(rf"\s*{_DATE}", _meta(page, DATE_META))
    if not m:
        m = PUBLICATION_LINE.search(" ".join(collapse(t) for t in page.xpath("//body//text()[not(ancestor::script)]"
                                                                             "[not(ancestor::style)]")))
    if m:
        y, mo, d = m.group(1), int(m.group(2)), int(m.group(3))
        if 1 <= mo <= 12 and 1 <= d <= 31:
            return f"{y}-{mo:02d}-{d:02d}"
    return ""

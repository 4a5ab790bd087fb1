"""Small HTML readers for tests: the text a reader sees in a speech page, its sections."""
from __future__ import annotations

from html.parser import HTMLParser

VOID = {"meta", "link", "br", "img", "input", "hr", "source", "wbr", "col", "area", "base", "embed", "track"}


class SpeechReader(HTMLParser):
    """Collects, from the speech body, headings and paragraphs in reading order (permalinks and
    controls left out), and for every section its id and the text of its first heading."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.stack: list[tuple[str, dict]] = []
        self.blocks: list[tuple[str, str, str]] = []  # (tag, id, text)
        self.sections: list[tuple[str, str | None]] = []
        self._current: list | None = None
        self._skip = 0
        self._open_sections: list[int] = []
        self.title = ""
        self._in_title = False
        self.times: list[str] = []
        self.html_lang = ""

    def in_body(self) -> bool:
        return any(t == "div" and "speech-body" in a.get("class", "") for t, a in self.stack)

    def handle_starttag(self, tag, attrs):
        a = {k: v or "" for k, v in attrs}
        if tag == "html":
            self.html_lang = a.get("lang", "")
        if tag == "title":
            self._in_title = True
        if tag == "time":
            self.times.append(a.get("datetime", ""))
        if tag in VOID:
            return
        self.stack.append((tag, a))
        if not self.in_body():
            return
        if "permalink" in a.get("class", "") or tag == "button":
            self._skip += 1
        if tag == "section":
            self.sections.append((a.get("id", ""), None))
            self._open_sections.append(len(self.sections) - 1)
        if tag in ("p", "h2", "h3", "h4", "h5", "h6"):
            self._current = [tag, a.get("id", ""), ""]

    def handle_endtag(self, tag):
        if tag == "title":
            self._in_title = False
        if tag in VOID or not self.stack:
            return
        t, a = self.stack.pop()
        if "permalink" in a.get("class", "") or t == "button":
            self._skip -= 1 if self._skip else 0
        if self._current is not None and t == self._current[0]:
            tag_, id_, text = self._current
            self.blocks.append((tag_, id_, text))
            if tag_ != "p":
                for idx in reversed(self._open_sections):
                    sid, heading = self.sections[idx]
                    if heading is None:
                        self.sections[idx] = (sid, text)
                    break
            self._current = None
        if t == "section" and self._open_sections:
            self._open_sections.pop()

    def handle_data(self, data):
        if self._in_title:
            self.title += data
        if self._current is not None and not self._skip:
            self._current[2] += data


def read_speech(html: str) -> SpeechReader:
    r = SpeechReader()
    r.feed(html)
    r.close()
    return r

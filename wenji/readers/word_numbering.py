"""The numbers Word writes before numbered paragraphs (``numPr``: a list or multilevel heading
numbering) but keeps out of the text: ``一、`` ``（一）`` ``1.`` computed as Word shows them, so a
heading numbered by Word is numbered in the text as the document shows it, and its section id
follows that number as a typed ``一、`` would."""
from __future__ import annotations

from docx.oxml.ns import qn

W_VAL = qn("w:val")
CN_DIGITS = "〇一二三四五六七八九"
ROMAN = [(1000, "M"), (900, "CM"), (500, "D"), (400, "CD"), (100, "C"), (90, "XC"), (50, "L"), (40, "XL"),
         (10, "X"), (9, "IX"), (5, "V"), (4, "IV"), (1, "I")]


def chinese(n: int) -> str:
    """一 … 九十九, 一百零五: how chineseCounting writes a number."""
    if n < 10:
        return CN_DIGITS[n]
    if n < 100:
        tens, ones = divmod(n, 10)
        return ("" if tens == 1 else CN_DIGITS[tens]) + "十" + (CN_DIGITS[ones] if ones else "")
    hundreds, rest = divmod(n, 100)
    return CN_DIGITS[hundreds] + "百" + ("" if not rest else ("零" + CN_DIGITS[rest] if rest < 10 else
                                                               (chinese(rest) if rest >= 20 else "一" + chinese(rest))))


def roman(n: int) -> str:
    out = ""
    for value, letters in ROMAN:
        while n >= value:
            out, n = out + letters, n - value
    return out


def letters(n: int) -> str:
    return chr(ord("A") + (n - 1) % 26) * ((n - 1) // 26 + 1)


FORMATS = {
    "decimal": str, "decimalZero": lambda n: f"{n:02d}",
    "decimalFullWidth": lambda n: str(n).translate(str.maketrans("0123456789", "０１２３４５６７８９")),
    "decimalFullWidth2": lambda n: str(n).translate(str.maketrans("0123456789", "０１２３４５６７８９")),
    "chineseCounting": chinese, "chineseCountingThousand": chinese, "ideographTraditional": lambda n: "甲乙丙丁戊己庚辛壬癸"[(n - 1) % 10],
    "japaneseCounting": chinese, "taiwaneseCounting": chinese,
    "decimalEnclosedCircle": lambda n: chr(0x2460 + n - 1) if 1 <= n <= 20 else str(n),
    "decimalEnclosedCircleChinese": lambda n: chr(0x2460 + n - 1) if 1 <= n <= 20 else str(n),
    "decimalEnclosedParen": lambda n: f"({n})", "upperRoman": roman, "lowerRoman": lambda n: roman(n).lower(),
    "upperLetter": letters, "lowerLetter": lambda n: letters(n).lower(),
}


class Numbering:
    """Counts numbered paragraphs in reading order, as Word does, and gives each its label."""

    def __init__(self, document, style_numbering: dict[str, tuple[str, int]]) -> None:
        self.levels: dict[str, dict[int, tuple[str, str, int, str]]] = {}  # numId -> ilvl -> (fmt, text, start, suffix)
        self.counters: dict[str, dict[int, int]] = {}
        self.style_numbering = style_numbering
        self.linked: dict[str, dict[str, int]] = {}  # numId -> styleId -> ilvl (a level that names its style)
        root = document.part.numbering_part.element
        abstract = {a.get(qn("w:abstractNumId")): a for a in root.findall(qn("w:abstractNum"))}
        for num in root.findall(qn("w:num")):
            ref = num.find(qn("w:abstractNumId"))
            if ref is not None and ref.get(W_VAL) in abstract:
                levels, linked = _levels(abstract[ref.get(W_VAL)])
                self.levels[num.get(qn("w:numId"))] = levels
                self.linked[num.get(qn("w:numId"))] = linked

    def label(self, p, style_id: str | None) -> str:
        num_id, ilvl = self._numbering_of(p, style_id)
        levels = self.levels.get(num_id)
        if not levels or ilvl not in levels:
            return ""
        counters = self.counters.setdefault(num_id, {})
        counters[ilvl] = counters.get(ilvl, levels[ilvl][2] - 1) + 1
        for deeper in [k for k in counters if k > ilvl]:
            del counters[deeper]
        fmt, text, _, suffix = levels[ilvl]
        if fmt in ("bullet", "none") or not text:
            return ""
        for k in range(9):
            if f"%{k + 1}" in text:
                value = counters.get(k, levels.get(k, ("decimal", "", 1, ""))[2])
                text = text.replace(f"%{k + 1}", FORMATS.get(levels.get(k, (fmt,))[0], str)(value))
        gap = {"space": " ", "nothing": ""}.get(suffix, "" if text[-1] in "、）)：:．" else " ")
        return text + gap

    def _numbering_of(self, p, style_id: str | None) -> tuple[str | None, int]:
        ppr = p.pPr
        numpr = ppr.find(qn("w:numPr")) if ppr is not None else None
        if numpr is not None:
            num = numpr.find(qn("w:numId"))
            lvl = numpr.find(qn("w:ilvl"))
            return (num.get(W_VAL) if num is not None else None), int(lvl.get(W_VAL)) if lvl is not None else 0
        num_id, ilvl = self.style_numbering.get(style_id or "", (None, -1))
        if ilvl < 0:  # the style names no level: the level linked to the style, else the first
            ilvl = self.linked.get(num_id or "", {}).get(style_id or "", 0)
        return num_id, ilvl


def _levels(abstract) -> tuple[dict[int, tuple[str, str, int, str]], dict[str, int]]:
    out, linked = {}, {}
    for lvl in abstract.findall(qn("w:lvl")):
        def val(tag: str, default: str = "") -> str:
            el = lvl.find(qn(tag))
            return el.get(W_VAL) if el is not None and el.get(W_VAL) is not None else default
        try:
            start = int(val("w:start", "1"))
        except ValueError:
            start = 1
        ilvl = int(lvl.get(qn("w:ilvl"), "0"))
        out[ilvl] = (val("w:numFmt", "decimal"), val("w:lvlText"), start, val("w:suff", "tab"))
        if val("w:pStyle"):
            linked[val("w:pStyle")] = ilvl
    return out, linked

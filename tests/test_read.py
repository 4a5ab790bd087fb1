"""Decoding raw speeches: every supported encoding, and a clear error for everything else."""
import codecs

import pytest

from wenji.read import ReadError, decode

TEXT = "各位代表：\n一、过去五年工作回顾\n𠮷与“全角”ＡＢＣ１２３，x.xx万元、**市、×××。\n"


@pytest.mark.parametrize("encoding, data", [
    ("utf-8", TEXT.encode("utf-8")),
    ("utf-8-sig", codecs.BOM_UTF8 + TEXT.encode("utf-8")),
    ("utf-16", codecs.BOM_UTF16_LE + TEXT.encode("utf-16-le")),
    ("utf-16", codecs.BOM_UTF16_BE + TEXT.encode("utf-16-be")),
    ("gb18030", TEXT.encode("gb18030")),
])
def test_supported_encodings_decode_to_the_same_text(encoding, data):
    text, name = decode(data)
    assert text == TEXT
    assert name == encoding


def test_gbk_text_is_read_as_gb18030():
    text = TEXT.replace("𠮷", "吉")  # GBK has no supplementary-plane characters
    assert decode(text.encode("gbk")) == (text, "gb18030")


def test_encoding_named_in_metadata_wins():
    data = "各位代表：大家好。".encode("big5")
    assert decode(data, "big5")[0] == "各位代表：大家好。"


@pytest.mark.parametrize("data, reason, line", [
    (b"", "empty file", None),
    (b"  \r\n\t\n", "empty file", None),
    ("\u3000\u3000\n".encode("utf-8"), "empty file", None),
    ("第一行\n第二行\x00\x01\x02".encode("utf-8"), "binary file: NUL byte", 2),
    (bytes(range(1, 40)) * 4, "binary file", 1),
    ("第一行\n第二行\n".encode("utf-8") + "café olé naïve".encode("latin-1"), "cannot decode", 3),
])
def test_bad_input_names_reason_and_line(data, reason, line):
    with pytest.raises(ReadError) as e:
        decode(data)
    assert reason in e.value.reason
    assert e.value.line == line


def test_unknown_encoding_in_metadata_is_an_error():
    with pytest.raises(ReadError, match="unknown encoding"):
        decode("文本".encode(), "no-such-codec")

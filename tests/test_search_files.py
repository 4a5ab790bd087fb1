"""wenji.search.files: plain scripts, one entry of wenjiSearchData each, the same from any build."""
from __future__ import annotations

import json

from searchtruth import REPO, files_of
from wenji.cache import Cache
from wenji.search.encoding import DIGITS
from wenji.search.files import DATA_VARIABLE, file_text, shard_fields, speech_file, speech_rows, speech_text
from wenji.search.documents import speech_documents
from wenji.site import load_archive


def test_search_files_are_deterministic_and_compact(seeds_archive, tmp_path):
    a = files_of(seeds_archive)
    b = files_of(load_archive(REPO / "seeds", REPO / "content"), cache=Cache(tmp_path / "c"), workers=2)
    c = files_of(seeds_archive, cache=Cache(tmp_path / "c"), workers=1)  # all from the cache
    assert a == b == c
    speeches = len(seeds_archive.speeches)
    assert "search/manifest.js" in a and "search/t/0.js" in a
    assert {k for k in a if k.startswith("search/d/")} == {f"search/d/{i}.js" for i in range(speeches)}
    for name, text in a.items():
        key = name[len("search/"):-len(".js")]
        assert text.startswith(f'{DATA_VARIABLE}["{key}"]=') and "\\u" not in text
        json.loads(text.split("=", 1)[1].rstrip(";\n"))


def test_a_speech_file_holds_its_documents_and_gives_its_text_back(seeds_archive):
    docs = speech_documents(0, seeds_archive.speeches[1])
    text = speech_text(docs)
    rows = speech_rows(text)
    plain = json.dumps(rows, ensure_ascii=False, separators=(",", ":")).encode("utf-8")
    assert len(text) < 0.7 * len(plain)  # deflated: about half
    assert [row[:2] for row in rows] == [[d.parent, d.heading] for d in docs]
    assert [row[2:] for row in rows] == [[x for p in d.paragraphs for x in p] for d in docs]
    file = speech_file(7, text)
    assert file.startswith(b'wenjiSearchData["d/7"]=') and file_text(7, file) == text


def test_a_term_shard_is_deflated_and_gives_its_strings_back(seeds_archive):
    files = files_of(seeds_archive)
    shards = {k: v.encode() for k, v in files.items() if k.startswith("search/t/")}
    firsts = json.loads(files["search/manifest.js"].split("=", 1)[1].rstrip(";\n"))["shards"]
    assert len(shards) == len(firsts) >= 1
    starts = []
    for k in range(len(shards)):
        file = shards[f"search/t/{k}.js"]
        data = json.loads(file.split(b"=", 1)[1].rstrip(b";\n"))
        assert set(data) == {"s", "y", "z"}  # the strings only deflated (spelling, postings), never in the clear
        fields = shard_fields(file)
        plain = sum(len(fields[f]) for f in "thpc")
        assert len(file) < 0.95 * plain and fields["t"] and fields["p"]
        assert set("".join(fields[f] for f in "thpc")) <= set(DIGITS + ",")
        starts.append(fields["s"])
    assert starts == sorted(set(starts)) and starts[0] == 0

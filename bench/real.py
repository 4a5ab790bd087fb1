#!/usr/bin/env python3
"""How faithfully wenji builds a real archive: ``python bench/real.py [--code DIR] [--repeat N]``.

Builds tests/corpus-real cold (empty cache, fresh output) with the wenji in ``--code`` (default:
this checkout), then measures the built pages against the raw texts and the hand labels of
tests/corpus-real-labels.toml (see tests/realpages.py for each measure):

- sentences of the source body missing from the page (what the owner dropped as boilerplate
  and the header lines taken out; those are checked against the page header);
- numbered headings whose id does not end with their number; headings that are a bare marker;
- labelled unnumbered heading lines shown as section headings, and unnumbered headings taken
  that are not labelled;
- sentences cut by a line of invisible characters still shown as two paragraphs, and body
  paragraphs that end mid-sentence before another (any cause);
- labelled header lines missing from the page header or shown as body paragraphs;
- paragraphs holding only marks (``↑``, ``[1]``); dates the texts state that were read;
- the cold build against the time one core needs to segment the same text with jieba, in
  the same run (the jieba floor of bench/scale.py), ``--repeat`` times, alternating; with the
  CPU time of both, which a loaded shared machine disturbs less than wall time.
"""
from __future__ import annotations

import argparse
import importlib
import logging
import os
import resource
import sys
import tempfile
import time
from pathlib import Path

import jieba

ROOT = Path(__file__).resolve().parent.parent
CORPUS = ROOT / "tests" / "corpus-real"


def floor(seeds: Path) -> tuple[float, float]:
    """(wall, CPU) seconds one jieba Tokenizer needs to segment the archive's text on one core,
    start-up excluded, as bench/scale.py's jieba_floor."""
    logging.getLogger("jieba").setLevel(logging.WARNING)
    tok = jieba.Tokenizer()
    tok.initialize()
    wall, cpu = time.perf_counter(), time.process_time()
    for path in sorted(seeds.glob("*.txt")):
        for line in path.read_text(encoding="utf-8").splitlines():
            tok.lcut(line)
    return time.perf_counter() - wall, time.process_time() - cpu


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--code", type=Path, default=ROOT, help="a wenji checkout to measure (default: this one)")
    ap.add_argument("--repeat", type=int, default=2, help="cold builds and jieba floors, alternating")
    args = ap.parse_args()
    code = args.code.resolve()
    sys.path[:0] = [str(ROOT / "tests"), str(ROOT / "bench")]
    import scale  # bench/scale.py: timed_build, jieba_floor (it puts this checkout first on the path)

    sys.path.insert(0, str(code))  # the wenji measured is the one in --code
    import realpages as rp

    work = Path(tempfile.mkdtemp(prefix="wenji-real-"))
    timings = []
    scale.ROOT = code  # build with that checkout's build.py
    for k in range(args.repeat):
        before = resource.getrusage(resource.RUSAGE_CHILDREN)
        cold, _, _ = scale.timed_build(CORPUS / "seeds", CORPUS / "content", work / "site", work / f"cache{k}")
        after = resource.getrusage(resource.RUSAGE_CHILDREN)
        cpu = (after.ru_utime + after.ru_stime) - (before.ru_utime + before.ru_stime)
        cut, cut_cpu = floor(CORPUS / "seeds")
        timings.append((cold, cut, cpu, cut_cpu))
    site = importlib.import_module("wenji.site")
    assert Path(site.__file__).resolve().parent.parent == code, site.__file__
    archive = site.load_archive(CORPUS / "seeds", CORPUS / "content")
    labels = rp.labels()
    totals = dict(sentences=0, lost=0, numbered=0, contradicting=0, bare=0, labelled=0, labelled_found=0,
                  unlabelled_headings=0, cuts=0, cuts_left=0, mid=0, header=0, header_lost=0, header_in_body=0,
                  marks=0, dates=0, dates_read=0, speakers=0, speakers_read=0, unknown_date_pages=0)
    details: list[str] = []
    for speech in archive.speeches:
        page = rp.read_page(work / "site" / "speeches" / f"{speech.slug}.html")
        lab = labels.get(speech.stem, {})
        lost = rp.lost_sentences(speech, page) + rp.lost_header_lines(speech, page)
        totals["sentences"] += len(rp.SENTENCE.findall(rp.squeeze(rp.source_text(speech.source))))
        totals["lost"] += len(lost)
        details += [f"  lost   {speech.stem}: {s[:40]}" for s in lost]
        bad, n = rp.contradicting_ids(page)
        totals["numbered"] += n
        totals["contradicting"] += len(bad)
        details += [f"  id     {speech.stem}: #{i} {h[:30]}" for i, h in bad]
        bare = rp.bare_marker_headings(page)
        totals["bare"] += len(bare)
        details += [f"  bare   {speech.stem}: #{i} {h}" for i, h in bare]
        headings = {rp.squeeze(h) for _, h, _ in page.sections}
        wanted = {rp.squeeze(h) for h in lab.get("headings", [])}
        totals["labelled"] += len(wanted)
        totals["labelled_found"] += len(wanted & headings)
        details += [f"  missed {speech.stem}: {h}" for h in sorted(wanted - headings)]
        unnumbered = {rp.squeeze(h) for _, h, cls in page.sections if "heading" in cls.split()}
        totals["unlabelled_headings"] += len(unnumbered - wanted)
        details += [f"  extra  {speech.stem}: {h}" for h in sorted(unnumbered - wanted)]
        cuts = rp.invisible_cuts(speech.source)
        left = rp.split_cuts(speech.source, page)
        totals["cuts"] += len(cuts)
        totals["cuts_left"] += len(left)
        totals["mid"] += len(rp.mid_sentence_breaks(page))
        details += [f"  mid    {speech.stem}: {i} {t}" for i, t in rp.mid_sentence_breaks(page)]
        head, body = page.header_text(), {rp.squeeze(t) for _, t in page.paragraphs()}
        for line in lab.get("header", []):
            totals["header"] += 1
            if rp.squeeze(line).strip("（()）") not in head:
                totals["header_lost"] += 1
                details.append(f"  head   {speech.stem}: not in the page header: {line}")
            if rp.squeeze(line) in body:
                totals["header_in_body"] += 1
                details.append(f"  head   {speech.stem}: a body paragraph: {line}")
        marks = rp.mark_only_paragraphs(page)
        totals["marks"] += len(marks)
        if lab.get("date"):
            totals["dates"] += 1
            totals["dates_read"] += speech.meta.date == lab["date"]
        if lab.get("speaker"):
            totals["speakers"] += 1
            totals["speakers_read"] += rp.squeeze(lab["speaker"]) in rp.squeeze(speech.meta.speaker)
        totals["unknown_date_pages"] += "日期</dt><dd>不详" in (work / "site" / "speeches" / f"{speech.slug}.html").read_text(
            encoding="utf-8")
    t = totals
    print(f"wenji at {code} on tests/corpus-real ({len(archive.speeches)} texts), load average "
          f"{os.getloadavg()[0]:.2f} on {os.cpu_count()} cores")
    print(f"  sentences lost                 {t['lost']:5d} of {t['sentences']} in the sources")
    print(f"  ids contradicting the number   {t['contradicting']:5d} of {t['numbered']} numbered headings")
    print(f"  bare-marker headings           {t['bare']:5d}")
    share = t["labelled_found"] / t["labelled"] if t["labelled"] else 0
    print(f"  unnumbered heading lines       {t['labelled_found']:5d} of {t['labelled']} labelled are section "
          f"headings ({share:.0%}); {t['unlabelled_headings']} taken that are not labelled")
    print(f"  cuts by invisible-only lines   {t['cuts_left']:5d} of {t['cuts']} still split in two paragraphs")
    print(f"  paragraphs ending mid-sentence {t['mid']:5d} before another paragraph (any cause, > 40 characters)")
    print(f"  header lines                   {t['header_lost']:5d} of {t['header']} labelled lost from the header, "
          f"{t['header_in_body']} shown as body paragraphs")
    print(f"  paragraphs of marks only (↑)   {t['marks']:5d}")
    print(f"  dates the texts state, read    {t['dates_read']:5d} of {t['dates']}; speakers read "
          f"{t['speakers_read']} of {t['speakers']}; pages showing 日期不详: {t['unknown_date_pages']}")
    for k, (cold, cut, cpu, cut_cpu) in enumerate(timings, 1):
        print(f"  run {k}: cold build {cold:6.2f} s, jieba floor {cut:6.2f} s (one core), ratio {cold / cut:.2f}; "
              f"CPU time: build {cpu:6.2f} s (all its processes), floor {cut_cpu:6.2f} s")
    best = min(t[0] / t[1] for t in timings)
    print(f"  cold build / jieba floor: best {best:.2f}, last {timings[-1][0] / timings[-1][1]:.2f}")
    if details:
        print("details:")
        print("\n".join(details))


if __name__ == "__main__":
    main()

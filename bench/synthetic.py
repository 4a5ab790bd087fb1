"""Synthetic archives for the benchmarks: N speeches made from the seeds' own paragraphs.

Deterministic (a fixed random seed), about ``size`` bytes of UTF-8 per speech, each with the
document structure of the genre (一、 / （一） headings, lead sentences), sentences reshuffled
so that speeches differ, and metadata with dates spread over thirty years.
"""
from __future__ import annotations

import random
import re
import shutil
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
CN = "一二三四五六七八九十"
KINDS = ["讲话", "政府工作报告", "党代会报告", "发言", "致辞"]


def _cn(n: int) -> str:
    return CN[n - 1] if n <= 10 else "十" + (CN[n - 11] if n > 10 else "")


def _material(source: Path = ROOT / "seeds") -> tuple[list[str], list[str], list[str]]:
    """(part headings, sub-headings, body paragraphs) from the texts in ``source`` (the seeds),
    markers stripped."""
    parts, subs, paras = [], [], []
    for path in sorted(source.glob("*.txt")):
        for line in path.read_text(encoding="utf-8").splitlines():
            line = line.strip()
            if not line:
                continue
            if re.match(r"^[一二三四五六七八九十]+、", line):
                parts.append(re.sub(r"^[一二三四五六七八九十]+、", "", re.split(r"(?<=。)", line)[0]))
            elif re.match(r"^（[一二三四五六七八九十]+）", line):
                subs.append(re.sub(r"^（[一二三四五六七八九十]+）", "", re.split(r"(?<=。)", line)[0]))
            elif len(line) > 60:
                paras.append(line)
    return parts, subs, paras


def reshuffle(paragraph: str, rng: random.Random) -> str:
    """The paragraph's sentences in another order: the same words, different neighbours."""
    sentences = [s for s in re.split(r"(?<=[。；])", paragraph) if s]
    head, rest = sentences[0], sentences[1:]
    rng.shuffle(rest)
    return head + "".join(rest)


def speech_text(rng: random.Random, size: int, material) -> str:
    parts, subs, paras = material
    lines = ["各位代表：", reshuffle(rng.choice(paras), rng)]
    total = sum(len(line.encode()) for line in lines)
    part = 0
    while total < size:
        part += 1
        lines.append(f"{_cn(part)}、{rng.choice(parts)}")
        for sub in range(1, rng.randint(2, 5)):
            lines.append(f"（{_cn(sub)}）{rng.choice(subs)}")
            for _ in range(rng.randint(2, 4)):
                lines.append(reshuffle(rng.choice(paras), rng))
        total = sum(len(line.encode()) for line in lines)
        if part >= 10:
            break
    return "\n".join(lines) + "\n"


def _keep_only(folder: Path, names: set[str]) -> None:
    """``folder`` made, holding nothing but what ``names`` names. What is kept is written again
    in place: a file deleted and made anew takes a new inode, which slows the next build down
    (see bench/scale.py's ``run``)."""
    folder.mkdir(parents=True, exist_ok=True)
    for p in folder.iterdir():
        if p.name not in names:
            shutil.rmtree(p) if p.is_dir() and not p.is_symlink() else p.unlink()


def make_archive(folder: Path, n: int, size: int = 30_000, seed: int = 20261122,
                 source: Path = ROOT / "seeds") -> tuple[Path, Path]:
    """Write N speeches to folder/seeds and their metadata to folder/content; return both paths.
    ``source``: the texts whose paragraphs they are made of (tests/corpus-real for a vocabulary
    of seventy years of reports rather than the five seeds')."""
    seeds, content = folder / "seeds", folder / "content"
    stems = [f"s{i:05d}" for i in range(n)]
    _keep_only(seeds, {f"{stem}.txt" for stem in stems})
    _keep_only(content, {"speeches"})
    _keep_only(content / "speeches", {f"{stem}.md" for stem in stems})
    rng = random.Random(seed)
    material = _material(source)
    for i, stem in enumerate(stems):
        (seeds / f"{stem}.txt").write_text(speech_text(rng, size, material), encoding="utf-8")
        year = 1995 + rng.randrange(31)
        date = f"{year}-{rng.randint(1, 12):02d}-{rng.randint(1, 28):02d}" if rng.random() < 0.85 else ""
        meta = [f"title: 第{i + 1}号讲话：{rng.choice(material[0])}", f"kind: {rng.choice(KINDS)}"]
        if date:
            meta.append(f'date: "{date}"')
        (content / "speeches" / f"{stem}.md").write_text("---\n" + "\n".join(meta) + "\n---\n", encoding="utf-8")
    return seeds, content


if __name__ == "__main__":
    import sys

    s, c = make_archive(Path(sys.argv[1]), int(sys.argv[2]))
    print(f"{s}: {len(list(s.glob('*.txt')))} speeches, {sum(p.stat().st_size for p in s.glob('*.txt')) / 1e6:.1f} MB")

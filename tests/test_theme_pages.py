"""Theme pages and the keyword index on a rebuild: taken over from the cache where nothing they
show changed, yet always the bytes a build from scratch makes."""
from __future__ import annotations

import dataclasses
import shutil
from pathlib import Path

import pytest

from wenji import render, site, theme_pages
from wenji import themes as themes_mod
from wenji.cache import Cache

REPO = Path(__file__).resolve().parent.parent
STEM = "002_37d2cc4661cfeced"
NEW_TITLE = "二〇二一年政府工作报告（修订本）"
ADDED = "加快推进乡村振兴和农业农村现代化，建设高标准农田，壮大乡村特色产业。"


def archive_copy(folder: Path) -> tuple[Path, Path]:
    shutil.copytree(REPO / "seeds", folder / "seeds")
    shutil.copytree(REPO / "content", folder / "content")
    return folder / "seeds", folder / "content"


def edit_one_speech(seeds: Path, content: Path) -> None:
    """Retitle one speech and add a sentence on rural matters to one of its paragraphs."""
    meta = content / "speeches" / f"{STEM}.md"
    meta.write_text(meta.read_text(encoding="utf-8").replace("title: 政府工作报告", f"title: {NEW_TITLE}"),
                    encoding="utf-8")
    text = seeds / f"{STEM}.txt"
    lines = text.read_text(encoding="utf-8").split("\n")
    i = next(n for n, line in enumerate(lines) if line.startswith("深化重点领域和关键环节改革。"))
    lines[i] = lines[i] + ADDED
    text.write_text("\n".join(lines), encoding="utf-8")


def theme_files(out: Path) -> dict[str, bytes]:
    files = {p.relative_to(out).as_posix(): p.read_bytes() for p in sorted((out / "themes").glob("*.html"))}
    files["keywords.html"] = (out / "keywords.html").read_bytes()
    files.update({p.relative_to(out).as_posix(): p.read_bytes() for p in sorted((out / "keywords").iterdir())})
    return files


def test_a_rebuild_after_an_edit_gives_the_pages_of_a_build_from_scratch(tmp_path):
    seeds, content = archive_copy(tmp_path)
    out, cache = tmp_path / "site", Cache(tmp_path / "cache")
    site.build(seeds, content, out, cache=cache)
    before = theme_files(out)
    edit_one_speech(seeds, content)
    site.build(seeds, content, out, cache=cache)
    rebuilt = theme_files(out)
    site.build(seeds, content, tmp_path / "fresh", cache=Cache(tmp_path / "fresh-cache"))
    assert rebuilt == theme_files(tmp_path / "fresh")
    changed = sorted(rel for rel in rebuilt if rebuilt[rel] != before[rel])
    assert {"themes/index.html", "themes/rural.html"} <= set(changed)
    assert any(rel.startswith("keywords/") and rel.endswith(".html") for rel in changed)
    rural = rebuilt["themes/rural.html"].decode("utf-8")
    assert NEW_TITLE in rural
    assert NEW_TITLE.encode() not in before["themes/rural.html"]


@pytest.fixture(scope="module")
def analyses(tmp_path_factory):
    """The theme step on the bundled archive, before and after one speech is edited."""
    folder = tmp_path_factory.mktemp("themepages")
    seeds, content = archive_copy(folder)
    before = site.load_archive(seeds, content)
    first = themes_mod.analyse(before, content)
    edit_one_speech(seeds, content)
    after = site.load_archive(seeds, content)
    return (before, first), (after, themes_mod.analyse(after, content))


def counting_env(templates: Path):
    """A template environment that counts the speech texts it escapes (each drawn fragment
    escapes some); the pages are the same as with the usual one."""
    env = render.environment(templates)
    masked, calls = env.filters["masked"], []

    def counted(text):
        calls.append(text)
        return masked(text)
    env.filters["masked"] = counted
    return env, calls


def pages(archive, themes, env, cache=None) -> dict[str, bytes]:
    return {rel: data if isinstance(data, bytes) else data.encode("utf-8")
            for rel, data in theme_pages.outputs(archive, themes, env, cache)}


def test_fragments_are_drawn_again_only_where_what_they_show_changed(analyses, tmp_path):
    (before, first), (after, second) = analyses
    cache = Cache(tmp_path / "cache")
    env, calls = counting_env(site.TEMPLATES)
    cold = pages(before, first, env, cache)
    drawn_cold = len(calls)
    assert cold == pages(before, first, render.environment(site.TEMPLATES))
    calls.clear()
    assert pages(before, first, env, cache) == cold
    assert calls == []  # nothing changed: every fragment comes from the cache
    edited = pages(after, second, env, cache)
    assert edited == pages(after, second, render.environment(site.TEMPLATES))
    assert 0 < len(calls) < drawn_cold
    assert NEW_TITLE in calls


def changed_hit(themes, change):
    """The theme result with one hit of the rural theme, in a speech not edited, changed."""
    hits = {slug: list(found) for slug, found in themes.hits.items()}
    i = next(i for i, h in enumerate(hits["rural"]) if h.speech.stem != STEM and len(h.terms) >= 2)
    new = change(hits["rural"][i])
    new = [] if new is None else new if isinstance(new, list) else [new]
    hits["rural"][i:i + 1] = [dataclasses.replace(h, _snippet=None) for h in new]
    return dataclasses.replace(themes, hits=hits, _by_section={}, _by_speech={})


def changed_entry(themes, change):
    """The theme result with one entry of the keyword index changed."""
    index = list(themes.keywords.index)
    i = next(i for i, e in enumerate(index) if len(e.refs) >= 2)
    index[i] = change(index[i])
    return dataclasses.replace(themes, keywords=dataclasses.replace(themes.keywords, index=index),
                               _by_section={}, _by_speech={})


@pytest.mark.parametrize("change", [
    pytest.param(lambda t: changed_hit(t, lambda h: dataclasses.replace(h, weight=h.weight + 0.05)), id="weight"),
    pytest.param(lambda t: changed_hit(t, lambda h: dataclasses.replace(h, terms=h.terms[::-1])), id="term-order"),
    pytest.param(lambda t: changed_hit(t, lambda h: dataclasses.replace(
        h, terms=[(term, n + 1) for term, n in h.terms])), id="term-counts"),
    pytest.param(lambda t: changed_hit(t, lambda h: dataclasses.replace(
        h, terms=h.terms + [(f"词{i}", 1) for i in range(9)])), id="terms-not-listed"),
    pytest.param(lambda t: changed_hit(t, lambda h: None), id="hit-gone"),
    # one speech with far more hits than any: every other cell of the heatmap pales
    pytest.param(lambda t: changed_hit(t, lambda h: [h] * 40), id="heatmap-peak"),
    pytest.param(lambda t: changed_entry(t, lambda e: dataclasses.replace(e, more=e.more + 3)), id="entry-more"),
    pytest.param(lambda t: changed_entry(t, lambda e: dataclasses.replace(e, refs=e.refs[::-1])), id="entry-refs"),
])
def test_any_change_in_what_a_page_shows_reaches_it_on_a_rebuild(analyses, tmp_path, change):
    """Whatever the theme step changes in an unedited speech's entries is drawn anew."""
    (archive, first), _ = analyses
    env = render.environment(site.TEMPLATES)
    cache = Cache(tmp_path / "cache")
    unchanged = pages(archive, first, env, cache)
    changed = change(first)
    fresh = pages(archive, changed, env)
    assert fresh != unchanged
    assert pages(archive, changed, env, cache) == fresh


def test_an_edited_template_is_not_served_from_the_cache(analyses, tmp_path):
    (before, first), _ = analyses
    templates = tmp_path / "templates"
    shutil.copytree(site.TEMPLATES, templates)
    cache = Cache(tmp_path / "cache")
    pages(before, first, render.environment(templates), cache)
    parts = templates / theme_pages.PARTS
    parts.write_text(parts.read_text(encoding="utf-8").replace('<ol class="hits"', '<ol class="hits edited"'),
                     encoding="utf-8")
    env = render.environment(templates)
    warm = pages(before, first, env, cache)
    assert '<ol class="hits edited"' in warm["themes/rural.html"].decode("utf-8")
    assert '<ol class="hits"' not in warm["themes/rural.html"].decode("utf-8")
    assert warm == pages(before, first, env, Cache(enabled=False))


def test_theme_pages_show_titles_and_headings_escaped_with_their_masks(analyses):
    (before, first), _ = analyses
    html = pages(before, first, render.environment(site.TEMPLATES))
    rural = html["themes/rural.html"].decode("utf-8")
    assert '<span class="mask">' in rural  # the masked place names of the seeds
    assert "<wenji-slot" not in "".join(p.decode("utf-8") for p in html.values())


def test_heatmap_rows_say_what_tells_their_titles_apart(seeds_archive):
    base = seeds_archive.speeches[0]

    def speech(slug, title, date="", kind=""):
        return dataclasses.replace(base, slug=slug, meta=dataclasses.replace(base.meta, title=title, date=date, kind=kind))

    speeches = [speech("a", "在中国共产党第九次全国代表大会上的报告"), speech("b", "在中国共产党第十次全国代表大会上的报告"),
                speech("c", "在中国共产党第十一次全国代表大会上的政治报告"),
                speech("d", "高举中国特色社会主义伟大旗帜，为夺取全面建设小康社会新胜利而奋斗 (十七大)"),
                speech("e", "1954年中华人民共和国国务院政府工作报告", "1954"),
                speech("f", "1955年中华人民共和国国务院政府工作报告", "1955"),
                speech("g", "2019年政府工作报告", "2019", "政府工作报告")]
    labels = theme_pages.row_labels(speeches)
    assert labels["a"].startswith("…第九次") and labels["b"].startswith("…第十次") and labels["c"].startswith("…第十一次")
    assert labels["d"].startswith("十七大 高举")
    assert labels["e"].startswith("1954 中华人民共和国") and labels["f"].startswith("1955 ")
    assert labels["g"] == "2019 政府工作报告"
    assert len(set(labels.values())) == len(labels)
    assert all(len(label) <= theme_pages.LABEL_CHARS for label in labels.values())


def test_a_hit_escapes_what_it_shows_and_keeps_the_markup_it_is_given():
    """hit_item: the anchor, link, weight and terms escaped; headings and snippet come as markup
    (masked, escaped) and stay as they are; a learned term is marked, a repeated one counted,
    and terms beyond those listed are counted at the end."""
    path = [render.masked("一、<b>总体</b>"), render.masked("（一）×××同志")]
    snippet = [render.masked("前<i>"), render.masked("乡村"), render.masked("后**")]
    html = str(theme_pages.hit_item('s1"x', "../speeches/a.html#s1&b", path, snippet, "0.5<",
                                    [("乡村<", 2, True), ("振兴", 1, False)], 5))
    assert html.startswith('<li id="s1&#34;x">\n<h3><small>一、&lt;b&gt;总体&lt;/b&gt;</small>')
    assert '<a href="../speeches/a.html#s1&amp;b">（一）<span class="mask">×××</span>同志</a></h3>' in html
    assert '<p>前&lt;i&gt;<mark>乡村</mark>后<span class="mask">**</span></p>' in html
    assert ('<p class="why">权重 <b>0.5&lt;</b> · 乡村&lt;' + theme_pages.LEARNED_MARK + '<small>×2</small>、振兴'
            ' 等 5 词</p>\n</li>') in html

"""Reading across the archive in Chromium, from file:// (and once over HTTP): compare.html (two speeches, B against A)
and trends.html (a term's occurrences year by year), on the real archive as built and on small
archives written here."""
from __future__ import annotations

import re
import shutil
import urllib.parse
from pathlib import Path

import pytest

from conftest import REAL, build, describe, file_url, serve
from wenji.model import Section
from wenji.search.terms import Folder
from wenji.site import load_archive

REPO = Path(__file__).resolve().parent.parent

WAIT = 60_000  # ms: a loaded machine runs several builds and browsers at once


def reading_text(speech) -> str:
    """A speech's headings and paragraphs in reading order (not its title), without spaces."""
    out: list[str] = []

    def walk(section: Section) -> None:
        for b in section.blocks:
            if isinstance(b, Section):
                out.append(b.heading)
                walk(b)
            else:
                out.append(b.text)

    walk(speech.body)
    return re.sub(r"\s+", "", "".join(out))


def open_compare(page, site: Path, query: str) -> None:
    page.goto(file_url(site / "compare.html") + query)
    page.wait_for_selector("#compare-app[data-state=done]", timeout=WAIT)


# The text of #diff without the elements named (whitespace removed).
WITHOUT = """(tag) => {
  const copy = document.getElementById("diff").cloneNode(true);
  copy.querySelectorAll(tag).forEach((e) => e.remove());
  return copy.textContent.replace(/\\s+/g, "");
}"""


def test_compare_two_real_reports_reads_as_b_without_deletions_and_as_a_without_insertions(
        page, real_site, real_archive):
    open_compare(page, real_site, "?a=gwr-2018&b=gwr-2019")
    by_slug = {s.slug: s for s in real_archive.speeches}
    assert page.evaluate(WITHOUT, "del") == reading_text(by_slug["gwr-2019"])
    assert page.evaluate(WITHOUT, "ins") == reading_text(by_slug["gwr-2018"])
    assert page.locator("#diff ins").count() > 50 and page.locator("#diff del").count() > 50
    assert page.locator("#diff details.same").count() >= 0  # rendered without error either way
    # The summary's terms hold what they say, checked against the texts folded as search folds.
    fold = Folder().fold
    a, b = fold(reading_text(by_slug["gwr-2018"])), fold(reading_text(by_slug["gwr-2019"]))
    fresh = page.locator(".terms.fresh li a").all_inner_texts()
    dropped = page.locator(".terms.dropped li a").all_inner_texts()
    first = page.locator(".terms.first li a").all_inner_texts()
    assert fresh and dropped and first
    assert all(fold(t) not in a and fold(t) in b for t in fresh)
    assert all(fold(t) in a and fold(t) not in b for t in dropped)
    earlier = [fold(reading_text(s)) for s in real_archive.speeches[:real_archive.speeches.index(by_slug["gwr-2019"])]]
    assert all(fold(t) in b and not any(fold(t) in e for e in earlier) for t in first)
    share = float(re.search(r"([\d.]+)%", page.inner_text(".share")).group(1))
    assert 0 < share < 100
    assert not page.page_errors and not page.console_errors


def test_compare_defaults_to_the_previous_speech_of_the_kind_and_speech_pages_link_there(page, real_site):
    speech = (real_site / "speeches" / "gwr-2019.html").read_text(encoding="utf-8")
    link = re.search(r'<a class="compare-prev" href="([^"]+)">与上一篇同类比较</a>', speech)
    assert link and link.group(1).replace("&amp;", "&") == "../compare.html?a=gwr-2018&b=gwr-2019"
    open_compare(page, real_site, "?b=gwr-2019")
    assert page.input_value("#compare-a") == "gwr-2018" and page.input_value("#compare-b") == "gwr-2019"
    page.select_option("#compare-a", "gwr-2010")
    page.wait_for_selector("#compare-status:has-text('2010年')", timeout=WAIT)
    assert "a=gwr-2010" in page.url and "b=gwr-2019" in page.url
    page.check("input[name=view][value=side]")
    assert page.locator("#side").is_visible() and not page.locator("#diff").is_visible()
    rows = page.locator("#side .side-row")
    assert rows.count() > 100
    assert not page.page_errors and not page.console_errors


def test_compare_marks_exactly_the_sentence_inserted_and_the_one_deleted(page, tmp_path):
    seeds = tmp_path / "seeds"
    seeds.mkdir()
    paragraphs = ["各位代表：", "一、经济工作",
                  "今年粮食产量再创新高。钢铁产量稳步增长。交通运输更加通畅。",
                  "二、社会事业",
                  "教育普及程度提高。城乡居民收入增加。医疗卫生条件改善。"]
    (seeds / "r1.txt").write_text("第一次报告\n\n（2001年3月5日）\n\n" + "\n\n".join(paragraphs) + "\n", encoding="utf-8")
    paragraphs[2] = "今年粮食产量再创新高。交通运输更加通畅。"  # 钢铁产量稳步增长。 deleted
    paragraphs[4] = "教育普及程度提高。新建文化馆三百座。城乡居民收入增加。医疗卫生条件改善。"
    (seeds / "r2.txt").write_text("第二次报告\n\n（2002年3月5日）\n\n" + "\n\n".join(paragraphs) + "\n", encoding="utf-8")
    out = tmp_path / "site"
    proc = build(seeds, tmp_path / "content", out)
    assert proc.returncode == 0, describe(proc)
    open_compare(page, out, "")  # default: the last speech against the one before
    assert page.input_value("#compare-a") == "r1" and page.input_value("#compare-b") == "r2"
    assert page.locator("#diff del").all_inner_texts() == ["钢铁产量稳步增长。"]
    assert page.locator("#diff ins").all_inner_texts() == ["新建文化馆三百座。"]
    assert page.locator("#diff details.same").count() == 0  # three unchanged lines, two runs
    assert "新建文化馆三百座" not in page.evaluate(WITHOUT, "ins")


def test_compare_marks_a_changed_word_whole_not_only_its_changed_characters(page, tmp_path):
    seeds = tmp_path / "seeds"
    seeds.mkdir()
    for n, (year, line) in enumerate([(2001, "全年粮食产量增长较快，工业生产平稳发展。"),
                                      (2002, "全年粮食产量增加较快，工业生产平稳进展。")]):
        (seeds / f"r{n + 1}.txt").write_text(f"第{n + 1}次报告\n\n（{year}年3月5日）\n\n各位代表：\n\n{line}\n",
                                             encoding="utf-8")
    out = tmp_path / "site"
    proc = build(seeds, tmp_path / "content", out)
    assert proc.returncode == 0, describe(proc)
    open_compare(page, out, "?a=r1&b=r2")
    assert page.locator("#diff del").all_inner_texts() == ["增长", "发展"]  # not 长 and 发: the words
    assert page.locator("#diff ins").all_inner_texts() == ["增加", "进展"]
    assert page.evaluate(WITHOUT, "del") == "各位代表：全年粮食产量增加较快，工业生产平稳进展。"
    assert page.evaluate(WITHOUT, "ins") == "各位代表：全年粮食产量增长较快，工业生产平稳发展。"
    assert not page.page_errors and not page.console_errors


def test_compare_shows_speech_text_as_text(page, tmp_path):
    seeds = tmp_path / "seeds"
    seeds.mkdir()
    (seeds / "x1.txt").write_text("报告一\n\n（2001年）\n\n第一段落的文字很长。\n\n<b>原样</b>&amp;\n", encoding="utf-8")
    (seeds / "x2.txt").write_text("报告二\n\n（2002年）\n\n第一段落的文字很长。\n\n<img src=x onerror=alert(1)>\n", encoding="utf-8")
    out = tmp_path / "site"
    proc = build(seeds, tmp_path / "content", out)
    assert proc.returncode == 0, describe(proc)
    open_compare(page, out, "?" + urllib.parse.urlencode({"a": "x1", "b": "x2"}))
    assert page.locator("#diff img, #diff b").count() == 0
    assert "<img src=x onerror=alert(1)>" in page.inner_text("#diff")
    assert "<b>原样</b>&amp;" in page.inner_text("#diff")
    assert not page.dialogs


# --- trends ------------------------------------------------------------------------------------


def literal_count(folded: str, word: str) -> int:
    n, at = 0, folded.find(word)
    while at >= 0:
        n, at = n + 1, folded.find(word, at + 1)
    return n


def lines_of(speech) -> list[str]:
    return [s.heading for s, _ in speech.sections()] + [p.text for p in speech.paragraphs()]


def trend_tables(page) -> dict[str, dict[str, tuple[int, int, str]]]:
    """Per term (from the caption): year -> (occurrences, speeches, per 10,000) as shown."""
    return page.evaluate("""() => {
      const out = {};
      document.querySelectorAll("#trends-tables table").forEach((t) => {
        const term = t.caption.textContent.match(/“(.*)”/)[1], rows = {};
        t.querySelectorAll("tbody tr").forEach((r) => {
          const c = r.children;
          rows[c[0].textContent] = [+c[1].textContent, +c[2].textContent, c[3].textContent];
        });
        out[term] = rows;
      });
      return out;
    }""")


def test_trend_counts_equal_the_literal_counts_in_the_texts(page, real_site, real_archive):
    terms = ["人民公社", "小康社会", "发展", "人民", "党", "ｐｍ"]
    page.goto(file_url(real_site / "trends.html") + "?q=" + urllib.parse.quote(",".join(terms)))
    page.wait_for_selector("#trends-app[data-state=done]", timeout=WAIT)
    shown = trend_tables(page)
    assert list(shown) == terms
    fold = Folder().fold
    years: dict[str, list] = {}
    for s in real_archive.speeches:
        if s.meta.year:
            years.setdefault(s.meta.year, []).append(s)
    folded = {s.slug: [fold(line) for line in lines_of(s)] for s in real_archive.speeches}
    for term in terms:
        word = fold(term)
        assert sorted(shown[term]) == sorted(years)  # one row per year that has speeches
        for year, speeches in years.items():
            per = [sum(literal_count(line, word) for line in folded[s.slug]) for s in speeches]
            chars = sum(s.chars for s in speeches)
            assert shown[term][year] == [sum(per), sum(1 for n in per if n), f"{sum(per) * 10000 / chars:.2f}"], \
                (term, year)
    assert sum(row[0] for row in shown["人民公社"].values()) > 0 and shown["人民公社"]["2019"][0] == 0
    assert sum(row[0] for row in shown["ｐｍ"].values()) > 0  # CPC, cpc and ｃｐｃ alike
    assert page.locator("svg.trends-chart polyline").count() == len(terms)
    assert not page.page_errors and not page.console_errors


def test_over_http_the_deflated_trend_shard_and_comparison_data_read_as_from_disk(page, real_site):
    """trends/K.js and compare/S.js hold deflated JSON that the page inflates: the same figures
    and terms whether the site is opened from disk or served."""
    shown = {}
    with serve(real_site) as url:
        for base in (file_url(real_site) + "/", url):
            page.goto(base + "trends.html?q=" + urllib.parse.quote("人民公社"))
            page.wait_for_selector("#trends-app[data-state=done]", timeout=WAIT)
            trend = trend_tables(page)["人民公社"]
            page.goto(base + "compare.html?a=gwr-2018&b=gwr-2019")
            page.wait_for_selector("#compare-app[data-state=done]", timeout=WAIT)
            shown[base] = (trend, page.locator(".terms.first li a").all_inner_texts(), page.locator("#diff ins").count())
    (on_disk, served) = shown.values()
    assert on_disk == served and on_disk[1] and on_disk[2] > 50
    assert sum(row[0] for row in on_disk[0].values()) > 0
    assert not page.page_errors and not page.console_errors


# Whether the progress bar was ever shown, and what the status line said meanwhile.
WATCH_PROGRESS = """
window.progressSeen = [];
new MutationObserver(() => {
  const bar = document.getElementById("trends-progress");
  if (bar && !bar.hidden) window.progressSeen.push(document.getElementById("trends-status").textContent);
}).observe(document, { subtree: true, attributes: true, childList: true, characterData: true });
"""


def test_a_vocabulary_word_charts_from_its_counts_alone_and_any_other_string_from_the_texts(
        page, real_site, real_archive):
    page.add_init_script(WATCH_PROGRESS)
    loaded: list[str] = []
    page.on("request", lambda r: loaded.append(urllib.parse.unquote(r.url)))
    page.goto(file_url(real_site / "trends.html") + "?q=" + urllib.parse.quote("人民公社"))
    page.wait_for_selector("#trends-app[data-state=done]", timeout=WAIT)
    data = [u.split("/site/", 1)[1] for u in loaded if "/site/trends/" in u or "/site/search/" in u]
    assert "trends/index.js" in data and len(data) == 2 and re.fullmatch(r"trends/\d+\.js", data[1]), data
    assert page.evaluate("window.progressSeen") == []
    fold = Folder().fold
    word = fold("社会主义建设的伟大")  # no word of the archive's vocabulary: counted from the texts
    expected = sum(literal_count(fold(line), word) for s in real_archive.speeches if s.meta.year
                   for line in lines_of(s))  # the table has the years
    loaded.clear()
    page.fill("#trends-q", "社会主义建设的伟大")
    page.press("#trends-q", "Enter")
    page.wait_for_selector("#trends-app[data-state=done] #trends-tables caption:has-text('社会主义建设的伟大')",
                           timeout=WAIT)
    assert any("/site/search/d/" in u for u in loaded)
    assert any(re.match(r"正在核对原文：\d+ / \d+ 篇", seen) for seen in page.evaluate("window.progressSeen"))
    assert expected > 0 and sum(row[0] for row in trend_tables(page)["社会主义建设的伟大"].values()) == expected
    assert page.is_hidden("#trends-progress")
    assert not page.page_errors and not page.console_errors


def test_a_year_of_a_trend_opens_the_search_for_that_year(page, real_site):
    page.goto(file_url(real_site / "trends.html") + "?q=" + urllib.parse.quote("人民公社") + "&kind=" +
              urllib.parse.quote("政府工作报告"))
    page.wait_for_selector("#trends-app[data-state=done]", timeout=WAIT)
    years = page.locator("#trends-tables tbody th").all_inner_texts()
    assert "1960" in years and not any(y.startswith("20") and y > "2019" for y in years)  # the kind's years
    page.locator("#trends-tables a", has_text="1960").click()
    page.wait_for_url("**/search.html?*")
    page.wait_for_selector("#search-results li.hit", timeout=WAIT)
    assert page.input_value("#search-year") == "1960" and page.input_value("#q") == "人民公社"
    trend = page.locator("#search-trend a")
    assert trend.is_visible() and trend.get_attribute("href") == "trends.html?q=" + urllib.parse.quote("人民公社")
    trend.click()
    page.wait_for_selector("#trends-app[data-state=done]", timeout=WAIT)
    assert page.input_value("#trends-q") == "人民公社"
    assert not page.page_errors and not page.console_errors


def test_keyword_entries_and_the_navigation_lead_to_trends(page, real_site):
    letter = sorted((real_site / "keywords").glob("*.html"))[0]
    entries = re.findall(r"<dt id=\"[^\"]+\">([^<]+)", letter.read_text(encoding="utf-8"))
    page.goto(file_url(letter))
    page.wait_for_selector("dl.entries dt a.trend")
    links = page.locator("dl.entries dt a.trend").evaluate_all("(as) => as.map((a) => a.getAttribute('href'))")
    assert entries and links == ["../trends.html?q=" + urllib.parse.quote(e.strip(), safe="") for e in entries]
    page.locator("dl.entries dt a.trend").first.click()
    page.wait_for_selector("#trends-app[data-state=done]", timeout=WAIT)
    assert page.input_value("#trends-q") == entries[0].strip()
    assert '<a href="trends.html">词语趋势</a>' in (real_site / "index.html").read_text(encoding="utf-8")
    assert not page.page_errors and not page.console_errors


def test_the_keyword_filter_folds_as_search_does_traditional_characters_and_full_width_letters(page, real_site):
    requests: list[str] = []
    page.on("request", lambda r: requests.append(urllib.parse.unquote(r.url)))
    page.goto(file_url(real_site / "keywords" / "f.html"))
    page.fill("#kw-q", "發展")
    page.wait_for_function("() => document.getElementById('kw-status').textContent.startsWith('找到')", timeout=WAIT)
    found = page.locator("#kw-results a").all_inner_texts()
    assert found and all("发展" in Folder().fold(t) for t in found) and any("发展" in t for t in found)
    assert page.locator("#kw-results a").first.get_attribute("href").startswith("f.html#kw-fa")
    simplified = page.evaluate("() => [...document.querySelectorAll('#kw-results a')].map((a) => a.href)")
    page.fill("#kw-q", "")
    page.fill("#kw-q", "发展")
    page.wait_for_function("() => document.getElementById('kw-status').textContent.startsWith('找到')", timeout=WAIT)
    assert page.evaluate("() => [...document.querySelectorAll('#kw-results a')].map((a) => a.href)") == simplified
    page.fill("#kw-q", "經濟")
    page.wait_for_function("() => [...document.querySelectorAll('#kw-results a')].some((a) => a.textContent === '经济')",
                           timeout=WAIT)
    page.fill("#kw-q", "jingji")  # pinyin still
    page.wait_for_function("() => [...document.querySelectorAll('#kw-results a')].some((a) => a.textContent === '经济')",
                           timeout=WAIT)
    assert [u for u in requests if "/keywords/" in u and not u.endswith("f.html")] == \
        [urllib.parse.unquote(file_url(real_site / "keywords" / "terms.js"))]
    assert any(u.endswith("/static/fold.js") for u in requests)
    assert not page.page_errors and not page.console_errors


# --- the home page by year ---------------------------------------------------------------------


def test_the_home_page_narrows_by_decade_year_and_kind_with_counts(page, real_site, real_archive):
    speeches = real_archive.speeches
    home = (real_site / "index.html").read_text(encoding="utf-8")
    strip = dict(re.findall(r'data-year="(\d{4})" aria-label="\d{4}年，(\d+) 篇"', home))
    years = {s.meta.year for s in speeches if s.meta.year}
    assert {y: int(n) for y, n in strip.items()} == {y: sum(1 for s in speeches if s.meta.year == y) for y in years}
    gaps = re.findall(r'<li class="gap" aria-hidden="true"><span class="y">(\d{4})</span>', home)
    assert len(strip) + len(gaps) == int(max(years)) - int(min(years)) + 1  # the whole span, gaps shown
    page.goto(file_url(real_site / "index.html") + "?decade=1950")
    page.wait_for_selector("#browse-status:has-text('篇')", timeout=WAIT)
    fifties = [s.meta.title for s in speeches if s.meta.year.startswith("195")]
    assert page.locator("table.speeches tbody td:first-child a").all_inner_texts() == fifties
    page.select_option("#browse-kind", "政府工作报告")
    page.locator(".year-strip a[data-year='2019']").click()
    page.wait_for_selector("#browse-status:has-text('1 篇')", timeout=WAIT)
    assert page.locator("table.speeches tbody tr").count() == 1
    assert "year=2019" in page.url and "decade" not in page.url
    row = page.locator("table.speeches tbody tr").first
    target = row.locator("a").get_attribute("href")
    assert (real_site / target).is_file() and row.locator("time").get_attribute("datetime").startswith("2019")
    page.select_option("#browse-year", "")
    page.select_option("#browse-kind", "")
    assert page.locator("table.speeches tbody tr").count() == len(speeches)
    assert not page.page_errors and not page.console_errors


def test_narrowed_a_paged_home_lists_the_matches_of_every_page(page, tmp_path):
    content = tmp_path / "content"
    shutil.copytree(REPO / "content", content)
    toml = content / "site.toml"
    toml.write_text(toml.read_text(encoding="utf-8").replace("per_page = 50", "per_page = 2"), encoding="utf-8")
    out = tmp_path / "site"
    proc = build(REPO / "seeds", content, out)
    assert proc.returncode == 0, describe(proc)
    archive = load_archive(REPO / "seeds", content)
    kind = next(k for k in sorted({s.meta.kind for s in archive.speeches}) if k)
    page.goto(file_url(out / "index-2.html") + "?kind=" + urllib.parse.quote(kind))
    page.wait_for_selector("#browse-status:has-text('篇')", timeout=WAIT)
    titles = page.locator("table.speeches tbody td:first-child a").all_inner_texts()
    assert titles == [s.meta.title for s in archive.speeches if s.meta.kind == kind]
    assert not page.locator("#pages").is_visible()

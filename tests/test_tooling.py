"""Checks of the shared fixtures themselves, independent of wenji's build.

They prove that Playwright drives Debian's Chromium here and in CI, over
``file://`` and over a local HTTP server.
"""

from __future__ import annotations

import urllib.request
from pathlib import Path

import pytest

PAGE_HTML = """<!DOCTYPE html>
<html lang="zh-Hans">
<head>
<meta charset="utf-8">
<title>工具检查</title>
<link rel="icon" href="data:,">
<script src="app.js" defer></script>
</head>
<body>
<button id="go" type="button">点我</button>
<p id="out">未点击</p>
</body>
</html>
"""

PAGE_JS = """document.getElementById("go").addEventListener("click", () => {
  document.getElementById("out").textContent = "已点击";
});
"""


@pytest.fixture
def click_page(tmp_path: Path) -> Path:
    """A folder with index.html and its external script app.js."""
    (tmp_path / "index.html").write_text(PAGE_HTML, encoding="utf-8")
    (tmp_path / "app.js").write_text(PAGE_JS, encoding="utf-8")
    return tmp_path


def click_and_check(page, url: str) -> None:
    page.goto(url)
    assert page.title() == "工具检查"
    assert page.text_content("#out") == "未点击"
    page.click("#go")
    page.wait_for_function(
        "document.getElementById('out').textContent === '已点击'", timeout=5000
    )
    assert page.text_content("#out") == "已点击"
    assert page.console_errors == []
    assert page.page_errors == []
    assert page.dialogs == []


def test_file_url_opens_a_page_whose_path_has_spaces_and_chinese(page, click_page: Path, file_url) -> None:
    folder = click_page / "a b#c" / "页面"
    folder.mkdir(parents=True)
    for name in ("index.html", "app.js"):
        (folder / name).write_bytes((click_page / name).read_bytes())
    url = file_url(folder / "index.html")
    assert url.startswith("file:///") and " " not in url and "#" not in url
    click_and_check(page, url)


def test_click_over_file_url(page, click_page: Path, file_url) -> None:
    click_and_check(page, file_url(click_page / "index.html"))


def test_click_over_http(page, click_page: Path, serve_directory) -> None:
    base = serve_directory(click_page)
    assert base.startswith("http://127.0.0.1:") and base.endswith("/")
    with urllib.request.urlopen(base + "app.js", timeout=10) as response:
        assert response.status == 200
        assert "javascript" in response.headers["Content-Type"]
    click_and_check(page, base + "index.html")


def test_page_records_errors(page, tmp_path: Path, file_url) -> None:
    (tmp_path / "bad.js").write_text(
        'console.error("boom");\nalert("hello");\nthrow new Error("broken");\n',
        encoding="utf-8",
    )
    (tmp_path / "bad.html").write_text(
        '<!DOCTYPE html><html lang="en"><head><meta charset="utf-8">'
        '<title>bad</title><script src="bad.js"></script></head>'
        "<body></body></html>",
        encoding="utf-8",
    )
    page.goto(file_url(tmp_path / "bad.html"))
    page.wait_for_timeout(200)
    assert page.console_errors == ["boom"]
    assert page.dialogs == ["alert: hello"]
    assert len(page.page_errors) == 1 and "broken" in page.page_errors[0]

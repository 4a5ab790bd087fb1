"""wenji.taxonomy: themes.toml read, every problem in it named at once."""
from __future__ import annotations

from pathlib import Path

import pytest

from wenji.errors import BuildError
from wenji.taxonomy import DEFAULT_CONTENT, content_file, load_taxonomy, segmenter_for


def test_the_bundled_taxonomy_has_its_themes_with_strong_and_weak_terms():
    themes, settings = load_taxonomy(DEFAULT_CONTENT / "themes.toml")
    assert len(themes) >= 10 and len({t.slug for t in themes}) == len(themes)
    assert all(t.name and t.seeds for t in themes)
    assert {w for t in themes for w in t.seeds.values()} <= {1.0, settings.weak_weight}


def test_every_problem_of_a_taxonomy_is_reported(tmp_path):
    path = tmp_path / "themes.toml"
    path.write_text('[assign]\nthreshold = 0.1\nthresold = 0.2\n\n[[theme]]\nslug = "Bad Slug"\nname = "甲"\n'
                    'terms = ["发展"]\n\n[[theme]]\nslug = "b"\nterms = []\n', "utf-8")
    with pytest.raises(BuildError) as e:
        load_taxonomy(path)
    said = str(e.value)
    assert "thresold" in said and "slug must be" in said and "no name" in said and "no terms" in said


def test_content_files_fall_back_to_the_bundled_ones(tmp_path):
    assert content_file(tmp_path, "themes.toml") == DEFAULT_CONTENT / "themes.toml"
    (tmp_path / "themes.toml").write_text('[[theme]]\nslug = "a"\nname = "甲"\nterms = ["营商环境"]\n', "utf-8")
    assert content_file(tmp_path, "themes.toml") == tmp_path / "themes.toml"
    assert "营商环境" in segmenter_for(tmp_path).words and segmenter_for(Path("no-such-folder")).words

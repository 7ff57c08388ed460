"""Language tags, writing direction and WCAG contrast: the small tables behind lang/dir and the verdict-colour check."""

from __future__ import annotations

import pytest

from generator.core.language import is_language_tag, same_language, text_direction
from generator.stages.contrast import contrast_ratio, relative_luminance


@pytest.mark.parametrize("tag", ["en", "fa-AF", "prs", "ps", "ps-AF", "ku-Arab", "zh-Hant-TW", "es-419", "de-CH-1996"])
def test_valid_language_tags(tag):
    assert is_language_tag(tag)


@pytest.mark.parametrize("tag", ["", "Dari", "en_GB", "e", "english", "fa-", "-fa", "fa AF", "x-private", "en-GB-"])
def test_invalid_language_tags(tag):
    assert not is_language_tag(tag)


@pytest.mark.parametrize("tag,direction", [
    ("fa-AF", "rtl"), ("prs", "rtl"), ("ps", "rtl"), ("ar", "rtl"), ("ur", "rtl"), ("he", "rtl"),
    ("yi", "rtl"), ("dv", "rtl"), ("sd", "rtl"), ("ug", "rtl"), ("ckb", "rtl"),
    ("ku-Arab", "rtl"), ("az-Arab-IR", "rtl"), ("pa-Arab", "rtl"),  # a right-to-left script subtag
    ("ku", "ltr"), ("az", "ltr"), ("fa-Latn", "ltr"),  # a left-to-right script, named or usual
    ("en", "ltr"), ("EN-gb", "ltr"), ("FA", "rtl"), (None, "ltr"), ("", "ltr"),
])
def test_text_direction(tag, direction):
    assert text_direction(tag) == direction


def test_same_language_ignores_case():
    assert same_language("fa-AF", "fa-af")
    assert not same_language("fa-AF", "fa")
    assert not same_language(None, "en")


def test_contrast_extremes():
    assert contrast_ratio("#000", "#fff") == pytest.approx(21)
    assert contrast_ratio("#1b6e3a", "#1b6e3a") == pytest.approx(1)
    assert relative_luminance("#ffffff") == pytest.approx(1)


def test_contrast_matches_known_values():
    # #767676 is the lightest grey that meets 4.5:1 on white; #777777 just misses it.
    assert contrast_ratio("#767676", "#ffffff") == pytest.approx(4.54, abs=0.01)
    assert contrast_ratio("#ffffff", "#777777") < 4.5

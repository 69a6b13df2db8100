import pytest

from corpus.colour import contrast_ratio, label_contrast, relative_luminance
from corpus.keyboard import physical_key


def test_black_on_white_is_21_and_same_colours_are_1():
    assert contrast_ratio("#000000", "#ffffff") == pytest.approx(21.0)
    assert contrast_ratio("#ffffff", "#000000") == pytest.approx(21.0)
    assert contrast_ratio("#2e86ab", "#2e86ab") == pytest.approx(1.0)


def test_known_ratios():
    # Reference values from the WCAG formula (as WebAIM's checker reports them).
    assert contrast_ratio("#777777", "#ffffff") == pytest.approx(4.48, abs=0.01)
    assert contrast_ratio("#767676", "#ffffff") == pytest.approx(4.54, abs=0.01)
    assert relative_luminance("#ff0000") == pytest.approx(0.2126)


def test_label_contrast_is_against_white_text():
    assert label_contrast("#767676") >= 4.5
    assert label_contrast("#777777") < 4.5
    assert label_contrast("#f3a712") < 3  # a light orange: white text unreadable
    assert label_contrast("#1a4f8b") > 7


@pytest.mark.parametrize("shortcut, key", [
    ("a", "a"), ("A", "a"), ("ش", "a"), ("ض", "q"), ("م", "l"), ("1", "1"), ("١", "1"), ("۳", "3"), ("ك", ";"),
])
def test_physical_key_maps_arabic_layout_to_latin_keys(shortcut, key):
    assert physical_key(shortcut) == key

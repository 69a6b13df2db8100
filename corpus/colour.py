"""Colour contrast (WCAG 2.x): a type's label is drawn in white on the type's colour
(the editor's chips and mark labels, static/editor.css), so a colour is accepted only
when white text on it stays readable."""
from __future__ import annotations

LABEL_TEXT = "#ffffff"
MIN_CONTRAST = 4.5  # WCAG AA for normal text


def _channel(value: int) -> float:
    c = value / 255
    return c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4


def relative_luminance(colour: str) -> float:
    """Relative luminance of "#rrggbb" (0 black … 1 white)."""
    red, green, blue = (int(colour[i:i + 2], 16) for i in (1, 3, 5))
    return 0.2126 * _channel(red) + 0.7152 * _channel(green) + 0.0722 * _channel(blue)


def contrast_ratio(first: str, second: str) -> float:
    """WCAG contrast ratio of two "#rrggbb" colours, from 1 (same) to 21 (black on white)."""
    lighter, darker = sorted((relative_luminance(first), relative_luminance(second)), reverse=True)
    return (lighter + 0.05) / (darker + 0.05)


def label_contrast(colour: str) -> float:
    """Contrast of the label text drawn on a type of this colour."""
    return contrast_ratio(LABEL_TEXT, colour)

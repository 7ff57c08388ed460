"""Colour contrast as WCAG 2 defines it (relative luminance, contrast ratio).

Verdict badges show white text on the colour site.yaml gives each verdict;
``check`` warns when that pair is below the 4.5:1 that WCAG's level AA asks
of normal-size text.
"""

from __future__ import annotations

AA_NORMAL_TEXT = 4.5
WHITE = "#ffffff"


def hex_to_rgb(colour: str) -> tuple[int, int, int]:
    """"#1b6e3a" or "#fff" → (27, 110, 58)."""
    digits = colour.lstrip("#")
    if len(digits) == 3:
        digits = "".join(d * 2 for d in digits)
    return int(digits[0:2], 16), int(digits[2:4], 16), int(digits[4:6], 16)


def relative_luminance(colour: str) -> float:
    """WCAG 2's relative luminance of an sRGB colour, 0 (black) to 1 (white)."""

    def linear(channel: int) -> float:
        c = channel / 255
        return c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4

    r, g, b = (linear(c) for c in hex_to_rgb(colour))
    return 0.2126 * r + 0.7152 * g + 0.0722 * b


def contrast_ratio(first: str, second: str) -> float:
    """From 1 (same luminance) to 21 (black on white), whichever is lighter."""
    lighter, darker = sorted((relative_luminance(first), relative_luminance(second)), reverse=True)
    return (lighter + 0.05) / (darker + 0.05)

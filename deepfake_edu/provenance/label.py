"""The visible label: a dark banner along the bottom with a yellow top stripe and white text.

Layout (all sizes follow the picture, so the label reads the same at 64 px and at 1080p):

    ... picture ...
    ============================  yellow stripe, ``stripe`` px (about a fifth of the banner)
    SYNTHETIC - made with ...     white text on near-black, the banner is ~6.5% of the height
                                  (at least 14 px)

When the full text does not fit legibly (text under ``MIN_TEXT_PX`` pixels tall), a shorter one
is used: "SYNTHETIC", then "FAKE".

``find_label`` looks for that geometry, not for the letters: a band of rows near the bottom whose
pixels are nearly all yellow, with a mostly dark band below it that holds some bright (text)
pixels and reaches the bottom edge. Colour thresholds are loose so the label survives JPEG 50
and a half-size resize. Limits: a label that was cropped off, painted over, recoloured or moved
is not found; a photo with a yellow line over a dark bottom strip could fool it (none of the test
photos does). A missing label proves nothing: anyone can crop it away.
"""

from __future__ import annotations

import cv2
import numpy as np

from deepfake_edu.errors import LabError

DEFAULT_TEXT = "SYNTHETIC - made with deepfake-edu"
SHORT_TEXTS = ("SYNTHETIC", "FAKE")
BANNER_FRACTION = 0.065  # banner height / picture height
MIN_BANNER_PX = 14
MIN_TEXT_PX = 7  # cap height below which letters stop being readable
BANNER_RGB = (18, 18, 18)
STRIPE_RGB = (255, 204, 0)
TEXT_RGB = (245, 245, 245)
FONT = cv2.FONT_HERSHEY_SIMPLEX


def banner_geometry(height: int, width: int) -> tuple[int, int]:
    """(banner height, stripe thickness) in pixels for a picture of this size."""
    banner = max(MIN_BANNER_PX, int(round(BANNER_FRACTION * height)))
    banner = min(banner, max(4, height // 3))
    return banner, max(2, int(round(banner / 5)))


def _fit_text(text: str, width: int, text_height: int) -> tuple[str, float, int]:
    """The longest of text / SHORT_TEXTS that fits in ``width`` with letters at least MIN_TEXT_PX
    tall: (text, font scale, thickness)."""
    candidates = (text,) + tuple(t for t in SHORT_TEXTS if t != text)
    for candidate in candidates:
        (unit_width, unit_height), _ = cv2.getTextSize(candidate, FONT, 1.0, 1)
        scale = min(text_height / unit_height, 0.94 * width / unit_width)
        if scale * unit_height >= MIN_TEXT_PX or candidate == candidates[-1]:
            thickness = max(1, int(round(scale * unit_height / 12)))
            return candidate, scale, thickness
    raise AssertionError("unreachable")


def add_label(rgb: np.ndarray, text: str = DEFAULT_TEXT) -> np.ndarray:
    """Draw the banner on a copy of uint8 RGB (H, W, 3); returns the labelled copy."""
    if not isinstance(rgb, np.ndarray) or rgb.dtype != np.uint8 or rgb.ndim != 3 or rgb.shape[2] != 3:
        raise LabError("expected a uint8 RGB image shaped (H, W, 3)")
    height, width = rgb.shape[:2]
    if height < 16 or width < 16:
        raise LabError(f"the picture is {width}x{height}: too small to carry a readable label (16 px minimum)")
    banner, stripe = banner_geometry(height, width)
    out = np.ascontiguousarray(rgb.copy())
    top = height - banner
    out[top:, :] = BANNER_RGB
    out[top : top + stripe, :] = STRIPE_RGB
    chosen, scale, thickness = _fit_text(text, width, 0.55 * (banner - stripe))
    (text_width, text_height), _ = cv2.getTextSize(chosen, FONT, scale, thickness)
    x = max(1, (width - text_width) // 2)
    y = top + stripe + (banner - stripe + text_height) // 2
    cv2.putText(out, chosen, (x, y), FONT, scale, TEXT_RGB, thickness, cv2.LINE_AA)  # RGB order: we pass RGB colours
    return out


def _yellow(rgb: np.ndarray) -> np.ndarray:
    r, g, b = (rgb[..., i].astype(np.int16) for i in range(3))
    return (r > 150) & (g > 110) & (r - b > 70) & (g - b > 40)


def find_label(rgb: np.ndarray) -> bool:
    """True if the bottom of uint8 RGB (H, W, 3) carries the banner drawn by ``add_label``."""
    if not isinstance(rgb, np.ndarray) or rgb.ndim != 3 or rgb.shape[2] != 3:
        return False
    height, width = rgb.shape[:2]
    if height < 8 or width < 8:
        return False
    lowest = height // 3  # the banner lives in the bottom third at most
    region = rgb[height - lowest :]
    yellow_rows = _yellow(region).mean(axis=1) >= 0.75
    rows = np.flatnonzero(yellow_rows)
    if rows.size == 0:
        return False
    luma = (0.299 * region[..., 0] + 0.587 * region[..., 1] + 0.114 * region[..., 2]).astype(np.float32)
    # The stripe is the lowest run of yellow rows; the banner is everything below it.
    last = rows[-1]
    first = last
    while first - 1 >= 0 and yellow_rows[first - 1]:
        first -= 1
    stripe = last - first + 1
    below = luma[last + 1 :]
    if below.shape[0] < max(2, stripe) or below.shape[0] > 8 * stripe + 4:
        return False
    dark = float(np.mean(below < 80))
    bright = float(np.mean(below > 150))
    return dark >= 0.6 and 0.01 <= bright <= 0.4

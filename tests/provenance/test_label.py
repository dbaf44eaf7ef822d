import numpy as np
import pytest

from deepfake_edu.provenance.label import add_label, banner_geometry, find_label
from tests.provenance.conftest import half, jpeg50, resized


@pytest.mark.parametrize("size", [(64, 64), (256, 256), (1280, 720), (1920, 1080)])
def test_label_is_drawn_and_found_after_jpeg50_and_half_size(photos, size):
    image = resized(photos["astronaut"], *size)
    labelled = add_label(image)
    banner, _ = banner_geometry(size[1], size[0])
    changed = np.any(labelled != image, axis=2)
    assert changed[-banner:].mean() > 0.9, "the banner does not cover the bottom strip"
    assert not changed[:-banner].any(), "the label touched the picture above the banner"
    assert find_label(labelled)
    assert find_label(half(jpeg50(labelled))), f"label lost after JPEG 50 + half size at {size}"


def test_label_text_is_bright_on_dark(photos):
    labelled = add_label(resized(photos["coffee"], 1280, 720))
    banner, stripe = banner_geometry(720, 1280)
    text_area = labelled[-banner + stripe :].mean(axis=2)
    assert np.median(text_area) < 40 and (text_area > 200).mean() > 0.02


def test_label_not_found_on_untouched_photos(photos):
    rng = np.random.default_rng(3)
    for name, image in {**photos, "noise": rng.integers(0, 256, (300, 400, 3), dtype=np.uint8)}.items():
        assert not find_label(image), name
        assert not find_label(half(jpeg50(image))), name

"""Real photos for the provenance tests (they ship with scikit-image and matplotlib)."""

from __future__ import annotations

import cv2
import numpy as np
import pytest


def real_photos() -> dict[str, np.ndarray]:
    """uint8 RGB photos of people, animals and things; camera is grey, made RGB."""
    data = pytest.importorskip("skimage.data", reason="scikit-image provides the test photos (pip install deepfake-edu[dev])")
    import matplotlib.cbook as cbook

    from deepfake_edu.data.images import decode_image

    with cbook.get_sample_data("grace_hopper.jpg") as handle:
        hopper = decode_image(handle.read())
    return {
        "astronaut": data.astronaut(),
        "coffee": data.coffee(),
        "chelsea": data.chelsea(),
        "camera": np.repeat(data.camera()[..., None], 3, axis=2),
        "grace_hopper": hopper,
    }


@pytest.fixture(scope="session")
def photos() -> dict[str, np.ndarray]:
    return real_photos()


def resized(rgb: np.ndarray, width: int, height: int) -> np.ndarray:
    return cv2.resize(rgb, (width, height), interpolation=cv2.INTER_AREA)


def jpeg50(rgb: np.ndarray) -> np.ndarray:
    from deepfake_edu.data.images import jpeg_roundtrip

    return jpeg_roundtrip(rgb, 50)


def half(rgb: np.ndarray) -> np.ndarray:
    return resized(rgb, rgb.shape[1] // 2, rgb.shape[0] // 2)


ATTACKS = {
    "jpeg50": jpeg50,
    "half": half,
    "jpeg50_then_half": lambda rgb: half(jpeg50(rgb)),
}

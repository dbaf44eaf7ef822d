"""Where the tests find the authors' MesoNet files: ../shared/mesonet-original beside the repo root."""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

import numpy as np
import pytest

ORIGINAL = Path(__file__).resolve().parents[2] / ".." / "shared" / "mesonet-original"
REFERENCE = Path(__file__).with_name("keras_reference_logits.json")
WEIGHT_FILES = ("Meso4_DF.h5", "Meso4_F2F.h5", "MesoInception_DF.h5", "MesoInception_F2F.h5")


def original_or_skip() -> Path:
    if not (ORIGINAL / "weights" / "Meso4_DF.h5").exists():
        pytest.skip(f"the authors' MesoNet files are not at {ORIGINAL.resolve()} (../shared/mesonet-original beside the repo)")
    return ORIGINAL


def reference() -> dict:
    return json.loads(REFERENCE.read_text())


def authors_image(relative: str, expected_sha256: str) -> np.ndarray:
    """uint8 (256, 256, 3) read the way keras_reference.py read it (PIL, NEAREST resize), checked by hash."""
    from PIL import Image

    with Image.open(original_or_skip() / "test_images" / relative) as image:
        image = image.convert("RGB")
        if image.size != (256, 256):
            image = image.resize((256, 256), Image.NEAREST)
        pixels = np.asarray(image, dtype=np.uint8)
    assert hashlib.sha256(pixels.tobytes()).hexdigest() == expected_sha256, f"{relative} decodes differently than for the Keras reference"
    return pixels


def reference_random_inputs(document: dict) -> np.ndarray:
    """The seeded random inputs the reference used (its recipe), float32 (N, 256, 256, 3)."""
    recipe = document["random_inputs"]
    assert recipe["recipe"].startswith("numpy.random.default_rng(seed).random((count, 256, 256, 3)")
    return np.random.default_rng(recipe["seed"]).random((recipe["count"], 256, 256, 3), dtype=np.float32)

"""A tiny real pair for tests that need real faces: "ann" (scikit-image's astronaut) and "ben"
(matplotlib's Grace Hopper), each one photo at four sizes found with dlib, and a swap run trained
two steps on them. The lab home (``DEEPFAKE_EDU_HOME``) must be set by the caller; skips without dlib."""

from __future__ import annotations

from pathlib import Path

import cv2
import numpy as np
import pytest

CONSENT = "Test photos shipped with scikit-image and matplotlib, used for the lab's tests"


def need_dlib() -> None:
    from deepfake_edu.faces.backends import dlib_backend

    if not dlib_backend.available():
        pytest.skip(dlib_backend.missing())


def save_person(name: str, picture: np.ndarray) -> None:
    """datasets/NAME: the photo at four sizes, as one person's swap crops."""
    from deepfake_edu.faces.extract import ExtractOptions, consent_record, extract_faces, save_extraction

    frames = [cv2.resize(picture, None, fx=f, fy=f, interpolation=cv2.INTER_AREA) for f in (1.0, 0.95, 0.9, 0.85)]
    extraction = extract_faces(iter(frames), ExtractOptions(backend="dlib", duplicate_distance=0.0, detect_every=1))
    assert len(extraction.records) == 4
    save_extraction(name, extraction, consent_record(CONSENT, "test photos", name))


def train_real_pair(run: Path) -> np.ndarray:
    """Save ann and ben, train a two-step swap run into ``run``; returns ann's photo (uint8 RGB)."""
    from deepfake_edu.data.images import read_image
    from deepfake_edu.swap.train import SwapTrainOptions, train_swap

    need_dlib()
    skimage_data = pytest.importorskip("skimage.data")
    import matplotlib.cbook

    astronaut = np.ascontiguousarray(skimage_data.astronaut()[:320, 60:420])
    hopper = read_image(matplotlib.cbook.get_sample_data("grace_hopper.jpg", asfileobj=False))
    save_person("ann", astronaut)
    save_person("ben", hopper)
    train_swap(SwapTrainOptions(data=["ann", "ben"], preset="classroom", bottleneck=16, steps=2, batch_size=2, run=str(run),
                                progress=False, preview_every=0, timelapse_every=0, metrics_every=0, device="cpu"))
    return astronaut

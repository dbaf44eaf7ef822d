"""Small synthetic faces for the swap tests: two 'people' drawn as coloured blobs."""

from __future__ import annotations

import numpy as np
import pytest


def blob_faces(identity: int, n: int, size: int = 64, seed: int = 0) -> np.ndarray:
    """uint8 (n, size, size, 3): an ellipse 'head' whose colour says who it is, with two
    'eyes' and a 'mouth' that move from face to face (the expression).

    Face i's position and mouth depend on (seed, i) only, so face i of identity B is the true
    answer of swapping face i of identity A to B (like the twins' factors).
    """
    import cv2

    skin = np.array([(200, 150, 120), (90, 160, 210), (120, 200, 110)][identity % 3], np.uint8)
    faces = np.zeros((n, size, size, 3), np.uint8)
    for i in range(n):
        rng = np.random.default_rng([seed, i])
        face = np.full((size, size, 3), 30, np.uint8)
        cx, cy = size // 2 + rng.integers(-3, 4), size // 2 + rng.integers(-3, 4)
        cv2.ellipse(face, (int(cx), int(cy)), (size // 3, int(size / 2.4)), 0, 0, 360, tuple(int(c) for c in skin), -1)
        eye_y = int(cy - size // 8)
        gap = size // 7
        eye = max(1, size // 20)
        for dx in (-gap, gap):
            cv2.circle(face, (int(cx + dx), eye_y), eye, (20, 20, 20), -1)
        mouth_open = int(rng.integers(1, size // 10 + 2))
        cv2.ellipse(face, (int(cx), int(cy + size // 5)), (size // 8, mouth_open), 0, 0, 360, (150, 30, 40), -1)
        faces[i] = face
    return faces


@pytest.fixture
def two_people():
    return [blob_faces(0, 24), blob_faces(1, 24)]

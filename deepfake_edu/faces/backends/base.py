"""What every face detector gives back, and the one method it must have.

A backend finds faces in one frame and says where each face's eyes are; everything after that
(alignment, crops, tracking, datasets) is shared. Adding a detector means adding one file here
with a class that has ``name`` and ``detect(frame)``, and one line in ``backends/__init__.py``.

Coordinates are frame pixels, x to the right, y down. "Left eye" means the eye on the left of
the image (the person's right eye).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Protocol, runtime_checkable

import numpy as np


@dataclass
class Face:
    """One face found in one frame."""

    box: tuple[float, float, float, float]  # (x, y, width, height) in frame pixels
    left_eye: tuple[float, float]  # (x, y) centre of the eye on the image's left
    right_eye: tuple[float, float]  # (x, y) centre of the eye on the image's right
    eyes: str  # how the eyes were located: "cascade", "box-estimate", "landmarks" (contour means) or "landmarks-iris"
    backend: str  # which backend found the face
    score: float = 1.0  # detector confidence (Haar: number of neighbours; FAN/S3FD: probability)
    landmarks: np.ndarray | None = None  # (68, 2) frame pixels, or None when the backend has none

    @property
    def area(self) -> float:
        return float(self.box[2] * self.box[3])

    def shifted(self, dx: float, dy: float) -> "Face":
        """The same face moved by (dx, dy) pixels: how a tracked face follows its template."""
        x, y, w, h = self.box
        return Face(
            box=(x + dx, y + dy, w, h),
            left_eye=(self.left_eye[0] + dx, self.left_eye[1] + dy),
            right_eye=(self.right_eye[0] + dx, self.right_eye[1] + dy),
            eyes=self.eyes,
            backend=self.backend,
            score=self.score,
            landmarks=None if self.landmarks is None else self.landmarks + np.array([dx, dy], dtype=np.float32),
        )

    def to_record(self) -> dict:
        """JSON-ready description for a dataset manifest."""
        return {
            "box": [round(float(v), 2) for v in self.box],
            "eyes": {"left": [round(float(v), 2) for v in self.left_eye], "right": [round(float(v), 2) for v in self.right_eye], "method": self.eyes},
            "landmarks": None if self.landmarks is None else np.round(self.landmarks.astype(float), 2).tolist(),
            "backend": self.backend,
            "score": round(float(self.score), 3),
        }


@runtime_checkable
class FaceBackend(Protocol):
    """A face detector. ``detect`` takes uint8 RGB (H, W, 3) and returns faces, largest first."""

    name: str

    def detect(self, frame: np.ndarray) -> list[Face]:
        ...

"""68 facial landmarks from the face-alignment package (S3FD detector + 2DFAN-4), when available.

face-alignment downloads its two weight files at first use; the lab is offline, so this backend
checks torch hub's cache *before* building the model and, when a file is missing, says which
file to put where. ``compile=False``: torch.compile costs minutes on a CPU for no gain here.
"""

from __future__ import annotations

import os
from pathlib import Path
from urllib.parse import urlparse

import numpy as np

from deepfake_edu.errors import LabError
from deepfake_edu.faces.backends.base import Face

# The URLs face-alignment 1.4-1.5 downloads from (face_alignment/api.py ``models_urls`` and
# face_alignment/detection/sfd/sfd_detector.py); the installed package's own table wins when
# it can be read, so a newer release with new file names is still checked correctly.
FALLBACK_URLS = {
    "s3fd": "https://www.adrianbulat.com/downloads/python-fan/s3fd-619a316812.pth",
    "2DFAN-4": "https://www.adrianbulat.com/downloads/python-fan/2DFAN4-11f355bf06.pth.tar",
}


def weight_urls() -> dict[str, str]:
    """{"s3fd": url, "2DFAN-4": url} from the installed face-alignment, else the known ones."""
    urls = dict(FALLBACK_URLS)
    try:
        from face_alignment import api
        from face_alignment.detection.sfd import sfd_detector

        urls["s3fd"] = sfd_detector.models_urls["s3fd"]
        urls["2DFAN-4"] = api.models_urls["2DFAN-4"]
    except (ImportError, AttributeError, KeyError):
        pass
    return urls


def checkpoints_dir() -> Path:
    """torch hub's cache folder, where face-alignment looks for (and would download) weights."""
    import torch.hub

    return Path(torch.hub.get_dir()) / "checkpoints"


def missing_weights() -> list[Path]:
    """The weight files face-alignment needs that are not in the cache, as full paths."""
    folder = checkpoints_dir()
    needed = [folder / os.path.basename(urlparse(url).path) for url in weight_urls().values()]
    return [path for path in needed if not path.is_file()]


def require_weights() -> None:
    """Raise a one-line LabError naming every missing weight file and where it goes."""
    try:
        import face_alignment  # noqa: F401
    except ImportError:
        raise LabError("the face-alignment backend needs the package: pip install 'deepfake-edu[landmarks]', or use --backend opencv") from None
    missing = missing_weights()
    if missing:
        names = ", ".join(path.name for path in missing)
        urls = " and ".join(url for url in weight_urls().values() if os.path.basename(urlparse(url).path) in names)
        raise LabError(
            f"face-alignment weights missing offline: put {names} in {missing[0].parent} "
            f"(downloaded from {urls}), or use --backend opencv"
        )


class FaceAlignmentBackend:
    """S3FD faces and 2DFAN-4 landmarks on the CPU (or ``device``)."""

    name = "face-alignment"

    def __init__(self, device: str = "cpu", min_face: int = 40):
        require_weights()
        import face_alignment

        self.min_face = min_face
        self.model = face_alignment.FaceAlignment(
            face_alignment.LandmarksType.TWO_D, device=device, flip_input=False, compile=False
        )

    def detect(self, frame: np.ndarray) -> list[Face]:
        landmarks, scores, boxes = self.model.get_landmarks_from_image(frame, return_bboxes=True, return_landmark_score=True)
        faces = []
        for points, box in zip(landmarks or [], boxes or []):
            x0, y0, x1, y1 = (float(v) for v in box[:4])
            if min(x1 - x0, y1 - y0) < self.min_face:
                continue
            points = np.asarray(points, dtype=np.float32)[:, :2]
            faces.append(
                Face(
                    box=(x0, y0, x1 - x0, y1 - y0),
                    left_eye=tuple(points[36:42].mean(axis=0).tolist()),
                    right_eye=tuple(points[42:48].mean(axis=0).tolist()),
                    eyes="landmarks",
                    backend=self.name,
                    score=float(box[4]) if len(box) > 4 else 1.0,
                    landmarks=points,
                )
            )
        faces.sort(key=lambda face: -face.area)
        return faces

"""Face detectors behind one small interface (``base.FaceBackend``); pick one by name.

Adding a detector: one file in this folder with a class that has ``name`` and
``detect(frame) -> list[Face]``, and one entry in ``BACKENDS``.
"""

from __future__ import annotations

import sys

from deepfake_edu.errors import LabError
from deepfake_edu.faces.backends.base import Face, FaceBackend

BACKENDS = {
    "opencv": "deepfake_edu.faces.backends.opencv:OpenCVBackend",
    "face-alignment": "deepfake_edu.faces.backends.fan:FaceAlignmentBackend",
}
CHOICES = (*BACKENDS, "auto")


def get_backend(name: str = "opencv", **options) -> FaceBackend:
    """Build the backend called ``name``; "auto" prefers face-alignment when its weights are here.

    ``options`` go to the backend's constructor (for OpenCV: detect_width, min_face).
    """
    if name == "auto":
        from deepfake_edu.faces.backends import fan

        try:
            fan.require_weights()
        except LabError as why:
            print(f"notice: using the OpenCV backend ({why})", file=sys.stderr)
            name = "opencv"
        else:
            name = "face-alignment"
    if name not in BACKENDS:
        raise LabError(f"unknown face backend {name!r}: use one of {', '.join(CHOICES)}")
    module_name, class_name = BACKENDS[name].split(":")
    import importlib

    backend_class = getattr(importlib.import_module(module_name), class_name)
    accepted = {key: value for key, value in options.items() if key in backend_class.__init__.__code__.co_varnames}
    return backend_class(**accepted)


__all__ = ["BACKENDS", "CHOICES", "Face", "FaceBackend", "get_backend"]

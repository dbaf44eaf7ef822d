"""Face detectors behind one small interface (``base.FaceBackend``); pick one by name.

Adding a detector: one file in this folder with a class that has ``name`` and
``detect(frame) -> list[Face]``, and one entry in ``BACKENDS``. A backend that can read landmarks
again in a moved box also has ``refresh(frame, face) -> Face``; the tracker calls it on the frames
between detections.

"auto" (the default) is dlib where dlib and face_recognition_models are installed, else
face-alignment where its weights are cached, else OpenCV, which says once per process that it is
the fallback and how to install dlib.
"""

from __future__ import annotations

import sys

from deepfake_edu.errors import LabError
from deepfake_edu.faces.backends.base import Face, FaceBackend

BACKENDS = {
    "dlib": "deepfake_edu.faces.backends.dlib_backend:DlibBackend",
    "opencv": "deepfake_edu.faces.backends.opencv:OpenCVBackend",
    "face-alignment": "deepfake_edu.faces.backends.fan:FaceAlignmentBackend",
}
CHOICES = (*BACKENDS, "auto")
_FALLBACK_ANNOUNCED = False  # the OpenCV fallback notice is printed once per process


def choose_auto() -> str:
    """The backend "auto" stands for here: dlib, else face-alignment with its weights, else opencv."""
    from deepfake_edu.faces.backends import dlib_backend

    why_not_dlib = dlib_backend.missing()
    if why_not_dlib is None:
        return "dlib"
    from deepfake_edu.faces.backends import fan

    try:
        fan.require_weights()
    except LabError:
        pass
    else:
        return "face-alignment"
    global _FALLBACK_ANNOUNCED
    if not _FALLBACK_ANNOUNCED:
        _FALLBACK_ANNOUNCED = True
        print(f"notice: using the OpenCV backend, the fallback ({why_not_dlib})", file=sys.stderr)
    return "opencv"


def get_backend(name: str = "auto", **options) -> FaceBackend:
    """Build the backend called ``name``; "auto" prefers dlib (see ``choose_auto``).

    ``options`` go to the backend's constructor where it takes them (OpenCV and dlib:
    detect_width, min_face).
    """
    if name == "auto":
        name = choose_auto()
    if name not in BACKENDS:
        raise LabError(f"unknown face backend {name!r}: use one of {', '.join(CHOICES)}")
    module_name, class_name = BACKENDS[name].split(":")
    import importlib

    backend_class = getattr(importlib.import_module(module_name), class_name)
    accepted = {key: value for key, value in options.items() if key in backend_class.__init__.__code__.co_varnames}
    return backend_class(**accepted)


__all__ = ["BACKENDS", "CHOICES", "Face", "FaceBackend", "choose_auto", "get_backend"]

"""dlib faces: HOG detection, 68 landmarks, eye centres, and a 128-d identity embedding, offline.

The field's own pipeline (the 2017 face-swap code, the MesoNet authors' ``pipeline.py``) found and
aligned faces with dlib. This backend uses dlib's Python API directly, with the model files that
the ``face_recognition_models`` package ships (nothing is downloaded):

- faces: dlib's HOG + linear SVM frontal detector (``get_frontal_face_detector``, built into dlib;
  it finds faces from about 80 px on the image it is given), run on a grey copy shrunk to at most
  ``detect_width`` pixels wide. When nothing is found it looks once more on a copy enlarged so
  that a ``min_face`` face is 80 px (capped at ``MAX_RETRY_PIXELS``), which finds small faces in
  photos. ``detector="cnn"`` uses the MMOD CNN (``mmod_human_face_detector.dat``) instead: on the
  2-core machine it costs 4-20 s a photo (HOG: 15-75 ms) and found no labelled face that HOG missed.
- 68 landmarks (iBUG 300-W numbering, the same as face-alignment's) from
  ``shape_predictor_68_face_landmarks.dat``, about 2.5 ms a face; ``landmarks_for`` runs it on a
  given box, which is how the tracker refreshes landmarks on every frame between detections.
- eye centres: the mean of each eye's six contour points, then moved to the iris centre
  (``eye_centre.iris_centre`` on ``opencv.iris_contrast``) found in a window the size of that eye
  (``IRIS_WINDOW``), unless the iris lies further than ``IRIS_MAX_MOVE`` eye gaps from it. The
  contour's mean sits 3-13% of the eye gap from the labelled pupil (the lids are not symmetric
  round the iris, and a cartoon's eyes are not human); the iris search halves that.
- identity: ``face_embedding`` gives the 128-d vector of ``dlib_face_recognition_resnet_model_v1.dat``
  (two photos of one person are about 0.1-0.4 apart, two people 0.6 or more).

Model files and their licences: datasets/REAL_FACES.md. The 68-point predictor was trained on
iBUG 300-W, whose licence excludes commercial use.
"""

from __future__ import annotations

import importlib.util
from pathlib import Path

import numpy as np

from deepfake_edu.errors import LabError
from deepfake_edu.faces.backends.base import Face

INSTALL = "pip install 'deepfake-edu[faces]' (or: pip install dlib-bin face_recognition_models)"
MODEL_FILES = {
    "landmarks68": "shape_predictor_68_face_landmarks.dat",
    "landmarks5": "shape_predictor_5_face_landmarks.dat",
    "embedding": "dlib_face_recognition_resnet_model_v1.dat",
    "cnn": "mmod_human_face_detector.dat",
}
HOG_WINDOW = 80  # pixels: the smallest face dlib's frontal detector finds on the image it scans
MAX_RETRY_PIXELS = 2_500_000  # the enlarged second look scans at most this many pixels (~0.3 s)
# Iris search round the contour mean, in eye widths (corner to corner): half width, half height.
# On the labelled photos (faces.ground_truth, 40 faces), windows 0.35-0.65 wide and 0.2-0.4 high
# were tried: this one put the most eyes within 3% of the eye gap (22 of 40; contour mean: 2) and
# the most swap crops within 3% of their width (35 of 40; contour mean: 20).
IRIS_WINDOW = (0.65, 0.4)
IRIS_MAX_MOVE = 0.2  # eye gaps: an iris found further from the contour mean is a brow or a shadow
IRIS_MIN_GAP = 8.0  # pixels: eyes closer than this are too small to search for an iris


def models_dir() -> Path | None:
    """The folder of face_recognition_models' .dat files, or None when it is not installed.

    Found without importing the package: its ``__init__`` imports ``pkg_resources``, which recent
    setuptools no longer has.
    """
    try:
        spec = importlib.util.find_spec("face_recognition_models")
    except (ImportError, ValueError):
        return None
    if spec is None or not spec.submodule_search_locations:
        return None
    return Path(list(spec.submodule_search_locations)[0]) / "models"


def model_path(kind: str) -> Path:
    """Full path of one model file (``MODEL_FILES``); a one-line LabError when it is missing."""
    folder = models_dir()
    if folder is None:
        raise LabError(f"the dlib backend needs face_recognition_models: {INSTALL}")
    path = folder / MODEL_FILES[kind]
    if not path.is_file():
        raise LabError(f"{path.name} is missing from {folder}: reinstall it with pip install --force-reinstall face_recognition_models")
    return path


def missing() -> str | None:
    """Why the dlib backend cannot run here (one line), or None when it can. Imports nothing."""
    try:
        has_dlib = importlib.util.find_spec("dlib") is not None
    except (ImportError, ValueError):
        has_dlib = False
    if not has_dlib:
        return f"dlib is not installed: {INSTALL}"
    folder = models_dir()
    if folder is None:
        return f"face_recognition_models is not installed: {INSTALL}"
    absent = [name for key, name in MODEL_FILES.items() if key != "cnn" and not (folder / name).is_file()]
    if absent:
        return f"{', '.join(absent)} missing from {folder}: pip install --force-reinstall face_recognition_models"
    return None


def available() -> bool:
    return missing() is None


def _import_dlib():
    try:
        import dlib
    except ImportError:
        raise LabError(f"the dlib backend needs dlib: {INSTALL}") from None
    return dlib


_CACHE: dict[str, object] = {}  # model files are loaded once per process (the 68-point one is 100 MB)


def _model(kind: str):
    if kind not in _CACHE:
        dlib = _import_dlib()
        if kind == "hog":  # built into dlib: no file
            _CACHE[kind] = dlib.get_frontal_face_detector()
            return _CACHE[kind]
        path = str(model_path(kind))
        if kind in ("landmarks68", "landmarks5"):
            _CACHE[kind] = dlib.shape_predictor(path)
        elif kind == "embedding":
            _CACHE[kind] = dlib.face_recognition_model_v1(path)
        elif kind == "cnn":
            _CACHE[kind] = dlib.cnn_face_detection_model_v1(path)
    return _CACHE[kind]


def _shape_points(shape) -> np.ndarray:
    return np.array([(point.x, point.y) for point in shape.parts()], dtype=np.float32)


def _rectangle(box):
    dlib = _import_dlib()
    x, y, w, h = (float(v) for v in box)
    return dlib.rectangle(int(round(x)), int(round(y)), int(round(x + w)), int(round(y + h)))


def eye_centres(landmarks: np.ndarray, frame: np.ndarray | None = None) -> tuple[tuple[float, float], tuple[float, float], str]:
    """(left, right, method) eye centres from (68, 2) landmarks; moved to the iris when uint8 RGB
    ``frame`` is given and the iris is found near (searched on ``opencv.iris_contrast`` of the
    eyes' part of the frame only)."""
    from deepfake_edu.faces.backends.opencv import iris_contrast
    from deepfake_edu.faces.eye_centre import iris_centre

    points = np.asarray(landmarks, dtype=np.float64)
    contours = (points[36:42], points[42:48])
    means = [contour.mean(axis=0) for contour in contours]
    gap = float(np.linalg.norm(means[1] - means[0]))
    if frame is None or frame.ndim != 3 or gap < IRIS_MIN_GAP:
        return tuple(means[0].tolist()), tuple(means[1].tolist()), "landmarks"
    # The part of the frame the two search windows can reach, with a margin.
    eyes = points[36:48]
    reach = IRIS_WINDOW[0] * float(max(np.linalg.norm(c[3] - c[0]) for c in contours)) + 4
    x0, y0 = (max(0, int(v - reach)) for v in eyes.min(axis=0))
    x1, y1 = (int(v + reach) + 1 for v in eyes.max(axis=0))
    part = frame[y0 : min(y1, frame.shape[0]), x0 : min(x1, frame.shape[1])]
    if part.shape[0] < 3 or part.shape[1] < 4:
        return tuple(means[0].tolist()), tuple(means[1].tolist()), "landmarks"
    contrast = iris_contrast(np.ascontiguousarray(part))
    found = []
    for contour, mean in zip(contours, means):
        width = float(np.linalg.norm(contour[3] - contour[0]))
        iris = iris_centre(contrast, (float(mean[0] - x0), float(mean[1] - y0)), IRIS_WINDOW[0] * width, IRIS_WINDOW[1] * width, dark_weight=1.0)
        if iris is not None:
            centre = np.array(iris[0]) + (x0, y0)
            if np.hypot(*(centre - mean)) <= IRIS_MAX_MOVE * gap:
                found.append(tuple(float(v) for v in centre))
                continue
        found.append(tuple(mean.tolist()))
    return found[0], found[1], "landmarks-iris"


class DlibBackend:
    """dlib HOG (or CNN) faces with 68 landmarks. ``min_face`` and ``detect_width`` are frame pixels."""

    name = "dlib"

    def __init__(self, detect_width: int = 640, min_face: int = 40, detector: str = "hog", refine_eyes: bool = True, threshold: float = 0.0):
        if detector not in ("hog", "cnn"):
            raise LabError(f"unknown dlib detector {detector!r}: use hog or cnn")
        self.detect_width = detect_width  # pixels: larger frames are shrunk to this width to find faces
        self.min_face = min_face  # frame pixels: smaller faces are dropped (and searched for when none is found)
        self.detector = detector  # "hog" (default, fast) or "cnn" (MMOD, seconds a frame on a CPU)
        self.refine_eyes = refine_eyes  # move each landmark eye centre to its iris centre
        self.threshold = threshold  # HOG score a face needs; lower finds more faces and more false ones
        self.face_detector = _model("hog") if detector == "hog" else _model("cnn")
        self.predictor = _model("landmarks68")

    def detect(self, frame: np.ndarray) -> list[Face]:
        """Faces in uint8 RGB (H, W, 3), largest first, each with 68 landmarks."""
        import cv2

        grey = cv2.cvtColor(frame, cv2.COLOR_RGB2GRAY) if frame.ndim == 3 else frame
        height, width = grey.shape[:2]
        scale = min(1.0, self.detect_width / width)
        boxes = self.detect_boxes(grey, scale)
        wanted = HOG_WINDOW / max(1.0, float(self.min_face))  # the scale at which a min_face face is found
        if not boxes and wanted > scale:
            retry = min(wanted, float(np.sqrt(MAX_RETRY_PIXELS / (width * height))))
            if retry > scale * 1.05:
                boxes = self.detect_boxes(grey, retry)
        boxes = [(box, score) for box, score in boxes if min(box[2], box[3]) >= self.min_face]
        boxes.sort(key=lambda item: -item[0][2] * item[0][3])
        return [self.landmarks_for(frame, box, score) for box, score in boxes]

    def detect_boxes(self, grey: np.ndarray, scale: float) -> list[tuple[tuple[float, float, float, float], float]]:
        """Face boxes (x, y, w, h) in frame pixels and their scores, found on ``grey`` resized by ``scale``."""
        import cv2

        if abs(scale - 1.0) < 1e-6:
            work = grey
        else:
            interpolation = cv2.INTER_AREA if scale < 1 else cv2.INTER_LINEAR
            work = cv2.resize(grey, None, fx=scale, fy=scale, interpolation=interpolation)
        work = np.ascontiguousarray(work)
        found = []
        if self.detector == "hog":
            rects, scores, _ = self.face_detector.run(work, 0, self.threshold)
            pairs = zip(rects, scores)
        else:
            pairs = ((hit.rect, hit.confidence) for hit in self.face_detector(work, 0))
        for rect, score in pairs:
            x0, y0 = rect.left() / scale, rect.top() / scale
            found.append(((x0, y0, (rect.right() - rect.left()) / scale, (rect.bottom() - rect.top()) / scale), float(score)))
        return found

    def landmarks_for(self, frame: np.ndarray, box, score: float = 1.0) -> Face:
        """The face in ``box`` (x, y, w, h frame pixels) with its 68 landmarks and eye centres."""
        points = _shape_points(self.predictor(np.ascontiguousarray(frame), _rectangle(box)))
        left, right, method = eye_centres(points, frame if self.refine_eyes else None)
        return Face(box=tuple(float(v) for v in box), left_eye=left, right_eye=right, eyes=method, backend=self.name, score=score, landmarks=points)

    def refresh(self, frame: np.ndarray, face: Face) -> Face:
        """``face`` (moved by the tracker) with landmarks and eyes read again on this frame."""
        return self.landmarks_for(frame, face.box, face.score)


def face_embedding(image_rgb: np.ndarray, where, jitters: int = 0) -> np.ndarray:
    """float32 (128,): dlib's identity embedding of the face at ``where`` in uint8 RGB ``image_rgb``.

    ``where``: a ``Face`` (its 68 landmarks when it has them, else its box), (68, 2) or (5, 2)
    landmarks in frame pixels, or a box (x, y, w, h). With a box the 5-point predictor places the
    face first, as dlib's own examples do. Euclidean distance between two embeddings: about 0.6
    and more between different people. ``jitters`` > 0 averages that many jittered copies (slower).
    """
    dlib = _import_dlib()
    image = np.ascontiguousarray(image_rgb)
    if image.dtype != np.uint8 or image.ndim != 3 or image.shape[2] != 3:
        raise LabError("face_embedding needs a uint8 RGB picture (H, W, 3)")
    landmarks = None
    if isinstance(where, Face):
        box, landmarks = where.box, where.landmarks
    else:
        array = np.asarray(where, dtype=np.float64)
        if array.shape in ((68, 2), (5, 2)):
            landmarks = array
            low, high = array.min(axis=0), array.max(axis=0)
            box = (low[0], low[1], high[0] - low[0], high[1] - low[1])
        elif array.shape == (4,):
            box = tuple(array.tolist())
        else:
            raise LabError(f"face_embedding takes a Face, (68, 2) or (5, 2) landmarks, or a box (x, y, w, h), not shape {array.shape}")
    rect = _rectangle(box)
    if landmarks is None:
        shape = _model("landmarks5")(image, rect)
    else:
        points = [dlib.point(int(round(x)), int(round(y))) for x, y in np.asarray(landmarks, dtype=np.float64)]
        shape = dlib.full_object_detection(rect, points)
    descriptor = _model("embedding").compute_face_descriptor(image, shape, int(jitters))
    return np.asarray(descriptor, dtype=np.float32)

"""The dlib backend: faces, 68 landmarks, eye centres against the hand-labelled set, the identity
embedding, and that it is the default where installed (OpenCV the fallback, announced once)."""

from pathlib import Path

import numpy as np
import pytest

from deepfake_edu.faces import backends
from deepfake_edu.faces.backends import dlib_backend, get_backend

MESONET_REAL = Path(__file__).resolve().parents[2].parent / "shared" / "mesonet-original" / "test_images" / "real"


@pytest.fixture(scope="module")
def dlib_finder():
    pytest.importorskip("dlib", reason="dlib is not installed: pip install 'deepfake-edu[faces]'")
    if not dlib_backend.available():
        pytest.skip(dlib_backend.missing())
    return get_backend("dlib")


def test_dlib_backend_meets_the_interface(dlib_finder):
    from deepfake_edu.faces.backends.base import FaceBackend

    assert isinstance(dlib_finder, FaceBackend) and dlib_finder.name == "dlib"


@pytest.mark.parametrize("photo", ["astronaut", "grace_hopper"])
def test_one_face_with_68_landmarks_in_a_portrait(request, dlib_finder, photo):
    image = request.getfixturevalue(photo)
    faces = dlib_finder.detect(image)
    assert len(faces) == 1
    face = faces[0]
    x, y, w, h = face.box
    assert w > 60 and 0 <= x and x + w <= image.shape[1]
    assert face.landmarks.shape == (68, 2) and face.eyes == "landmarks-iris"
    inside = (face.landmarks[:, 0] > x - 0.2 * w) & (face.landmarks[:, 0] < x + 1.2 * w) & (face.landmarks[:, 1] > y - 0.2 * h) & (face.landmarks[:, 1] < y + 1.2 * h)
    assert inside.all()
    assert face.left_eye[0] < face.landmarks[30, 0] < face.right_eye[0]  # the nose tip between the eyes
    assert face.landmarks[8, 1] > face.landmarks[30, 1] > face.left_eye[1]  # chin below nose below eyes


def test_faces_in_the_mesonet_authors_real_crops(dlib_finder):
    if not MESONET_REAL.is_dir():
        pytest.skip(f"{MESONET_REAL} is absent (shared/ beside the clone)")
    from deepfake_edu.data.images import read_image

    files = sorted(MESONET_REAL.glob("*.jpg"))
    assert files
    for file in files:
        faces = dlib_finder.detect(read_image(file))
        assert len(faces) >= 1 and faces[0].landmarks.shape == (68, 2), file.name


def test_no_face_in_photos_without_faces(dlib_finder):
    skimage_data = pytest.importorskip("skimage.data")
    for image in (skimage_data.coffee(), skimage_data.chelsea(), np.full((300, 400, 3), 128, np.uint8)):
        assert dlib_finder.detect(image) == []


def test_eye_centres_on_the_hand_labelled_photos(dlib_finder):
    """The bench's bound (3% of the swap crop's width), on the upright labelled photos; messi5's
    eyes are 12.5 px apart (3% of the crop is under a pixel) and get 5%."""
    from deepfake_edu.faces.backends.dlib_backend import DlibBackend
    from deepfake_edu.faces.ground_truth import labelled_photos, measure_label_errors

    photos, _ = labelled_photos(rotations=(0.0,))
    rows = measure_label_errors(DlibBackend(min_face=20), photos, crops=(("swap", 128),))
    assert all(row["eyes"] == "landmarks-iris" for row in rows)  # every labelled face found
    for row in rows:
        assert row["swap_128"] <= (0.05 if row["photo"] == "messi5" else 0.03), row  # seen: <= 0.018, messi5 0.034
    assert np.median([row["swap_128"] for row in rows]) <= 0.02  # seen: 0.014
    unrefined = measure_label_errors(DlibBackend(min_face=20, refine_eyes=False), photos, crops=(("swap", 128),))
    assert np.median([row["eye_gap_error"] for row in rows]) < 0.7 * np.median([row["eye_gap_error"] for row in unrefined])


def test_tracker_reads_landmarks_on_every_frame(dlib_finder, astronaut):
    from deepfake_edu.faces.track import FaceTracker

    tracker = FaceTracker(dlib_finder, detect_every=5)
    previous = None
    for shift in range(0, 10, 2):
        frame = np.ascontiguousarray(np.roll(astronaut, shift, axis=1))
        [(track, face)] = tracker.update(frame)
        assert track == 0 and face.landmarks.shape == (68, 2)
        if previous is not None:  # the landmarks follow the face, read again, not only shifted
            assert abs(face.landmarks[30, 0] - previous.landmarks[30, 0] - 2) < 2
        previous = face
    assert tracker.detections_run == 1


def test_identity_embedding_tells_people_apart(dlib_finder, astronaut, grace_hopper):
    import cv2

    from deepfake_edu.faces.backends.dlib_backend import face_embedding

    face = dlib_finder.detect(astronaut)[0]
    same = face_embedding(astronaut, face)
    assert same.shape == (128,) and same.dtype == np.float32
    smaller = cv2.resize(astronaut, None, fx=0.7, fy=0.7, interpolation=cv2.INTER_AREA)
    from_box = face_embedding(smaller, dlib_finder.detect(smaller)[0].box)  # box: the 5-point predictor places it
    other = face_embedding(grace_hopper, dlib_finder.detect(grace_hopper)[0].landmarks)
    assert np.linalg.norm(same - from_box) < 0.4  # seen: 0.15
    assert np.linalg.norm(same - other) > 0.6  # seen: 0.70


def test_embedding_refuses_a_bad_place_in_one_line(dlib_finder, astronaut):
    from deepfake_edu.errors import LabError
    from deepfake_edu.faces.backends.dlib_backend import face_embedding

    with pytest.raises(LabError) as error:
        face_embedding(astronaut, np.zeros((3, 3)))
    assert "\n" not in str(error.value)


def test_dlib_is_the_default_where_installed(dlib_finder, capsys):
    assert get_backend().name == "dlib"
    assert get_backend("auto").name == "dlib"
    assert capsys.readouterr().err == ""


def test_opencv_fallback_is_announced_once(monkeypatch, capsys):
    monkeypatch.setattr(dlib_backend, "missing", lambda: f"dlib is not installed: {dlib_backend.INSTALL}")
    monkeypatch.setattr(backends, "_FALLBACK_ANNOUNCED", False)
    from deepfake_edu.faces.backends import fan

    def no_weights():
        raise backends.LabError("no face-alignment here")

    monkeypatch.setattr(fan, "require_weights", no_weights)
    assert get_backend().name == "opencv"
    assert get_backend("auto").name == "opencv"
    notices = capsys.readouterr().err.strip().splitlines()
    assert len(notices) == 1
    assert notices[0].startswith("notice: using the OpenCV backend") and "pip install 'deepfake-edu[faces]'" in notices[0]


def test_missing_dlib_is_one_line_naming_the_install(monkeypatch):
    import importlib.util

    real_find_spec = importlib.util.find_spec
    monkeypatch.setattr(importlib.util, "find_spec", lambda name, *a: None if name == "dlib" else real_find_spec(name, *a))
    why = dlib_backend.missing()
    assert why.startswith("dlib is not installed") and "deepfake-edu[faces]" in why and "\n" not in why

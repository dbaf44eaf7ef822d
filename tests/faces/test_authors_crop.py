"""The MesoNet authors' crop: upright, centred on the nose, 2.86 times the face's larger span wide."""

import numpy as np
import pytest

from deepfake_edu.errors import LabError
from deepfake_edu.faces.align import AUTHORS_SIDE_FACTOR, MEAN_FACE_68, align_authors, apply_affine, authors_transform
from deepfake_edu.faces.backends.base import Face


def _posed(degrees: float, scale: float = 60.0, at=(300.0, 220.0)) -> np.ndarray:
    turn = np.radians(degrees)
    rotation = np.array([[np.cos(turn), -np.sin(turn)], [np.sin(turn), np.cos(turn)]])
    return MEAN_FACE_68 * scale @ rotation.T + np.array(at)


def _landmark_centres(points: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    eyes = (points[36:42].mean(axis=0) + points[42:48].mean(axis=0)) / 2
    mouth = points[48:68].mean(axis=0)
    nose = (points[27:31].mean(axis=0) + points[31:36].mean(axis=0)) / 2
    return eyes, mouth, nose


@pytest.mark.parametrize("degrees", [0.0, 20.0, -35.0])
def test_a_turned_face_comes_out_upright_and_centred_on_its_nose(degrees):
    in_crop = apply_affine(authors_transform(_posed(degrees), 256), _posed(degrees))
    eyes, mouth, nose = _landmark_centres(in_crop)
    assert abs(eyes[0] - mouth[0]) < 1.0 and mouth[1] > eyes[1] + 20  # upright, mouth below the eyes
    assert np.allclose(nose, (128, 128), atol=1e-6)


def test_the_crop_is_the_same_whatever_the_pose():
    reference = apply_affine(authors_transform(_posed(0.0, 60.0), 256), _posed(0.0, 60.0))
    moved = _posed(25.0, 95.0, at=(500.0, 410.0))
    assert np.allclose(apply_affine(authors_transform(moved, 256), moved), reference, atol=1e-6)


def test_its_side_is_the_authors_factor_times_the_larger_span():
    points = _posed(0.0, 60.0)
    eyes, mouth, _ = _landmark_centres(points)
    gap = np.linalg.norm(points[42:48].mean(axis=0) - points[36:42].mean(axis=0))
    span = max(gap, np.linalg.norm(mouth - eyes))
    scale = np.linalg.norm(authors_transform(points, 256)[0, :2])  # crop pixels per frame pixel
    assert np.isclose(256 / scale, AUTHORS_SIDE_FACTOR * span, rtol=0.02)


def test_a_face_without_68_landmarks_is_refused():
    face = Face(box=(0, 0, 10, 10), left_eye=(3, 4), right_eye=(7, 4), eyes="haar", backend="opencv")
    with pytest.raises(LabError, match="68 landmarks"):
        align_authors(np.zeros((64, 64, 3), np.uint8), face)
    with pytest.raises(LabError, match="68 landmarks"):
        authors_transform(np.zeros((5, 2)))


def test_detect_cuts_the_authors_crop_from_a_photo(astronaut):
    from deepfake_edu.faces.backends import dlib_backend

    if not dlib_backend.available():
        pytest.skip(f"dlib is not installed: {dlib_backend.missing()}")
    from deepfake_edu.detect.predict import face_finder

    photo = np.ascontiguousarray(astronaut[:, :380])  # not square: the face is found and cut, not taken as a crop
    ours, theirs = face_finder(crop="lab")(photo), face_finder(crop="authors")(photo)
    assert ours.shape == theirs.shape == (256, 256, 3) and not np.array_equal(ours, theirs)
    with pytest.raises(LabError, match="unknown crop"):
        face_finder(crop="tight")


def test_a_video_frame_filled_by_a_face_is_cut_not_taken_as_a_crop(astronaut):
    from deepfake_edu.faces.backends import dlib_backend

    if not dlib_backend.available():
        pytest.skip(f"dlib is not installed: {dlib_backend.missing()}")
    from deepfake_edu.detect.predict import already_cropped, face_finder

    close_up = np.ascontiguousarray(astronaut[30:230, 120:320])  # square, the face about 43% of its width
    assert np.array_equal(face_finder()(close_up), already_cropped(close_up))  # a photo like this may be a crop
    assert not np.array_equal(face_finder(video=True)(close_up), already_cropped(close_up))  # a frame never is

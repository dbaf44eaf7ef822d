"""Alignment against hand-labelled eyes: the issue's target, measured on real photos."""

import numpy as np
import pytest

from deepfake_edu.faces.ground_truth import labelled_photos, measure_label_errors, rotate_photo

# The one known hard case and the honest bound reached on it (see datasets/REAL_FACES.md):
# messi5's eyes are 12.5 px apart, so 0.93 px is 3% of a swap crop: eyes placed exactly 1 px (the
# labels' own uncertainty) off the labels in random directions miss 3% nine times in ten.
HARD = {"messi5": 0.06}


@pytest.fixture(scope="module")
def label_errors(backend):
    photos, _ = labelled_photos()
    return measure_label_errors(backend, photos)


def test_rotating_a_photo_moves_its_labels_with_it(astronaut):
    eyes = np.array([[202.0, 100.5], [247.5, 101.5]])
    rotated, moved = rotate_photo(astronaut, eyes, 15.0)
    tilt = np.degrees(np.arctan2(moved[1, 1] - moved[0, 1], moved[1, 0] - moved[0, 0]))
    assert tilt == pytest.approx(np.degrees(np.arctan2(1.0, 45.5)) - 15.0, abs=1e-6)
    assert rotated.shape[0] > astronaut.shape[0]  # the canvas grows: nothing is cut off


def test_labelled_pupils_land_within_3_percent_of_their_targets(label_errors):
    measured = [row for row in label_errors if row["eyes"] is not None]
    assert len(measured) >= 0.9 * len(label_errors)  # messi5 turned 15 degrees is too small to find
    for row in measured:
        bound = HARD.get(row["photo"].split(" rotated")[0], 0.03)
        assert row["swap_128"] <= bound, row
        assert row["mesonet_256"] <= bound, row


def test_iris_refinement_beats_the_cascade_box_centres(label_errors):
    from deepfake_edu.faces.backends.opencv import OpenCVBackend

    photos, _ = labelled_photos(rotations=(0.0,))
    unrefined = measure_label_errors(OpenCVBackend(refine_eyes=False), photos, crops=(("swap", 128),))
    refined = [row for row in label_errors if row["degrees"] == 0.0]
    before = np.median([row["swap_128"] for row in unrefined if row["swap_128"] is not None])
    after = np.median([row["swap_128"] for row in refined if row["swap_128"] is not None])
    assert after < 0.7 * before


def test_a_tilted_head_gets_its_eyes_not_an_eyebrow(backend):
    """Turned 15 degrees, the eye cascade alone can pair one eye with the other brow (face_swapped
    +15: 0.21 eye gaps off); the turned search must keep every cascade eye on its eye."""
    from deepfake_edu.faces.backends.opencv import OpenCVBackend
    from deepfake_edu.faces.ground_truth import face_at

    unrefined = OpenCVBackend(refine_eyes=False)
    photos, _ = labelled_photos(rotations=(-15.0, 15.0))
    checked = 0
    for photo in photos:
        face = face_at(unrefined.detect(photo.image), photo.eyes)
        if face is None or face.eyes != "cascade":
            continue
        gap = np.linalg.norm(photo.eyes[1] - photo.eyes[0])
        off = np.linalg.norm(np.array([face.left_eye, face.right_eye]) - photo.eyes, axis=1).max() / gap
        assert off < 0.15, (photo.name, round(float(off), 3))
        checked += 1
    assert checked >= 2  # astronaut +15 at least; with opencv-doc also face_swapped and Megamind

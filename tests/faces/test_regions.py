"""Face regions from landmarks: the landmark dict, the non-overlapping region masks, the swap
loss's eyes-and-mouth mask."""

from __future__ import annotations

import numpy as np
import pytest

from deepfake_edu.errors import LabError
from deepfake_edu.faces import regions
from deepfake_edu.faces.align import MEAN_FACE_68
from deepfake_edu.faces.regions import priority_mask
from tests.forensics.conftest import face_landmarks


def test_region_masks_cover_their_landmarks_and_do_not_overlap():
    landmarks = face_landmarks(64)
    masks = regions.region_masks(landmarks, 64)
    assert set(masks) == set(regions.REGIONS)
    for key in ("eye_left", "eye_right"):
        x, y = map(int, landmarks[key])
        assert masks["eyes"][y, x]
    assert masks["mouth"][46, 32] and masks["nose"][33, 32]
    assert not masks["background"][37, 32] and masks["background"][0, 0]
    face_regions = [masks[r].astype(int) for r in ("eyes", "mouth", "nose", "cheeks")]
    assert max(int(np.sum(face_regions, axis=0).max()), 1) == 1
    moved = regions.region_masks(face_landmarks(64, dx=5), 64)
    assert np.array_equal(np.roll(masks["eyes"], 5, axis=1)[:, 8:], moved["eyes"][:, 8:])


def test_region_masks_use_a_given_face_mask_and_reject_missing_landmarks():
    face = np.zeros((64, 64), bool)
    face[10:60, 5:60] = True
    masks = regions.region_masks({**face_landmarks(64), "face_mask": face}, 64)
    assert np.array_equal(masks["background"], ~face)
    with pytest.raises(LabError, match="chin"):
        regions.region_masks({k: v for k, v in face_landmarks(64).items() if k != "chin"}, 64)


def test_landmarks_from_68_points():
    points = np.zeros((68, 2))
    points[36:42] = (20, 30)
    points[42:48] = (44, 30)
    points[30] = (32, 40)
    points[48], points[54], points[8] = (24, 50), (40, 50), (32, 62)
    landmarks = regions.landmarks_from_68(points)
    assert landmarks["eye_left"] == (20, 30) and landmarks["eye_right"] == (44, 30) and landmarks["chin"] == (32, 62)


def test_landmarks_from_eyes_place_an_average_face_on_the_eyes():
    landmarks = regions.landmarks_from_eyes((30, 40), (50, 40))
    assert np.allclose(landmarks["eye_left"], (30, 40)) and np.allclose(landmarks["eye_right"], (50, 40))
    assert 40 < landmarks["nose_tip"][1] < landmarks["mouth_center"][1] < landmarks["chin"][1]
    assert landmarks["mouth_left"][0] < 40 < landmarks["mouth_right"][0]
    tilted = regions.landmarks_from_eyes((30, 40), (50, 60))  # head rolled 45 degrees: the chin swings left
    assert tilted["chin"][0] < 40


def test_landmarks_from_records_of_twins_and_of_extracted_faces():
    twin = {"landmarks": {**face_landmarks(64), "brow_left": (20, 20)}}
    assert regions.landmarks_from_record(twin)["chin"] == (32.0, 58.0)
    shift = [[1, 0, -10], [0, 1, -5]]  # frame -> crop: move 10 left, 5 up
    extracted = {"eyes": {"left": [40, 45], "right": [60, 45]}, "landmarks": None, "transform": shift}
    found = regions.landmarks_from_record(extracted)
    assert np.allclose(found["eye_left"], (30, 40)) and np.allclose(found["eye_right"], (50, 40))
    assert regions.landmarks_from_record({"file": "x.png"}) is None


def test_region_masks_on_rendered_twins_cover_their_landmarks():
    twins = pytest.importorskip("deepfake_edu.data.twins", reason="the twins generator is not built on this branch")
    identities = twins.make_identities(3, seed=0)
    for index, identity in enumerate(identities):
        face = twins.render_face(identity, twins.sample_factors(index), size=128, with_mask=True)
        landmarks = regions.landmarks_from_record({"landmarks": face.landmarks_dict()})
        assert landmarks["outline"].shape[1] == 2
        masks = regions.region_masks(landmarks, 128)
        for region, key in (("eyes", "eye_left"), ("eyes", "eye_right"), ("mouth", "mouth_center"), ("nose", "nose_tip")):
            x, y = (int(round(v)) for v in landmarks[key])
            assert masks[region][y, x], (index, region)
        skin = face.mask > 0.5
        assert (skin & ~masks["background"]).sum() > 0.5 * skin.sum()  # the default face covers most of the skin
        exact = regions.region_masks({**landmarks, "face_mask": skin}, 128)
        assert np.array_equal(exact["background"], ~skin)


def test_priority_mask_covers_eyes_and_mouth():
    landmarks = {"left_eye": [[20, 24]], "right_eye": [[44, 24]], "mouth": [[26, 46], [38, 46]]}
    mask = priority_mask(landmarks, 64)
    assert mask[24, 20] > 0.5 and mask[24, 44] > 0.5 and mask[46, 32] > 0.5
    assert mask[5, 5] == 0 and mask[60, 60] == 0
    sixty_eight = MEAN_FACE_68 * 20 + (32, 24)
    assert priority_mask(sixty_eight.tolist(), 64)[round(sixty_eight[51, 1]), 32] > 0.5  # the upper lip
    with pytest.raises(LabError, match="same place"):  # 68 points on one spot are no face
        priority_mask((np.zeros((68, 2)) + 32).tolist(), 64)

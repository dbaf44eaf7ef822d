"""Regions drawn from a real face's 68 landmarks (iBUG layout): face hull with the forehead, eyes,
brows, nose, mouth, cheeks; the loss's priority mask from them; bad landmarks refused."""

from __future__ import annotations

import numpy as np
import pytest

from deepfake_edu.errors import LabError
from deepfake_edu.faces import regions
from deepfake_edu.faces.align import MEAN_FACE_68, apply_affine

SIZE = 128
GAP = 36.0  # pixels between the eye centres of the synthetic face


def face_68(roll_degrees: float = 0.0, centre=(64.0, 52.0), gap: float = GAP) -> np.ndarray:
    """(68, 2): the lab's mean face, ``gap`` px between the eyes, its eye midpoint at ``centre``, rolled."""
    mean = MEAN_FACE_68.copy()
    angle = np.radians(roll_degrees)
    rotation = np.array([[np.cos(angle), -np.sin(angle)], [np.sin(angle), np.cos(angle)]])
    return (mean * gap) @ rotation.T + np.asarray(centre)


def at(mask: np.ndarray, point) -> bool:
    x, y = (int(round(v)) for v in point)
    return bool(mask[y, x])


def test_68_point_regions_follow_the_polygons_and_do_not_overlap():
    points = face_68()
    masks = regions.region_masks(regions.landmarks_from_68(points), SIZE)
    assert tuple(masks) == regions.REGIONS_68
    mouth_centroid, eye_centroids = points[48:60].mean(0), (points[36:42].mean(0), points[42:48].mean(0))
    assert at(masks["mouth"], mouth_centroid) and not any(at(masks["mouth"], eye) for eye in eye_centroids)
    assert all(at(masks["eyes"], eye) for eye in eye_centroids) and not at(masks["eyes"], mouth_centroid)
    assert at(masks["brows"], points[19]) and at(masks["brows"], points[24]) and not at(masks["eyes"], points[19])
    assert at(masks["nose"], points[30]) and at(masks["nose"], points[28])
    left_cheek = (points[2] + points[31]) / 2  # between the jaw and the nostril
    assert at(masks["cheeks"], left_cheek) and at(masks["cheeks"], (points[14] + points[35]) / 2)
    assert at(masks["background"], (2, 2)) and not at(masks["background"], points[30])
    stacked = np.sum([m.astype(int) for m in masks.values()], axis=0)
    assert stacked.max() == 1  # no pixel in two regions, background included
    assert (stacked == 0).sum() > 0.05 * (~masks["background"]).sum()  # the forehead, jaw, chin: face, but no region
    # An eye is its hull grown a little, not the ellipse: about 0.45 d x 0.32 d, far less than 0.8 d x 0.5 d.
    one_eye = masks["eyes"] & (np.arange(SIZE)[None, :] < SIZE / 2)
    assert 0.25 * GAP**2 * 0.45 * 0.32 * np.pi / 4 < one_eye.sum() < 0.8 * GAP * 0.5 * GAP * np.pi / 4


def test_an_open_mouth_grows_the_mouth_region_and_the_ellipses_cannot_tell():
    points = face_68()
    opened = points.copy()
    opened[55:60] += (0, 0.35 * GAP)  # the lower lip drops, and the chin with it
    opened[5:12] += (0, 0.35 * GAP)
    below_lip = points[57] + (0, 0.25 * GAP)
    closed_masks = regions.region_masks(regions.landmarks_from_68(points), SIZE)
    open_masks = regions.region_masks(regions.landmarks_from_68(opened), SIZE)
    assert not at(closed_masks["mouth"], below_lip) and at(open_masks["mouth"], below_lip)
    named_only = {k: v for k, v in regions.landmarks_from_68(opened).items() if k != "points_68"}
    assert tuple(regions.region_masks(named_only, SIZE)) == regions.REGIONS  # the ellipse fallback, no brows


def test_the_face_hull_takes_in_the_forehead_and_follows_the_roll():
    for roll in (0.0, 30.0):
        points = face_68(roll)
        eye_line = points[42:48].mean(0) - points[36:42].mean(0)
        up = np.array([eye_line[1], -eye_line[0]]) / np.hypot(*eye_line)
        brows = points[17:27].mean(0)
        height = float(np.dot(brows - points[8], up))  # brows to chin, along the face
        hull = regions.face_hull_mask(regions.landmarks_from_68(points), SIZE)
        masks = regions.region_masks(regions.landmarks_from_68(points), SIZE)
        assert np.array_equal(hull, ~masks["background"])
        assert at(hull, brows + 0.2 * height * up), roll  # the forehead, above the brows
        assert not at(hull, brows + 0.45 * height * up), roll  # the hairline and above: not the face
        assert at(hull, points[8] + 0.05 * height * up) and not at(hull, points[8] - 0.1 * height * up)  # down to the chin
    upright, rolled = (regions.region_masks(regions.landmarks_from_68(face_68(r)), SIZE) for r in (0.0, 30.0))
    import cv2

    turn = cv2.getRotationMatrix2D((64.0, 52.0), -30.0, 1.0)  # the same turn about the eye midpoint, in pixels
    for name in ("eyes", "brows", "mouth", "nose"):
        turned = cv2.warpAffine(upright[name].astype(np.uint8), turn, (SIZE, SIZE), flags=cv2.INTER_NEAREST).astype(bool)
        overlap = (turned & rolled[name]).sum() / (turned | rolled[name]).sum()
        assert overlap > 0.8, (name, overlap)


def test_68_points_travel_through_records_crops_and_resizes():
    frame_points = face_68(centre=(300.0, 200.0))
    transform = np.array([[0.5, 0.0, -100.0], [0.0, 0.5, -60.0]])  # frame -> crop
    record = {"landmarks": frame_points.tolist(), "transform": transform.tolist(), "eyes": {"left": [0, 0], "right": [1, 1]}}
    found = regions.landmarks_from_record(record)
    assert np.allclose(found["points_68"], apply_affine(transform, frame_points))
    assert np.allclose(found["eye_left"], found["points_68"][36:42].mean(0))
    doubled = regions.scale_landmarks(found, 2.0)
    assert np.allclose(doubled["points_68"], 2 * found["points_68"]) and np.allclose(doubled["chin"], 2 * np.asarray(found["chin"]))
    assert "points_68" not in regions.landmarks_from_eyes((30, 40), (50, 40))  # an estimate, not 68 found points
    again = regions.landmarks_from_record({"landmarks": {"points_68": found["points_68"].tolist()}})
    assert np.allclose(again["points_68"], found["points_68"]) and "chin" in again


def test_priority_mask_from_68_points_weighs_eyes_brows_and_mouth():
    points = face_68()
    for given in (points.tolist(), regions.landmarks_from_68(points)):
        mask = regions.priority_mask(given, SIZE)
        for point in (points[36:42].mean(0), points[42:48].mean(0), points[19], points[24], points[48:60].mean(0)):
            assert mask[int(round(point[1])), int(round(point[0]))] > 0.5
        for point in (points[2], points[14], (points[2] + points[31]) / 2, (4, 4)):  # jaw, cheek, corner
            assert mask[int(round(point[1])), int(round(point[0]))] < 0.1
        assert mask[int(round(points[30, 1])), 64] < 0.3  # the nose tip: only the soft edges reach it


@pytest.mark.parametrize(
    "bad, message",
    [
        (np.zeros((67, 2)), "shape"),
        (np.full((68, 2), np.nan), "NaN"),
        (face_68() + 2000, "outside"),
        (np.zeros((68, 2)) + 40, "same place"),
        (np.stack([np.linspace(10, 100, 68), np.linspace(10, 100, 68)], 1), "degenerate"),  # a line
        ([["a", "b"]] * 68, "numbers"),
    ],
)
def test_bad_68_points_give_a_one_line_lab_error(bad, message):
    calls = [
        lambda: regions.region_masks({"points_68": bad}, SIZE),
        lambda: regions.face_hull_mask(bad, SIZE),
        lambda: regions.priority_mask(np.asarray(bad).tolist(), SIZE) if np.asarray(bad).shape == (68, 2) else regions.check_points_68(bad, SIZE),
    ]
    for call in calls:
        with pytest.raises(LabError, match=message) as caught:
            call()
        assert "\n" not in str(caught.value)
    if message in ("shape", "NaN", "numbers"):
        with pytest.raises(LabError, match=message):
            regions.landmarks_from_68(bad)


def test_bad_named_landmarks_give_a_lab_error():
    from tests.forensics.conftest import face_landmarks

    with pytest.raises(LabError, match="NaN"):
        regions.region_masks({**face_landmarks(64), "eye_left": (np.nan, 20)}, 64)
    far = {key: (x + 500, y) for key, (x, y) in face_landmarks(64).items()}
    with pytest.raises(LabError, match="outside"):
        regions.region_masks(far, 64)
    with pytest.raises(LabError, match="dict"):
        regions.region_masks(face_68(), SIZE)


# ------------------------------------------------------------------------------ a real photo


@pytest.fixture(scope="module")
def dlib_ready():
    pytest.importorskip("dlib", reason="dlib is not installed: pip install 'deepfake-edu[faces]'")
    from deepfake_edu.faces.backends import dlib_backend

    if not dlib_backend.available():
        pytest.skip(dlib_backend.missing())


def _luminance(image, mask):
    return float(image[mask].astype(np.float64).mean())


@pytest.mark.parametrize("kind, size", [("swap", 128), ("mesonet", 256)])
def test_a_real_crop_gets_68_point_regions_from_dlib(dlib_ready, astronaut, kind, size):
    from deepfake_edu.faces import align_face, get_backend

    face = get_backend("dlib").detect(astronaut)[0]
    crop = align_face(astronaut, face, kind, size)
    landmarks = regions.landmarks_for_crop(crop.image)
    assert landmarks is not None and landmarks["points_68"].shape == (68, 2)
    # found again in the crop, brows, eyes, nose and mouth land where the frame's points were moved
    # to (the chin, at a swap crop's edge, is a guess of dlib's and may differ by 10% of the side)
    error = np.hypot(*(landmarks["points_68"] - apply_affine(crop.transform, face.landmarks)).T) / size
    assert np.median(error) < 0.02 and error[17:].max() < 0.04
    masks = regions.region_masks(landmarks, size)
    assert tuple(masks) == regions.REGIONS_68
    image = crop.image.astype(np.float64)
    grey, red = image.mean(2), image[..., 0] - image[..., 1]
    # the eyes (lashes, irises) are darker than the cheeks' skin (by 35 grey levels on this photo),
    # the lips redder (R - G higher by 6)
    assert _luminance(grey, masks["eyes"]) < _luminance(grey, masks["cheeks"]) - 15
    assert _luminance(red, masks["mouth"]) > _luminance(red, masks["cheeks"]) + 3
    rows = np.arange(size)[:, None]
    assert _luminance(rows + 0 * grey, masks["brows"]) < _luminance(rows + 0 * grey, masks["eyes"]) - 0.05 * size  # brows above eyes
    assert (~masks["background"]).mean() > (0.5 if kind == "swap" else 0.2)
    for name in ("eyes", "brows", "mouth", "nose", "cheeks"):
        assert masks[name].mean() > 0.003, name


def test_landmarks_for_crop_falls_back_to_opencv_eyes(astronaut, monkeypatch):
    import cv2

    from deepfake_edu.faces import backends

    monkeypatch.setattr(backends, "choose_auto", lambda: "opencv")
    crop = cv2.resize(astronaut[20:260, 120:360], (256, 256), interpolation=cv2.INTER_AREA)
    landmarks = regions.landmarks_for_crop(crop)
    assert landmarks is not None and "points_68" not in landmarks
    assert tuple(regions.region_masks(landmarks, 256)) == regions.REGIONS


def test_the_mean_face_numbers_its_lips_as_ibug_does():
    """Upper lip (49-53, 61-63) above the corners, lower lip (55-59, 65-67) below: y grows downwards."""
    corners = MEAN_FACE_68[[48, 54], 1].mean()
    assert (MEAN_FACE_68[49:54, 1] < corners).all() and (MEAN_FACE_68[55:60, 1] > corners).all()
    assert (MEAN_FACE_68[61:64, 1] < corners).all() and (MEAN_FACE_68[65:68, 1] > corners).all()

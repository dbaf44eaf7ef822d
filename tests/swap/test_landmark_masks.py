"""The swap's masks from a real face's 68 landmarks: the loss's priority mask (eyes, brows, mouth)
of extracted faces, and the blend mask (the face hull) a swapped real face is pasted through."""

from __future__ import annotations

import numpy as np
import pytest

from deepfake_edu.faces import regions
from deepfake_edu.faces.align import apply_affine
from deepfake_edu.swap.convert import FaceSwapper, face_mask
from deepfake_edu.swap.model import faceswap
from tests.faces.test_regions_68 import face_68


def _real_dataset(root, people=("ann", "ben"), count=3, crop=128):
    """A dataset as ``faces extract`` writes it: crop images, 68 FRAME points and a frame -> crop transform."""
    from deepfake_edu.data.dataset import write_dataset

    items = []
    for person in people:
        for index in range(count):
            crop_points = face_68(roll_degrees=5.0 * index, centre=(64.0, 50.0 + index))  # where the face is in the crop
            transform = np.array([[0.25, 0.0, -150.0], [0.0, 0.25, -40.0]])  # a 512 px face 4x larger, far from the origin
            inverse = np.linalg.inv(np.vstack([transform, [0, 0, 1]]))[:2]
            record = {"identity": person, "landmarks": apply_affine(inverse, crop_points).tolist(), "transform": transform.tolist(),
                      "eyes": {"left": [0, 0], "right": [1, 0], "method": "landmarks"}}
            items.append((np.full((crop, crop, 3), 120 + 40 * index, np.uint8), record))
    return write_dataset(root, {"name": root.name, "kind": "faces", "size": crop}, items), crop


def test_priority_masks_of_extracted_faces_follow_their_68_points_in_the_crop(tmp_path):
    from deepfake_edu.swap.facesets import load_face_sets

    _, crop = _real_dataset(tmp_path / "real")
    size = 64
    sets = load_face_sets([str(tmp_path / "real")], None, size)
    assert sets.masks is not None and sets.masks[0].shape == (3, 1, size, size)
    for index in range(3):
        mask = sets.masks[0][index, 0].astype(np.float32)
        points = face_68(roll_degrees=5.0 * index, centre=(64.0, 50.0 + index)) * (size / crop)
        for point in (points[36:42].mean(0), points[42:48].mean(0), points[19], points[24], points[48:60].mean(0)):
            assert mask[int(round(point[1])), int(round(point[0]))] > 0.5, index
        for point in (points[2], points[14], (2, 2)):
            assert mask[int(round(point[1])), int(round(point[0]))] < 0.1, index
        assert mask.mean() < 0.3  # not the whole crop: the frame points were moved into it


def test_a_bad_landmark_record_names_its_file(tmp_path):
    from deepfake_edu.data.dataset import write_dataset
    from deepfake_edu.errors import LabError
    from deepfake_edu.swap.facesets import load_face_sets

    good = face_68().tolist()
    bad = np.full((68, 2), np.nan).tolist()
    items = [(np.zeros((128, 128, 3), np.uint8), {"identity": who, "landmarks": pts, "transform": [[1, 0, 0], [0, 1, 0]]})
             for who, pts in (("ann", good), ("ann", bad), ("ben", good), ("ben", good))]
    write_dataset(tmp_path / "bad", {"name": "bad", "kind": "faces", "size": 128}, items)
    with pytest.raises(LabError, match=r"images/000001\.png: .*NaN"):
        load_face_sets([str(tmp_path / "bad")], None, 64)


def test_the_blend_mask_of_a_face_with_68_points_is_its_hull():
    size = 64
    points = face_68(centre=(32.0, 0.38 * size), gap=0.42 * size)  # where the swap framing puts a face
    hull = regions.face_hull_mask(points, size)
    mask = face_mask(size, points_68=points)
    assert mask.dtype == np.float32 and mask.max() == pytest.approx(1.0, abs=1e-3)
    import cv2

    near = cv2.dilate(hull.astype(np.uint8), np.ones((11, 11), np.uint8)).astype(bool)  # the hull and 5 px round it
    assert (mask[~hull] < 0.2).all() and (mask[~near] < 0.01).all()  # the soft edge lies mostly inside the hull
    assert mask[int(round(points[30, 1])), 32] > 0.99 and mask[int(round(points[48:60, 1].mean())), 32] > 0.99
    assert mask[0].max() < 0.01 and mask[:, 0].max() < 0.01  # faded out before the crop's edge
    ellipse = face_mask(size)
    assert np.abs(mask - ellipse).mean() > 0.02  # another shape than the fixed ellipse
    rolled = face_mask(size, points_68=face_68(roll_degrees=25.0, centre=(32.0, 0.38 * size), gap=0.42 * size)) > 0.5
    turned = cv2.warpAffine((mask > 0.5).astype(np.uint8), cv2.getRotationMatrix2D((32.0, 0.38 * size), -25.0, 1.0), (size, size)).astype(bool)

    def overlap(a, b):
        return (a & b).sum() / (a | b).sum()

    assert overlap(rolled, turned) > 0.9 > overlap(rolled, mask > 0.5)  # the mask turns with the head
    glasses = face_mask(size, cover="glasses", points_68=points)
    assert (glasses >= mask - 1e-6).all() and glasses.sum() > mask.sum()


def test_faceswapper_pastes_a_located_face_through_its_landmark_hull():
    import torch

    torch.manual_seed(0)
    model = faceswap("classroom", bottleneck=16)
    size = model.config.input_size
    frame = np.random.default_rng(0).integers(0, 255, (96, 96, 3), dtype=np.uint8)
    transform = np.array([[size / 80, 0, -8 * size / 80], [0, size / 80, -8 * size / 80]])  # an 80 px square at (8, 8)
    from deepfake_edu.faces.align import warp_crop

    crop = warp_crop(frame, transform, size)
    points = face_68(centre=(size / 2, 0.38 * size), gap=0.42 * size)

    with_points = FaceSwapper(model, 1, lambda f: [(crop, transform, points)], colour="none", grain=0, sharpen=0)
    plain = FaceSwapper(model, 1, lambda f: [(crop, transform)], colour="none", grain=0, sharpen=0)
    out, found = with_points.swap_frame(frame)
    assert found == 1 and np.allclose(with_points.last_masks[0], face_mask(size, points_68=points))
    plain_out, _ = plain.swap_frame(frame)
    assert plain.last_masks[0] is plain.mask
    from deepfake_edu.faces.align import invert_affine

    import cv2

    hull_in_frame = regions.face_hull_mask(apply_affine(invert_affine(transform), points), (96, 96))
    near = cv2.dilate(hull_in_frame.astype(np.uint8), np.ones((15, 15), np.uint8)).astype(bool)  # the feather: 5 crop px = 6 frame px
    changed = np.any(out != frame, axis=2)
    assert changed[hull_in_frame].mean() > 0.9 and not (changed & ~near).any()  # the hull pasted, nothing beyond its soft edge
    assert not np.array_equal(out, plain_out)
    bad = FaceSwapper(model, 1, lambda f: [(crop, transform, np.full((68, 2), np.nan))], colour="none", grain=0, sharpen=0)
    bad.swap_frame(frame)
    assert bad.last_masks[0] is bad.mask  # unusable landmarks: the ellipse, and the video goes on


def test_real_faces_locator_hands_on_dlib_landmarks_in_crop_pixels():
    astronaut = pytest.importorskip("skimage.data", reason="scikit-image ships the astronaut photo").astronaut()
    from deepfake_edu.faces.backends import dlib_backend

    if not dlib_backend.available():
        pytest.skip(dlib_backend.missing())
    from deepfake_edu.swap.convert import real_faces_locator

    (crop, transform, points), = real_faces_locator(64, "dlib")(astronaut)
    assert crop.shape == (64, 64, 3) and points.shape == (68, 2)
    assert (points[17:] > 0).all() and (points[17:] < 64).all()  # brows to mouth inside the swap crop
    mask = face_mask(64, points_68=points)
    assert 0.25 < (mask > 0.5).mean() < 0.8

"""Occlusion and Grad-CAM region averages on real faces use the 68-point regions (brows apart);
faces without 68 points keep the ellipse regions, and the brows then go with the eyes."""

from __future__ import annotations

import numpy as np
import pytest

from deepfake_edu.errors import LabError
from deepfake_edu.faces import regions
from deepfake_edu.forensics import explain, occlusion
from tests.faces.test_regions_68 import face_68
from tests.forensics.conftest import face_landmarks


class RegionMean:
    """A 'detector' whose P(fake) is the mean brightness of a fixed box, to see what each region hides."""

    def __init__(self, box):
        self.box = box

    def predict_proba(self, images):
        x0, y0, x1, y1 = self.box
        return np.asarray(images)[:, y0:y1, x0:x1].astype(np.float64).mean(axis=(1, 2, 3)) / 255


def _faces_68(count=3, size=128, box=None):
    """Dark pictures, bright inside ``box`` (x0, y0, x1, y1), and the 68-point landmarks of slightly rolled faces."""
    images = np.full((count, size, size, 3), 20, np.uint8)
    if box is not None:
        images[:, box[1] : box[3], box[0] : box[2]] = 230
    return images, [regions.landmarks_from_68(face_68(roll_degrees=2.0 * i)) for i in range(count)]


def test_occlusion_on_68_point_faces_studies_the_brows_apart_from_the_eyes():
    brow = face_68()[19]
    box = (int(brow[0]) - 2, int(brow[1]) - 1, int(brow[0]) + 3, int(brow[1]) + 2)  # a few pixels of one brow
    images, landmarks = _faces_68(box=box)
    rows = occlusion.occlusion_study(RegionMean(box), images, landmarks)
    assert sorted(row["region"] for row in rows) == sorted(regions.REGIONS_68)
    assert rows[0]["region"] == "brows" and rows[0]["mean_abs_delta"] > 0.05
    by_region = {row["region"]: row for row in rows}
    assert by_region["eyes"]["mean_abs_delta"] < 0.01  # the 68-point eyes leave the brows alone
    # brows left out of the study: they are hidden with the eyes, as the ellipse eyes take them in
    folded = {row["region"]: row for row in occlusion.occlusion_study(RegionMean(box), images, landmarks, regions=("eyes", "mouth"))}
    assert folded["eyes"]["mean_abs_delta"] > 0.05
    assert folded["eyes"]["mean_area"] == pytest.approx(by_region["eyes"]["mean_area"] + by_region["brows"]["mean_area"])


def test_occlusion_of_mixed_faces_keeps_the_common_regions_and_refuses_brows():
    images, landmarks = _faces_68(2, 64)
    mixed = [regions.landmarks_from_68(face_68(centre=(32.0, 26.0), gap=18.0)), face_landmarks(64)]
    rows = occlusion.occlusion_study(RegionMean((0, 0, 8, 8)), images, mixed)
    assert sorted(row["region"] for row in rows) == sorted(regions.REGIONS)
    with pytest.raises(LabError, match="1 of the 2 faces have 68 landmarks"):
        occlusion.occlusion_study(RegionMean((0, 0, 8, 8)), images, mixed, regions=("brows",))


def test_region_heat_averages_a_heatmap_over_the_68_point_regions():
    landmarks = regions.landmarks_from_68(face_68())
    masks = regions.region_masks(landmarks, 128)
    heat = masks["mouth"].astype(np.float32) + 0.5 * masks["brows"]
    averages = explain.region_heat(heat, landmarks)
    assert set(averages) == set(regions.REGIONS_68)
    assert averages["mouth"] == pytest.approx(1.0) and averages["brows"] == pytest.approx(0.5)
    assert averages["eyes"] == averages["background"] == 0.0
    assert set(explain.region_heat(heat[:64, :64], face_landmarks(64))) == set(regions.REGIONS)  # the ellipses: no brows
    with pytest.raises(LabError, match="one"):
        explain.region_heat(np.zeros((2, 64, 64)), face_landmarks(64))


@pytest.fixture(scope="module")
def real_crop():
    skimage_data = pytest.importorskip("skimage.data", reason="scikit-image ships the astronaut photo")
    from deepfake_edu.faces.backends import dlib_backend

    if not dlib_backend.available():
        pytest.skip(dlib_backend.missing())
    from deepfake_edu.faces import align_face, get_backend

    photo = skimage_data.astronaut()
    return align_face(photo, get_backend("dlib").detect(photo)[0], "mesonet", 256).image


def test_occlusion_of_a_folder_of_real_crops_gets_68_point_regions(real_crop, tmp_path):
    from deepfake_edu.data.images import write_image

    (tmp_path / "real").mkdir()
    write_image(tmp_path / "real" / "a.png", real_crop)
    images, landmarks, skipped = occlusion.load_faces_with_landmarks(tmp_path, size=128, label="real")
    assert skipped == 0 and images.shape == (1, 128, 128, 3)
    assert landmarks[0]["points_68"].shape == (68, 2) and (landmarks[0]["points_68"] < 128).all()  # scaled with the crop
    mouth = landmarks[0]["points_68"][48:60].mean(0)
    box = (int(mouth[0]) - 3, int(mouth[1]) - 2, int(mouth[0]) + 3, int(mouth[1]) + 2)
    rows = occlusion.occlusion_study(RegionMean(box), images, landmarks)
    assert sorted(row["region"] for row in rows) == sorted(regions.REGIONS_68) and rows[0]["region"] == "mouth"


def test_explain_on_a_real_square_crop_finds_its_68_points(real_crop, square_finder):
    result = explain.explain_image(square_finder, real_crop, input_size=96)
    assert result["landmarks"] is not None and result["landmarks"]["points_68"].shape == (68, 2)
    assert set(result["region_heat"]) == set(regions.REGIONS_68)
    masks = regions.region_masks(result["landmarks"], 96)
    assert result["region_heat"]["eyes"] == pytest.approx(float(result["heatmap"][masks["eyes"]].mean()))
    crop, landmarks = explain.face_crop(np.zeros((96, 96, 3), np.uint8), 96)  # a square with no face in it
    assert landmarks is None

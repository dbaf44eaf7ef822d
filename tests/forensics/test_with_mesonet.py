"""The forensics tools on the lab's MesoNet (skipped until deepfake_edu.detect.mesonet exists)."""

from __future__ import annotations

import numpy as np
import pytest
import torch

from deepfake_edu.faces.regions import REGIONS, REGIONS_68
from deepfake_edu.forensics import compression, explain, toy

mesonet = pytest.importorskip("deepfake_edu.detect.mesonet", reason="MesoNet is not built on this branch yet")


@pytest.fixture(scope="module")
def meso4():
    from deepfake_edu.registry import create_model

    torch.manual_seed(0)
    return create_model("meso4").eval()


def test_meso4_activations_shrink_layer_by_layer_and_grad_cam_has_the_input_size(meso4):
    image = toy.make_real(1, 256)[0]
    convs = explain.conv_layer_names(meso4)
    assert len(convs) == 4
    activations = explain.layer_activations(meso4, image, layers=convs)
    sides = [activations[name].shape[-1] for name in convs]
    assert sides[0] == 256 and sides == sorted(sides, reverse=True)
    assert [activations[name].shape[0] for name in convs] == [8, 8, 16, 16]
    for name in convs:
        heatmap = explain.grad_cam(meso4, image, name)
        assert heatmap.shape == (256, 256) and 0 <= heatmap.min() and heatmap.max() <= 1


def test_meso4_through_the_detector_adapter(meso4):
    images = toy.make_real(3, 128)  # resized to 256 by the adapter
    probabilities = compression.TorchDetector(meso4).predict_proba(images)
    assert probabilities.shape == (3,) and np.all((probabilities >= 0) & (probabilities <= 1))
    with torch.no_grad():
        direct = torch.sigmoid(meso4(compression.TorchDetector(meso4).to_tensor(images))).numpy()
    np.testing.assert_allclose(probabilities, direct, rtol=1e-5)


SHARED = __import__("pathlib").Path(__file__).resolve().parents[2] / ".." / "shared" / "mesonet-original"


def test_explain_and_occlusion_with_the_authors_meso4_on_their_test_faces(tmp_path, capsys):
    from deepfake_edu.cli import main
    from deepfake_edu.data.images import read_image

    weights, faces = SHARED / "weights" / "Meso4_DF.h5", SHARED / "test_images"
    if not weights.exists() or not (faces / "df").is_dir():
        pytest.skip(f"the MesoNet authors' weights and test images are not at {SHARED}")
    fake = sorted((faces / "df").iterdir())[0]
    assert main(["explain", str(fake), "--model", str(weights), "--out", str(tmp_path / "heat.png")]) == 0
    assert read_image(tmp_path / "heat.png").shape == (256, 256, 3)
    assert "P(fake)" in capsys.readouterr().out
    out = tmp_path / "occ"
    assert main(["forensics", "occlusion", "--data", str(faces), "--label", "fake", "--model", str(weights), "--out", str(out)]) == 0
    rows = __import__("json").loads((out / "occlusion.json").read_text())["rows"]
    from deepfake_edu.forensics.occlusion import load_faces_with_landmarks

    _, landmarks, _ = load_faces_with_landmarks(faces, label="fake")
    expected = REGIONS_68 if all("points_68" in found for found in landmarks) else REGIONS  # dlib's 68 points: brows apart
    assert sorted(row["region"] for row in rows) == sorted(expected) and rows[0]["n"] >= 1

"""Grad-CAM, layer activations, facial-region masks and occlusion."""

from __future__ import annotations

import json

import numpy as np
import pytest
import torch

from deepfake_edu.errors import LabError
from deepfake_edu.faces import regions
from deepfake_edu.forensics import explain, occlusion, toy
from deepfake_edu.forensics.noise import NoiseResidualDetector
from tests.forensics.conftest import face_landmarks, square_images


@pytest.mark.learned
def test_the_square_finder_learned_its_task(square_finder, test_seed, learned):
    images, labels, _ = square_images(64, np.random.default_rng([test_seed, 1]))
    with torch.no_grad():
        predicted = (square_finder(images) > 0).float()
    learned("held-out accuracy", (predicted == labels).float().mean(), ">", 0.9)


@pytest.mark.learned
def test_grad_cam_peak_lies_on_the_planted_square(square_finder, test_seed, learned):
    images, labels, boxes = square_images(20, np.random.default_rng([test_seed, 2]))
    hits = total = 0
    for image, label, (x0, y0, x1, y1) in zip(images, labels, boxes):
        if not label:
            continue
        heatmap = explain.grad_cam(square_finder, image, layer="features.5")
        assert heatmap.shape == (32, 32) and heatmap.min() >= 0 and heatmap.max() <= 1
        y, x = np.unravel_index(np.argmax(heatmap), heatmap.shape)
        hits += (x0 - 1 <= x <= x1) and (y0 - 1 <= y <= y1)  # one pixel of slack for the bilinear upsampling
        total += 1
    learned("share of Grad-CAM peaks on the square", hits / total, ">=", 0.8)


def test_grad_cam_has_the_input_size_for_any_layer(square_finder):
    image = np.random.default_rng(3).integers(0, 255, (32, 32, 3), dtype=np.uint8)
    for layer in explain.conv_layer_names(square_finder):
        heatmap = explain.grad_cam(square_finder, image, layer)
        assert heatmap.shape == (32, 32) and heatmap.dtype == np.float32


def test_a_wrong_layer_name_lists_the_convolution_layers(square_finder):
    with pytest.raises(LabError, match="features.0, features.2, features.5"):
        explain.grad_cam(square_finder, torch.rand(3, 32, 32), layer="nope")


def test_layer_activations_have_the_expected_shapes(square_finder):
    activations = explain.layer_activations(square_finder, torch.rand(3, 32, 32))
    assert list(activations) == [f"features.{i}" for i in range(7)]
    assert activations["features.0"].shape == (8, 32, 32)
    assert activations["features.4"].shape == (8, 16, 16)
    batch = explain.layer_activations(square_finder, torch.rand(5, 3, 32, 32), layers=["features.5"])
    assert batch["features.5"].shape == (5, 8, 16, 16)


def test_activation_grid_and_overlay_are_pictures(square_finder):
    activations = explain.layer_activations(square_finder, torch.rand(3, 32, 32))
    grid = explain.activation_grid(activations["features.0"], max_channels=8, cell=20, columns=4)
    assert grid.dtype == np.uint8 and grid.shape == (2 * 20 + 2, 4 * 20 + 3 * 2, 3)
    image = np.full((40, 40, 3), 128, np.uint8)
    heat = np.zeros((10, 10), np.float32)
    heat[0, 0] = 1.0
    blended = explain.overlay(image, heat)
    assert blended.shape == image.shape and blended.dtype == np.uint8
    assert not np.array_equal(blended[0, 0], blended[39, 39])  # the hot corner is coloured differently


def test_face_crop_finds_a_real_face_in_a_photo():
    skimage_data = pytest.importorskip("skimage.data")
    photo = skimage_data.astronaut()  # 512x512, so cut it to a non-square frame
    crop, landmarks = explain.face_crop(photo[:400, :512], 128)
    assert crop.shape == (128, 128, 3) and landmarks is not None
    masks = regions.region_masks(landmarks, 128)
    assert 0.01 < masks["eyes"].mean() < 0.2 and masks["background"].mean() < 0.8


@pytest.mark.parametrize("fill", ["blur", "mean"])
def test_occlusion_changes_the_image_only_inside_the_region(fill):
    image = toy.make_real(1, 64, seed=4)[0]
    masks = regions.region_masks(face_landmarks(64), 64)
    for region, mask in masks.items():
        hidden = occlusion.occlude(image, mask, fill)
        changed = np.any(hidden != image, axis=2)
        assert not changed[~mask].any(), region
        assert changed[mask].mean() > 0.3, region


def _eye_signature_faces(count, seed):
    """Toy crops whose fakes carry the checkerboard trace inside the eye regions only."""
    real = toy.make_real(count, 64, seed)
    checker = toy.make_fake(count, "checker", 64, seed)
    base = toy.make_real(count, 64, seed + 100)
    eyes = regions.region_masks(face_landmarks(64), 64)["eyes"]
    fake = base.copy()
    fake[:, eyes] = checker[:, eyes]
    images = np.concatenate([real, fake])
    return images, np.repeat([0, 1], count)


@pytest.mark.learned
def test_occlusion_study_ranks_the_region_that_carries_the_evidence_first(test_seed, learned):
    # The noise detector reads whole-image statistics, so hiding the large background (about 60 %
    # of the crop) also sways it; among the facial regions the eyes, where the trace is, must lead.
    train_images, train_labels = _eye_signature_faces(30, 10 * test_seed)
    detector = NoiseResidualDetector().fit(train_images, train_labels)
    test_images, test_labels = _eye_signature_faces(12, 10 * test_seed + 1)
    fakes = test_images[test_labels == 1]
    face_regions = ("eyes", "mouth", "nose", "cheeks")
    rows = occlusion.occlusion_study(detector, fakes, [face_landmarks(64)] * len(fakes), regions=face_regions)
    assert [row["region"] for row in rows][0] == "eyes"
    learned("change of P(fake) when the eyes are hidden", rows[0]["mean_delta"], "<", -0.3)  # the fakes look real
    learned("eyes' |change| / the next region's", rows[0]["mean_abs_delta"] / max(rows[1]["mean_abs_delta"], 1e-9), ">", 2)
    assert all(rows[i]["mean_abs_delta"] >= rows[i + 1]["mean_abs_delta"] for i in range(len(rows) - 1))
    reals = test_images[test_labels == 0]
    real_rows = occlusion.occlusion_study(detector, reals, [face_landmarks(64)] * len(reals), regions=face_regions)
    learned("largest |change| on reals / eyes' on fakes", max(row["mean_abs_delta"] for row in real_rows) / rows[0]["mean_abs_delta"], "<", 0.25)


@pytest.mark.learned
def test_occlusion_study_accepts_a_torch_model(square_finder):
    images = np.random.default_rng(5).integers(0, 90, (4, 32, 32, 3), dtype=np.uint8)
    images[:, 10:16, 10:16] = 240  # a bright square where the "eyes" are
    landmarks = {"eye_left": (10, 13), "eye_right": (16, 13), "nose_tip": (13, 19), "mouth_left": (10, 24), "mouth_right": (16, 24), "chin": (13, 30)}
    rows = occlusion.occlusion_study(square_finder, images, [landmarks] * 4, fill="mean")
    assert {row["region"] for row in rows} == set(regions.REGIONS)
    assert rows[0]["region"] == "eyes"


def _save_square_finder(model, stem):
    from deepfake_edu.registry import _FACTORIES, register_model
    from deepfake_edu.training.checkpoint import save_model_file
    from tests.forensics.conftest import SquareFinder

    if "forensics-test-square-finder" not in _FACTORIES:
        register_model("forensics-test-square-finder")(lambda: SquareFinder())
    tensors = {f"model/{key}": value for key, value in model.state_dict().items()}
    return save_model_file(stem, tensors, {"model": "forensics-test-square-finder", "config": {}})


@pytest.mark.learned
def test_cli_explain_writes_a_heatmap_overlay(square_finder, tmp_path, capsys, learned):
    from deepfake_edu.cli import main
    from deepfake_edu.data.images import read_image, write_image
    from deepfake_edu.detect.keras_import import load_detector

    checkpoint = _save_square_finder(square_finder, tmp_path / "finder")
    face = np.full((64, 64, 3), 40, np.uint8)
    face[8:20, 40:52] = 250  # the square, at double size
    write_image(tmp_path / "face.png", face)
    out = tmp_path / "heat.png"
    assert main(["explain", str(tmp_path / "face.png"), "--model", str(checkpoint), "--size", "32", "--out", str(out)]) == 0
    assert "P(fake)" in capsys.readouterr().out
    assert read_image(out).shape == (32, 32, 3)
    result = explain.explain_image(load_detector(str(checkpoint), kinds=None), face, input_size=32)
    y, x = np.unravel_index(np.argmax(result["heatmap"]), result["heatmap"].shape)
    assert 3 <= y <= 10 and 19 <= x <= 26  # the square, at the model's 32-pixel scale
    learned("P(square) of the face with the square", result["probability"], ">", 0.5)

    write_image(tmp_path / "wide.png", np.zeros((40, 80, 3), np.uint8))
    assert main(["explain", str(tmp_path / "wide.png"), "--model", str(checkpoint), "--size", "32"]) == 2
    assert "no face found" in capsys.readouterr().err
    assert main(["explain", str(tmp_path / "face.png"), "--model", str(tmp_path / "none")]) == 2


def test_cli_occlusion_on_a_lab_dataset_ranks_the_planted_region_first(square_finder, tmp_path, capsys):
    from deepfake_edu.cli import main
    from deepfake_edu.data.dataset import write_dataset

    checkpoint = _save_square_finder(square_finder, tmp_path / "finder")
    rng = np.random.default_rng(6)
    landmarks = {"eye_left": (10, 13), "eye_right": (22, 13), "nose_tip": (16, 19), "mouth_left": (11, 24), "mouth_right": (21, 24), "chin": (16, 30)}
    items = []
    for i in range(6):
        image = rng.integers(0, 90, (32, 32, 3), dtype=np.uint8)
        image[10:16, 7:13] = 240  # a bright square on the left eye
        items.append((image, {"identity": "toy", "label": "fake", "landmarks": landmarks}))
    items.append((rng.integers(0, 90, (32, 32, 3), dtype=np.uint8), {"identity": "toy", "label": "real", "landmarks": landmarks}))
    write_dataset(tmp_path / "set", {"name": "set", "kind": "test", "size": 32}, items)
    out = tmp_path / "occ"
    argv = ["forensics", "occlusion", "--data", str(tmp_path / "set"), "--model", str(checkpoint), "--size", "32", "--out", str(out)]
    assert main(argv) == 0
    saved = json.loads((out / "occlusion.json").read_text())
    assert saved["rows"][0]["region"] == "eyes" and saved["rows"][0]["n"] == 6
    assert (out / "occlusion.png").exists()
    assert main(["forensics", "occlusion", "--data", str(tmp_path / "nothing"), "--model", str(checkpoint)]) == 2


def test_in_place_relu_after_a_layer_does_not_change_what_is_explained():
    import copy

    torch.manual_seed(1)
    in_place = torch.nn.Sequential(
        torch.nn.Conv2d(3, 4, 3, padding=1), torch.nn.ReLU(inplace=True), torch.nn.Conv2d(4, 4, 3, padding=1),
        torch.nn.ReLU(inplace=True), torch.nn.AdaptiveAvgPool2d(1), torch.nn.Flatten(), torch.nn.Linear(4, 1),
    )
    plain = copy.deepcopy(in_place)
    plain[1], plain[3] = torch.nn.ReLU(), torch.nn.ReLU()
    image = torch.rand(3, 16, 16)
    for layer in ("0", "2"):
        np.testing.assert_allclose(explain.grad_cam(in_place, image, layer), explain.grad_cam(plain, image, layer), atol=1e-6)
    assert explain.layer_activations(in_place, image)["0"].min() < 0  # the conv output, before its ReLU



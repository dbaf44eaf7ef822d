"""The compression study: computed figures, the seed's micro claim on a toy set, the loader, the CLI."""

from __future__ import annotations

import json

import numpy as np
import pytest
import torch

from deepfake_edu.cli import main
from deepfake_edu.data.images import write_image
from deepfake_edu.errors import LabError
from deepfake_edu.forensics import compression, toy
from deepfake_edu.forensics.noise import NoiseResidualDetector

SOME_JPEG = compression.standard_conditions(qualities=(100, 30), video=False, stream=False)


def _by_condition(rows, detector="noise"):
    return {row["condition"]: row for row in rows if row["detector"] == detector}


@pytest.mark.learned
def test_jpeg_destroys_the_fine_noise_signature(test_seed, learned):
    images, labels = toy.make_real_fake(30, "checker", 48, seed=test_seed)
    rows = compression.compression_study(images, labels, {"noise": NoiseResidualDetector()}, SOME_JPEG, seed=test_seed)
    table = _by_condition(rows)
    learned("accuracy on clean images", table["clean"]["accuracy"], ">=", 0.95)
    learned("accuracy after JPEG 100", table["jpeg100"]["accuracy"], ">=", 0.95)
    learned("balanced accuracy after JPEG 30", table["jpeg30"]["balanced_accuracy"], "<=", 0.65)  # near chance
    assert {row["training"] for row in rows} == {"clean"} and all(row["n_test"] == 30 for row in rows)


@pytest.mark.learned
def test_the_table_changes_when_the_data_changes(test_seed, learned):
    with_trace = toy.make_real_fake(30, "checker", 48, seed=test_seed)
    no_trace = (np.concatenate([toy.make_real(30, 48, 10 * test_seed), toy.make_real(30, 48, 10 * test_seed + 9)]), np.repeat([0, 1], 30))
    detectors = {"noise": NoiseResidualDetector()}
    rows_with = compression.compression_study(*with_trace, detectors, SOME_JPEG[:1], seed=test_seed)
    rows_without = compression.compression_study(*no_trace, detectors, SOME_JPEG[:1], seed=test_seed)
    assert rows_with != rows_without
    learned("AUC with the trace minus without", rows_with[0]["auc"] - rows_without[0]["auc"], ">", 0.3)


def test_matched_training_refits_per_condition_and_pretrained_models_are_used_as_given():
    images, labels = toy.make_real_fake(12, "grain", 32)

    class Brightness(torch.nn.Module):  # a "pretrained" model: brighter = more fake
        def __init__(self):
            super().__init__()
            self.scale = torch.nn.Parameter(torch.tensor(10.0))

        def forward(self, x):
            return self.scale * (x.mean(dim=(1, 2, 3)) - 0.5)

    detectors = {"noise": NoiseResidualDetector(), "bright": compression.TorchDetector(Brightness(), input_size=32)}
    rows = compression.compression_study(images, labels, detectors, SOME_JPEG, training="matched")
    assert {(row["detector"], row["training"]) for row in rows} == {("noise", "matched"), ("bright", "pretrained")}
    assert len(rows) == 2 * len(SOME_JPEG)
    with pytest.raises(LabError):
        compression.compression_study(images, labels, detectors, SOME_JPEG, training="sometimes")


def test_video_and_stream_paths_keep_the_shape_and_lose_detail():
    images = toy.make_real(6, 32)
    streamed = compression.stream_like(images)
    assert streamed.shape == images.shape and streamed.dtype == np.uint8
    assert np.abs(streamed.astype(int) - images).mean() > 0.5
    try:
        decoded = compression.video_roundtrip(images)
    except LabError as error:
        pytest.skip(f"no mp4v writer here: {error}")
    assert decoded.shape == images.shape and not np.array_equal(decoded, images)


def test_write_study_writes_table_and_plot(tmp_path):
    images, labels = toy.make_real_fake(8, "checker", 24)
    rows = compression.compression_study(images, labels, {"noise": NoiseResidualDetector()}, SOME_JPEG)
    paths = compression.write_study(rows, tmp_path / "out")
    assert json.loads(paths["json"].read_text()) == rows
    assert paths["plot"].read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    assert paths["csv"].read_text().splitlines()[0].startswith("detector,condition")


def test_load_real_fake_reads_real_and_fake_subfolders(tmp_path):
    for sub, value in (("real", 40), ("fake", 200)):
        for i in range(3):
            write_image(tmp_path / "set" / sub / f"{i}.png", np.full((20, 20, 3), value, np.uint8))
    images, labels = compression.load_real_fake(tmp_path / "set", size=16)
    assert images.shape == (6, 16, 16, 3) and labels.tolist() == [0, 0, 0, 1, 1, 1]
    assert int(images[labels == 1].min()) == 200
    with pytest.raises(LabError):
        compression.load_real_fake(tmp_path / "missing")


def test_cli_compression_runs_on_the_toy_set(tmp_path, capsys):
    assert main(["forensics", "compression", "--data", "toy", "--limit", "10", "--no-video", "--out", str(tmp_path / "o")]) == 0
    assert "jpeg30" in capsys.readouterr().out
    rows = json.loads((tmp_path / "o" / "results.json").read_text())
    assert {row["condition"] for row in rows} >= {"clean", "jpeg20", "stream-like"}


@pytest.mark.parametrize(
    "argv",
    [["forensics", "compression", "--data", "/no/such/folder"], ["explain", "/no/such/face.png"]],
)
def test_cli_bad_path_exits_2_with_one_line(argv, capsys):
    assert main(argv) == 2
    err = capsys.readouterr().err.strip()
    assert err.startswith("error: ") and "\n" not in err

"""Laundering: each operation does what it says, the study's table, and the CLI's refusals."""

from __future__ import annotations

import json
from importlib.resources import files

import numpy as np
import pytest

from deepfake_edu.cli import main
from deepfake_edu.errors import LabError
from deepfake_edu.forensics import laundering
from deepfake_edu.provenance import c2pa_manifest


def _picture(seed: int = 0, side: int = 256) -> np.ndarray:
    rng = np.random.default_rng(seed)
    smooth = np.kron(rng.integers(40, 215, (side // 16, side // 16, 3)), np.ones((16, 16, 1)))
    return np.clip(smooth + rng.normal(0, 12, smooth.shape), 0, 255).astype(np.uint8)


def _high_frequency(rgb: np.ndarray) -> float:
    grey = rgb.astype(np.float64).mean(axis=2)
    return float(np.abs(np.diff(grey, axis=1)).mean())


def test_resting_values_leave_the_picture_alone():
    picture = _picture()
    assert np.array_equal(laundering.launder(picture), picture)


def test_each_operation_does_what_it_says():
    picture = _picture()
    assert laundering.launder(picture, keep=0.5).shape == (128, 128, 3)
    assert laundering.launder(picture, scale=0.25).shape == (64, 64, 3)
    assert _high_frequency(laundering.launder(picture, sigma=2.0)) < 0.5 * _high_frequency(picture)
    squeezed = laundering.launder(picture, jpeg_quality=10)
    assert squeezed.shape == picture.shape and not np.array_equal(squeezed, picture)
    frame = laundering.launder(picture, video=True)
    assert frame.shape == picture.shape and np.abs(frame.astype(int) - picture).mean() < 20


@pytest.mark.parametrize("options", [{"jpeg_quality": 0}, {"jpeg_quality": 101}, {"scale": 0.0}, {"scale": 2.0},
                                     {"keep": 0.2}, {"sigma": -1}, {"sigma": float("nan")}, {"scale": "half"}])
def test_out_of_range_values_are_one_line_errors(options):
    with pytest.raises(LabError, match="must be between"):
        laundering.launder(_picture(), **options)


def test_a_picture_that_is_not_rgb_is_refused():
    with pytest.raises(LabError, match="uint8 RGB"):
        laundering.launder(np.zeros((32, 32), dtype=np.uint8))


def test_the_study_measures_every_condition_and_the_signals(tiny_realfake):
    # Twins crops, as the command uses, and a toy detector that calls sharp crops fake: the reals
    # are blurred, so blurring the fakes too must pull their P(fake) down.
    from deepfake_edu.data.realfake import load_real_fake

    faces = load_real_fake(tiny_realfake)
    sharp = [faces.images[i] for i in np.flatnonzero(faces.labels == 1)[:4]]
    smooth = [laundering.blur(faces.images[i], 3.0) for i in np.flatnonzero(faces.labels == 0)[:4]]
    images, labels = np.stack(smooth + sharp), np.array([0] * 4 + [1] * 4)

    def detector(batch: np.ndarray) -> np.ndarray:
        return np.array([min(1.0, _high_frequency(image) / 8.0) for image in batch])

    study = laundering.laundering_study(images, labels, detector, marked_fakes=sharp[:2])
    rows = {(row["operation"], row["strength"]): row for row in study["rows"]}
    assert len(rows) == len(laundering.conditions())
    made = rows[("none", None)]
    assert made["auc"] == 1.0 and made["label_kept"] == 1.0 and made["mark_kept"] == 1.0
    assert rows[("blur", 3.0)]["p_fake_fakes"] < made["p_fake_fakes"] - 0.2
    assert rows[("jpeg", 90)]["mark_kept"] == 1.0  # the mark is built to survive JPEG 50
    if study["c2pa_checked"]:
        assert made["c2pa_kept"] == 1.0
        assert all(row["c2pa_kept"] == 0.0 for key, row in rows.items() if key[0] != "none")  # a re-save drops it
    table = laundering.format_table(study)
    assert "blurred, sigma 3 px" in table and "as made" in table


def test_the_study_refuses_a_set_with_one_class():
    images = np.stack([_picture(seed) for seed in range(2)])
    with pytest.raises(LabError, match="both real and fake"):
        laundering.laundering_study(images, np.array([1, 1]), lambda batch: np.zeros(len(batch)), [])


def test_the_command_writes_its_table_and_plot(tiny_realfake, tmp_path, capsys):
    detector = files("deepfake_edu.zoo") / "models" / "meso4-twins.json"
    out = tmp_path / "launder"
    code = main(["forensics", "launder", "--data", str(tiny_realfake), "--model", str(detector),
                 "--limit", "6", "--marked", "1", "--out", str(out)])
    assert code == 0
    study = json.loads((out / "results.json").read_text())
    assert study["faces"] == 12 and study["marked_fakes"] == 1 and (out / "laundering.png").stat().st_size > 0
    assert "shrunk to 0.5 of its size" in capsys.readouterr().out


def test_the_command_without_a_prepared_lab_says_what_to_do(capsys, tmp_path, monkeypatch):
    monkeypatch.setenv("DEEPFAKE_EDU_HOME", str(tmp_path / "fresh-home"))  # a lab home nobody prepared
    assert main(["forensics", "launder"]) == 2
    assert "deepfake-edu prepare" in capsys.readouterr().err


def test_the_command_refuses_a_wrong_number(capsys):
    assert main(["forensics", "launder", "--marked", "1000"]) == 2
    assert "--marked: must be a whole number 0-100" in capsys.readouterr().err


@pytest.mark.skipif(not c2pa_manifest.c2pa_available(), reason="c2pa-python is not installed (deepfake-edu[provenance])")
def test_a_resave_drops_the_manifest_and_the_original_keeps_it(tmp_path):
    from deepfake_edu.provenance.check import save_marked_image

    marked = save_marked_image(tmp_path / "fake.jpg", _picture())
    assert laundering.signals_after(marked, "none", None, tmp_path)["c2pa"] is True
    assert laundering.signals_after(marked, "jpeg", 90, tmp_path)["c2pa"] is False

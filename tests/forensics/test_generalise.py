"""The generalisation study: a detector trained on one kind of fake, tested on the others."""

from __future__ import annotations

import numpy as np
import pytest

from deepfake_edu.errors import LabError
from deepfake_edu.forensics import generalise, toy
from deepfake_edu.forensics.noise import NoiseResidualDetector


def train_noise(images, labels):
    return NoiseResidualDetector().fit(images, labels)


def test_matrix_shape_and_a_positive_gap_on_two_toy_methods(tmp_path):
    real = toy.make_real(30, 40, seed=0)
    fakes = {"checker": toy.make_fake(30, "checker", 40), "smooth": toy.make_fake(30, "smooth", 40)}
    result = generalise.generalisation_study(real, fakes, train_noise)
    assert result.methods == ["checker", "smooth"]
    assert result.accuracy.shape == result.auc.shape == result.balanced_accuracy.shape == (2, 2)
    assert np.diag(result.balanced_accuracy).min() >= 0.9  # each detector knows its own kind of fake
    assert result.balanced_accuracy_gap > 0.2 and result.auc_gap > 0.2  # and does worse on the other kind
    rows = result.rows()
    assert len(rows) == 4 and rows[1]["train_method"] == "checker" and rows[1]["test_method"] == "smooth"
    assert "gap" in result.format("auc")
    assert generalise.plot_matrix(result, tmp_path / "m.png").read_bytes()[:4] == b"\x89PNG"


def test_same_method_twice_has_no_gap():
    real = toy.make_real(24, 32, seed=0)
    fakes = {"a": toy.make_fake(24, "grain", 32, seed=1), "b": toy.make_fake(24, "grain", 32, seed=2)}
    result = generalise.generalisation_study(real, fakes, train_noise)
    assert abs(result.balanced_accuracy_gap) < 0.15


def test_too_few_images_is_a_lab_error():
    with pytest.raises(LabError, match="too few"):
        generalise.generalisation_study(toy.make_real(1, 16), {"x": toy.make_fake(4, "grain", 16)}, train_noise)

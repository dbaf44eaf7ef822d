"""The noise-residual detector: it learns a fine trace, and saves as readable JSON."""

from __future__ import annotations

import json

import numpy as np
import pytest

from deepfake_edu.errors import LabError
from deepfake_edu.forensics import toy
from deepfake_edu.forensics.noise import NoiseResidualDetector, feature_names, residuals


@pytest.mark.learned
@pytest.mark.parametrize("method", toy.FAKE_METHODS)
def test_noise_detector_beats_chance_on_held_out_toy_fakes(method, test_seed, learned):
    train_images, train_labels = toy.make_real_fake(25, method, 48, seed=10 * test_seed)
    test_images, test_labels = toy.make_real_fake(25, method, 48, seed=10 * test_seed + 1)
    probabilities = NoiseResidualDetector().fit(train_images, train_labels).predict_proba(test_images)
    learned("held-out accuracy", ((probabilities >= 0.5) == test_labels).mean(), ">=", 0.9)


@pytest.mark.learned
def test_noise_detector_is_at_chance_when_real_and_fake_do_not_differ(test_seed, learned):
    base = 10 * test_seed
    images = np.concatenate([toy.make_real(25, 48, seed=base), toy.make_real(25, 48, seed=base + 7)])
    labels = np.repeat([0, 1], 25)
    test = np.concatenate([toy.make_real(25, 48, seed=base + 2), toy.make_real(25, 48, seed=base + 3)])
    accuracy = ((NoiseResidualDetector().fit(images, labels).predict_proba(test) >= 0.5) == labels).mean()
    learned("accuracy with nothing to learn", accuracy, ">=", 0.25)
    learned("accuracy with nothing to learn", accuracy, "<=", 0.75)


def test_residuals_ignore_flat_areas_and_features_have_their_names():
    flat = np.full((16, 16, 3), 120, np.uint8)
    assert np.abs(residuals(flat)).max() < 1e-3
    images = toy.make_real(2, 32)
    assert NoiseResidualDetector().features(images).shape == (2, len(feature_names()))


def test_saved_detector_is_json_and_predicts_the_same(tmp_path):
    images, labels = toy.make_real_fake(15, "checker", 32)
    detector = NoiseResidualDetector().fit(images, labels)
    path = detector.save(tmp_path / "noise.json")
    saved = json.loads(path.read_text())
    assert len(saved["coefficients"]) == len(saved["features"])
    again = NoiseResidualDetector.load(path)
    np.testing.assert_allclose(again.predict_proba(images), detector.predict_proba(images), rtol=1e-12)


def test_noise_detector_errors_are_one_line(tmp_path):
    with pytest.raises(LabError, match="not been trained"):
        NoiseResidualDetector().predict_proba(toy.make_real(1, 16))
    (tmp_path / "bad.json").write_text("not json")
    with pytest.raises(LabError, match="not a JSON file"):
        NoiseResidualDetector.load(tmp_path / "bad.json")
    with pytest.raises(LabError, match="both real"):
        NoiseResidualDetector().fit(toy.make_real(4, 16), [0, 0, 0, 0])

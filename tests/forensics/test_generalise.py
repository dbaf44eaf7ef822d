"""The generalisation study: a detector trained on one kind of fake, tested on the others."""

from __future__ import annotations

import numpy as np
import pytest

from deepfake_edu.errors import LabError
from deepfake_edu.forensics import generalise, toy
from deepfake_edu.forensics.noise import NoiseResidualDetector


def train_noise(images, labels):
    return NoiseResidualDetector().fit(images, labels)


@pytest.mark.learned
def test_matrix_shape_and_a_positive_gap_on_two_toy_methods(tmp_path, test_seed, learned):
    real = toy.make_real(30, 40, seed=test_seed)
    fakes = {"checker": toy.make_fake(30, "checker", 40, seed=test_seed), "smooth": toy.make_fake(30, "smooth", 40, seed=test_seed)}
    result = generalise.generalisation_study(real, fakes, train_noise, seed=test_seed)
    assert result.methods == ["checker", "smooth"]
    assert result.accuracy.shape == result.auc.shape == result.balanced_accuracy.shape == (2, 2)
    learned("worst balanced accuracy on its own kind of fake", np.diag(result.balanced_accuracy).min(), ">=", 0.9)
    learned("balanced accuracy gap to the other kind", result.balanced_accuracy_gap, ">", 0.2)
    learned("AUC gap to the other kind", result.auc_gap, ">", 0.2)
    rows = result.rows()
    assert len(rows) == 4 and rows[1]["train_method"] == "checker" and rows[1]["test_method"] == "smooth"
    assert "gap" in result.format("auc")
    assert generalise.plot_matrix(result, tmp_path / "m.png").read_bytes()[:4] == b"\x89PNG"


@pytest.mark.learned
def test_same_method_twice_has_no_gap(test_seed, learned):
    base = 10 * test_seed
    real = toy.make_real(24, 32, seed=base)
    fakes = {"a": toy.make_fake(24, "grain", 32, seed=base + 1), "b": toy.make_fake(24, "grain", 32, seed=base + 2)}
    result = generalise.generalisation_study(real, fakes, train_noise, seed=test_seed)
    learned("|balanced accuracy gap| between two draws of one method", abs(result.balanced_accuracy_gap), "<", 0.15)


def test_too_few_images_is_a_lab_error():
    with pytest.raises(LabError, match="too few"):
        generalise.generalisation_study(toy.make_real(1, 16), {"x": toy.make_fake(4, "grain", 16)}, train_noise)


def test_generator_fakes_share_their_real_frames_and_differ_by_generator(tiny_swap_run, tmp_path):
    from deepfake_edu.forensics.generalise import generator_fakes, install_shipped_generators

    runs = {"tiny": tiny_swap_run, **install_shipped_generators(tmp_path, ("funnel-4",))}
    real, fakes = generator_fakes(runs, per_identity=1)
    assert real.shape == (8, 256, 256, 3) and list(fakes) == ["tiny", "funnel-4"]
    assert all(f.shape == real.shape for f in fakes.values())
    assert np.abs(fakes["tiny"].astype(int) - fakes["funnel-4"]).mean() > 1.0  # two models, two fakes


def test_generator_fakes_refuse_what_they_cannot_make(tiny_swap_run):
    from deepfake_edu.forensics.generalise import generator_fakes

    with pytest.raises(LabError, match="unknown blend"):
        generator_fakes({"a": tiny_swap_run, "b": tiny_swap_run}, method="smudge")
    with pytest.raises(LabError, match="at least two generators"):
        generator_fakes({"a": tiny_swap_run})


def test_the_generalise_command_refuses_a_wrong_budget(capsys):
    from deepfake_edu.cli import main

    assert main(["forensics", "generalise", "--minutes", "0"]) == 2
    assert "--minutes" in capsys.readouterr().err

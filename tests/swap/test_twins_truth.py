"""The swap measured against the twins' true answer: identity B rendered with A's factors."""

import numpy as np
import pytest
import torch

from deepfake_edu.data import twins
from deepfake_edu.faces.align import CROPS, apply_affine
from deepfake_edu.swap.convert import twins_locator
from deepfake_edu.swap.facesets import load_face_sets
from deepfake_edu.swap.metrics import evaluate_swaps, true_answer_sets
from deepfake_edu.swap.model import faceswap
from deepfake_edu.swap.train import SwapTrainOptions, train_swap


@pytest.fixture(scope="module")
def twins_set(tmp_path_factory):
    root = tmp_path_factory.mktemp("swap-twins") / "twins"
    twins.generate_twins_dataset(root, identities=2, per_identity=24, size=128, seed=0)
    return root


def test_true_answers_are_the_other_twin_with_the_same_factors(twins_set):
    sets = load_face_sets([str(twins_set)], None, 64)
    assert sets.names == ["twin-00", "twin-01"] and sets.masks is not None and sets.masks[0].max() > 0.5
    answers = true_answer_sets(sets, 64, n_faces=4)
    assert [(a.source, a.target) for a in answers] == [(0, 1), (1, 0)]
    record = sets.records[0][2]
    factors = twins.with_factors(twins.Factors(**record["factors"]), noise=0.0, jpeg_quality=0)
    expected = twins.true_swap(twins.make_identity(1), factors, 128).image  # rendered big, then cropped
    [(expected, _)] = twins_locator(64)(expected)
    got = (answers[0].truth[2].permute(1, 2, 0).numpy() * 255).round().astype(np.uint8)
    assert np.array_equal(got, expected)
    assert not np.array_equal(got, sets.faces[0][2])
    mask = answers[0].face_masks[2, 0]
    assert mask.shape == (64, 64) and float(mask.max()) > 0.9 and float(mask.mean()) > 0.3


def test_twins_train_as_the_swap_crops_that_conversion_cuts(twins_set):
    """Training faces, true answers and `swap apply` on a twins picture all see the tight swap
    crop: eyes where the faces module's swap framing puts them, brows to chin."""
    from deepfake_edu.data.dataset import load_dataset

    sets = load_face_sets([str(twins_set)], None, 64)
    picture = load_dataset(twins_set).images("twin-00", limit=3)[2]
    [(cut_for_swap, _)] = twins_locator(64)(picture)
    assert np.array_equal(sets.faces[0][2], cut_for_swap)

    front = twins.render_face(twins.make_identity(0), twins.Factors(), 128)
    [(_, transform)] = twins_locator(64)(front.image)
    eyes = apply_affine(transform, [front.landmarks[twins.LANDMARK_INDEX[name]] for name in ("eye_left", "eye_right")])
    assert np.abs(eyes - CROPS["swap"].eye_targets(64)).max() < 1.5


@pytest.mark.learned
def test_training_on_twins_improves_the_swap_against_the_true_answer(twins_set, tmp_path, test_seed, learned):
    sets = load_face_sets([str(twins_set)], None, 64)
    answers = true_answer_sets(sets, 64, n_faces=16)
    torch.manual_seed(test_seed)
    before = evaluate_swaps(faceswap("classroom", n_identities=2), answers)["swap_ssim"]
    options = SwapTrainOptions(data=[str(twins_set)], preset="classroom", steps=60, batch_size=8, run=str(tmp_path / "run"), seed=test_seed,
                               progress=False, preview_every=0, timelapse_every=0, metrics_every=60, metrics_faces=16, checkpoint_every=60)
    result = train_swap(options)
    after = [row for row in result.history if "swap_ssim" in row][-1]
    learned("swap SSIM gained in 60 steps", after["swap_ssim"] - before, ">", 0.05)
    learned("swap PSNR after 60 steps (dB)", after["swap_psnr"], ">", 10)
    assert set(after) >= {"swap_ssim_0to1", "swap_ssim_1to0", "swap_psnr_0to1", "swap_face_ssim"}


def test_a_twins_model_from_before_the_swap_crops_is_refused_with_the_fix(twins_set, tmp_path):
    import json

    from deepfake_edu.errors import LabError
    from deepfake_edu.swap.train import load_swap_model
    from deepfake_edu.training import latest_checkpoint

    options = SwapTrainOptions(data=[str(twins_set)], preset="classroom", steps=1, batch_size=2, run=str(tmp_path / "run"),
                               progress=False, preview_every=0, timelapse_every=0, metrics_every=0, checkpoint_every=1)
    train_swap(options)
    assert load_swap_model(tmp_path / "run")[1]["framing"] == "swap"
    checkpoint = latest_checkpoint(tmp_path / "run")
    info = json.loads(checkpoint.read_text())
    del info["framing"]  # what a checkpoint written before this change holds
    checkpoint.write_text(json.dumps(info))
    with pytest.raises(LabError, match="prepare --force"):
        load_swap_model(tmp_path / "run")

"""Training MesoNet on twins real-versus-swapped, and verdicts on a synthetic video."""

from __future__ import annotations

import numpy as np
import pytest

from deepfake_edu.cli import main
from deepfake_edu.data.realfake import load_real_fake
from deepfake_edu.detect.train import DetectRecipe, augment, augmentation_params, learning_rate, split_for_validation, train_on_folder
from deepfake_edu.errors import LabError
from deepfake_edu.training import TrainConfig


def test_the_built_in_set_pairs_each_real_frame_with_its_swap(tiny_realfake):
    data = load_real_fake(tiny_realfake)
    assert data.images.shape == (128, 256, 256, 3)
    assert data.labels.tolist() == [0, 1] * 64  # real, then its fake
    real, fake = data.images[0].astype(int), data.images[1].astype(int)
    assert np.abs(real - fake)[:20].mean() < 2  # the same frame: the top rows (background) barely change
    assert np.abs(real - fake)[100:160, 90:166].mean() > 5  # the face itself was replaced
    assert {r["jpeg_quality"] for r in data.records} == {95, 75, 50}


@pytest.fixture(scope="module")
def trained(tiny_realfake, tmp_path_factory, test_seed):
    """Meso-4 trained 150 steps on twins 00-02 real vs swapped; twin-03 (16 real, 16 fake) held out."""
    folder = tmp_path_factory.mktemp("detector")
    config = TrainConfig(steps=150, batch_size=16, progress=False, device="cpu", log_every=10, checkpoint_every=150, seed=test_seed)
    return (*train_on_folder(tiny_realfake, folder / "run", config, DetectRecipe(eval_every=150),
                             held_out=["twin-03"], out=folder / "meso"), folder)


@pytest.mark.learned
def test_short_training_beats_chance_on_twins_it_never_saw(trained, tiny_realfake, test_seed, learned):
    import torch

    from deepfake_edu.detect.train import classification_metrics, score
    from deepfake_edu.registry import create_model

    run, how, exported, folder = trained
    assert how == "held-out identities twin-03"
    assert run.metrics["count"] == 32  # 16 x 16 real-fake pairs: one ranking flip moves the AUC by 0.004
    # The same faces through an untrained Meso-4 of the same seed: what the training added.
    _, validation, _ = split_for_validation(load_real_fake(tiny_realfake), held_out=["twin-03"])
    torch.manual_seed(test_seed)
    untrained = classification_metrics(validation.labels, score(create_model("meso4"), validation.images))
    learned("held-out AUC", run.metrics["auc"], ">=", 0.8)  # ranks fakes above reals far better than chance (0.5)
    learned("held-out AUC gained by training", run.metrics["auc"] - untrained["auc"], ">=", 0.25)
    # Balanced accuracy at the 0.5 threshold is not asserted: after 150 steps the ranking is
    # learned but the calibration is not (0.56-0.72 across seeds and thread counts).
    assert 0 <= run.metrics["balanced_accuracy"] <= 1
    assert (folder / "run" / "roc.png").exists() and (folder / "run" / "training.png").exists()
    assert exported.exists()
    # the eval command reads the exported detector back and measures the same set
    assert main(["detect", "eval", "--model", str(exported), "--data", str(tiny_realfake)]) == 0


@pytest.mark.learned
def test_video_verdicts_tell_a_swapped_clip_from_the_real_one(tiny_swap_run, trained, tmp_path, learned):
    from deepfake_edu.data import twins
    from deepfake_edu.detect.keras_import import load_detector
    from deepfake_edu.detect.predict import already_cropped, detect_path
    from deepfake_edu.swap.convert import apply_swap

    exported = trained[2]
    frames, _ = twins.render_video(twins.make_identity(2), 12, size=256, seed=3)
    real_clip = twins.write_video(tmp_path / "real.mp4", frames)
    apply_swap(tiny_swap_run, real_clip, "twin-01", tmp_path / "fake.mp4", progress=False)
    detector = load_detector(str(exported))
    real = detect_path(real_clip, detector, crop_fn=already_cropped, frames=12)
    fake = detect_path(tmp_path / "fake.mp4", detector, crop_fn=already_cropped, frames=12)
    from sklearn.metrics import roc_auc_score

    assert real.kind == fake.kind == "video" and len(real.scores) == len(fake.scores) == 12
    # Ranking, not the 0.5 threshold: after 150 steps the detector ranks fake frames above real
    # ones, but where its 0.5 falls varies with the seed (seed 2 on one thread called the fake clip "likely real").
    frame_auc = roc_auc_score([0] * 12 + [1] * 12, [score.p_fake for score in (*real.scores, *fake.scores)])
    learned("frame AUC, the fake clip's frames against the real clip's", frame_auc, ">=", 0.75)
    learned("mean P(fake), fake clip minus real clip", fake.mean_p_fake - real.mean_p_fake, ">", 0.05)
    for verdict in (real, fake):  # the verdict follows the share of frames judged fake
        assert verdict.label == ("likely fake" if verdict.share_fake > 0.5 else "likely real")


def test_validation_split_holds_out_whole_identities(tiny_realfake):
    data = load_real_fake(tiny_realfake)
    train, validation, how = split_for_validation(data)
    assert how == "held-out identities twin-03"
    assert {r["identity"] for r in validation.records} == {"twin-03"}
    assert "twin-03" not in {r["identity"] for r in train.records}
    with pytest.raises(LabError, match="does not hold"):
        split_for_validation(data, held_out=["twin-99"])


def test_recipe_learning_rate_and_augmentation():
    recipe = DetectRecipe()
    assert [learning_rate(recipe, s) for s in (0, 999, 1000, 2000, 3000, 9000)] == pytest.approx([1e-3, 1e-3, 1e-4, 1e-5, 1e-6, 1e-6])
    import torch

    images = torch.rand(6, 3, 32, 32)
    params = augmentation_params(recipe, seed=0, step=3, batch=6)
    assert torch.equal(params, augmentation_params(recipe, seed=0, step=3, batch=6))  # a pure function of (seed, step)
    bent = augment(images, params)
    assert bent.shape == images.shape and float((bent - images).abs().mean()) > 0.01
    still = params.clone()
    still[:, 0], still[:, 1], still[:, 2], still[:, 3], still[:, 4:] = 0, 1, 0, 1, 0
    torch.testing.assert_close(augment(images, still), images)


def test_train_command_refuses_a_folder_that_is_no_real_fake_set(tmp_path, capsys):
    assert main(["detect", "train", "--data", str(tmp_path), "--steps", "1"]) == 2
    assert "neither a folder with real/ and fake/" in capsys.readouterr().err

import json

import numpy as np
import pytest
import torch

from deepfake_edu.swap.facesets import FaceSets
from deepfake_edu.swap.metrics import SwapMetricsHook, TrueAnswerSet, evaluate_swaps
from deepfake_edu.swap.model import faceswap
from deepfake_edu.swap.train import SwapTask, SwapTrainOptions, load_swap_model, train_swap
from tests.swap.conftest import blob_faces


def _face_sets(n: int = 24) -> FaceSets:
    faces = [blob_faces(0, n), blob_faces(1, n)]
    return FaceSets(["alice", "bob"], faces, None, ["blobs"], [[{"identity": "alice"}] * n, [{"identity": "bob"}] * n], [{}, {}])


def _options(run, steps, **extra):
    values = dict(preset="classroom", bottleneck=64, steps=steps, batch_size=8, run=str(run), progress=False,
                  checkpoint_every=10, log_every=5, preview_every=20, timelapse_every=10, metrics_every=0)
    return SwapTrainOptions(**{**values, **extra})


def _float(images):
    return torch.from_numpy(images).permute(0, 3, 1, 2).float() / 255


@pytest.mark.learned
def test_short_training_lowers_the_loss_improves_the_swap_and_writes_previews(tmp_path, test_seed, learned):
    sets = _face_sets(32)
    a, b = sets.faces
    # Face i of blob person b is the true answer of swapping face i of person a (see conftest).
    answers = [TrueAnswerSet(0, 1, _float(a[:16]), _float(b[:16])), TrueAnswerSet(1, 0, _float(b[:16]), _float(a[:16]))]
    torch.manual_seed(test_seed)
    before = evaluate_swaps(faceswap("classroom", bottleneck=64), answers)["swap_ssim"]
    result = train_swap(_options(tmp_path / "run", 60, seed=test_seed), face_sets=sets, extra_hooks=[(30, SwapMetricsHook(answers))])
    losses = [row["loss"] for row in result.history if "loss" in row]
    learned("loss of the last 3 entries / first 2", np.mean(losses[-3:]) / np.mean(losses[:2]), "<", 0.8)
    curve = [row["swap_ssim"] for row in result.history if "swap_ssim" in row]
    assert len(curve) == 2
    learned("swap SSIM gained in 60 steps", curve[-1] - before, ">", 0.1)
    assert (tmp_path / "run" / "previews" / "step-00000060.png").exists()
    assert len(list((tmp_path / "run" / "timelapse").glob("step-*.png"))) == 6
    assert (tmp_path / "run" / "timelapse.gif").exists() and (tmp_path / "run" / "timelapse.png").exists()
    model, info = load_swap_model(tmp_path / "run")
    assert info["identities"] == ["alice", "bob"] and info["datasets"] == ["blobs"]
    assert torch.equal(model.encoder.bottleneck.weight, result.model.encoder.bottleneck.weight.cpu())


def test_resume_continues_where_it_stopped(tmp_path):
    first = train_swap(_options(tmp_path / "run", 10, batch_size=4), face_sets=_face_sets())
    assert first.steps == 10
    again = train_swap(_options(tmp_path / "run", 15, batch_size=4), face_sets=_face_sets())
    assert again.steps == 15 and again.history[0]["step"] == first.history[0]["step"]
    saved = json.loads(sorted((tmp_path / "run" / "checkpoints").glob("step-*.json"))[-1].read_text())
    assert saved["progress"]["step"] == 15


def test_batches_split_over_processes_like_one_process():
    task = SwapTask([torch.from_numpy(blob_faces(0, 10)), torch.from_numpy(blob_faces(1, 10))], batch_per_identity=8, seed=3)
    whole = task.make_batch(5, 0, 1)
    halves = [task.make_batch(5, rank, 2) for rank in (0, 1)]
    for identity in (0, 1):
        for part in range(4):
            joined = torch.cat([halves[0][identity][part], halves[1][identity][part]])
            assert torch.equal(joined, whole[identity][part])
    inputs, targets, _ = task.inputs_and_targets(whole, torch.device("cpu"))
    assert inputs[0].shape == (8, 3, 64, 64) and targets[1].shape == (8, 3, 64, 64)


def test_bf16_training_runs_and_keeps_float32_weights(tmp_path):
    result = train_swap(_options(tmp_path / "run", 3, batch_size=2, precision="bf16", timelapse_every=0, preview_every=0), face_sets=_face_sets(8))
    assert result.steps == 3 and all(np.isfinite(row["loss"]) for row in result.history)
    assert result.model.encoder.bottleneck.weight.dtype == torch.float32

"""Lesson-sized training: small twins data sets and cached face-swap runs the notebooks share.

A notebook run twice must not train twice: ``train_or_load`` returns the model a run folder
already holds (its newest checkpoint) unless ``retrain`` is asked for.
"""

from __future__ import annotations

import os
import shutil
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import torch

from deepfake_edu.errors import LabError


def lesson_twins(per_identity: int, identities: int = 2, size: int = 128, seed: int = 0, progress: bool = True) -> Path:
    """A twins data set for the lessons (rendered once, then reused): datasets/lesson-twins-<n>x<k>-<size>.

    128 px pictures: the models' 64 px swap crops are cut from them by shrinking, so they stay sharp."""
    from deepfake_edu.data.dataset import load_dataset
    from deepfake_edu.data.twins import generate_twins_dataset
    from deepfake_edu.paths import datasets_dir

    path = datasets_dir() / f"lesson-twins-{identities}x{per_identity}-{size}-s{seed}"
    if (path / "dataset.json").exists():
        return path
    # One process: a forked worker pool can hang when this process already ran OpenCV or torch
    # threads (as a notebook kernel has); a few hundred faces take seconds anyway.
    generate_twins_dataset(path, identities=identities, per_identity=per_identity, size=size, seed=seed, workers=1, progress=progress)
    load_dataset(path)  # fails loudly now rather than in the next cell
    return path


@dataclass
class LessonRun:
    """A trained (or loaded) face-swap run."""

    model: torch.nn.Module  # FaceSwapModel in eval mode
    info: dict  # the checkpoint's info (identities, config, history)
    run_dir: Path
    trained_now: bool  # False when it was loaded from an earlier run
    seconds: float  # training time of this call (0 when loaded)

    @property
    def history(self) -> list[dict]:
        return self.info.get("history", [])

    @property
    def steps(self) -> int:
        return int(self.info.get("step", self.history[-1]["step"] if self.history else 0))


def train_or_load(
    run_dir: str | os.PathLike,
    data: list[str],
    identities: list[str] | None,
    steps: int,
    minutes: float | None = None,
    bottleneck: int | None = None,
    batch_size: int | None = None,
    metrics_every: int = 0,
    metrics_faces: int = 32,
    limit_per_identity: int | None = None,
    retrain: bool = False,
    progress: bool = True,
    prior: str | None = None,
) -> LessonRun:
    """Train a classroom face-swap model into ``run_dir``, or load the one already there.

    Training stops at ``steps`` or after ``minutes``, whichever comes first. ``batch_size`` is
    faces per person per step (None: the preset's 16; 4 in fast mode). ``prior``: a face prior's
    checkpoint (or "auto": the lab's installed one) starts a new run (``swap.prior``); None: random weights.
    """
    from deepfake_edu.lessons.mode import pick

    from deepfake_edu.swap.train import SwapTrainOptions, load_swap_model, train_swap
    from deepfake_edu.training.checkpoint import latest_checkpoint

    run_dir = Path(run_dir)
    if retrain and run_dir.exists():
        shutil.rmtree(run_dir)
    if run_dir.exists() and latest_checkpoint(run_dir) is not None:
        model, info = load_swap_model(run_dir)
        if bottleneck is None or model.config.bottleneck == bottleneck:
            return LessonRun(model, info, run_dir, False, 0.0)
        raise LabError(f"{run_dir} holds a model with bottleneck {model.config.bottleneck}, not {bottleneck}: pass retrain=True")
    options = SwapTrainOptions(
        data=[str(d) for d in data], identities=identities, preset="classroom", bottleneck=bottleneck, steps=steps, minutes=minutes,
        batch_size=batch_size or pick(4, None), run=str(run_dir), resume=False, checkpoint_every=10**9, log_every=max(1, min(10, steps // 10 or 1)),
        preview_every=0, timelapse_every=max(1, steps // 24) if metrics_every else 0, metrics_every=metrics_every,
        metrics_faces=metrics_faces, limit_per_identity=limit_per_identity, progress=progress, device="cpu", prior=prior,
    )
    result = train_swap(options)
    model, info = load_swap_model(run_dir)
    return LessonRun(model, info, run_dir, True, result.elapsed_s)


def faces_tensor(images: np.ndarray) -> torch.Tensor:
    """uint8 (N, S, S, 3) -> float (N, 3, S, S) in [0, 1]."""
    from deepfake_edu.data.images import to_tensor

    return to_tensor(np.ascontiguousarray(images))


def rebuild(model, images: np.ndarray, identity: int) -> np.ndarray:
    """The autoencoder's answer: faces (uint8 (N, S, S, 3)) through the encoder and ``identity``'s decoder."""
    from deepfake_edu.data.images import to_uint8

    model.eval()
    with torch.no_grad():
        return to_uint8(model.decode(model.encode(faces_tensor(images)), identity))


def shipped_model_line(name: str = "swap-twins") -> str:
    """One line on the lab's shipped model ``name`` (its card), to set beside what a lesson just
    trained: steps, wall time, the machine, and its swap SSIM against the true answer."""
    from deepfake_edu import zoo
    from deepfake_edu.errors import LabError

    try:
        card = zoo.card(name)
    except LabError:
        return f"(this copy of the lab ships no {name} model to compare with)"
    measured = card.get("measured", {})
    rebuilds = [value for key, value in measured.items() if key.startswith("rebuild_ssim_twin")]
    quality = f", rebuild SSIM {sum(rebuilds) / len(rebuilds):.3f}" if rebuilds else ""
    if "swap_ssim" in measured:
        quality += f", swap SSIM against the true answer {measured['swap_ssim']:.3f}"
    if "rebuild_ssim_unseen" in measured:
        quality += f", rebuild SSIM of twins it never saw {measured['rebuild_ssim_unseen']:.3f}"
    if "auc_held_out_twins" in measured:
        quality += f", ROC AUC {measured['auc_held_out_twins']:.3f} on twins it never saw"
    if "balanced_accuracy_held_out_twins" in measured:
        quality += f" (balanced accuracy {measured['balanced_accuracy_held_out_twins']:.3f})"
    return (f"the lab's shipped {name}: {card['steps']} steps in {card['wall_time_s'] / 60:.0f} minutes on "
            f"{card['machine']['device']}{quality} (`deepfake-edu zoo list`)")

"""Labs 4-6: a lesson-sized Meso-4 run, video clips to judge, and pictures of pixel noise."""

from __future__ import annotations

import shutil
from dataclasses import dataclass
from pathlib import Path

import numpy as np


@dataclass
class LessonDetector:
    model: object  # MesoNet in eval mode
    history: list[dict]  # the Trainer's history (loss, train_accuracy, val_... entries)
    metrics: dict  # accuracy, balanced_accuracy, auc, confusion on the held-out faces
    held_out: list[str]  # identities kept out of training
    trained_now: bool


def split_real_fake(dataset):
    """(train, test, held-out names): the test set holds every face of the twins that the lab's
    prepared detector never saw (``deepfake_edu.lab.HELD_OUT``).

    Testing on people the detector never saw is the honest test: otherwise it could recognise
    the person rather than the fake.
    """
    from deepfake_edu.lab import HELD_OUT

    train, test = dataset.split_by_identity(list(HELD_OUT))
    return train, test, list(HELD_OUT)


def train_lesson_detector(dataset, run_dir, steps: int, minutes: float | None, batch_size: int = 32, retrain: bool = False, progress: bool = True) -> LessonDetector:
    """Train Meso-4 on ``dataset`` (a RealFakeSet) with the paper's recipe, or load the run already there."""
    from deepfake_edu.detect.keras_import import load_detector
    from deepfake_edu.detect.train import DetectRecipe, classification_metrics, score, train_detector
    from deepfake_edu.training import TrainConfig
    from deepfake_edu.training.checkpoint import latest_checkpoint

    run_dir = Path(run_dir)
    train, test, held_out = split_real_fake(dataset)
    if retrain and run_dir.exists():
        shutil.rmtree(run_dir)
    if run_dir.exists() and latest_checkpoint(run_dir) is not None:
        model, info = load_detector(run_dir, with_info=True)  # the run's newest checkpoint
        metrics = classification_metrics(test.labels, score(model, test.images))
        return LessonDetector(model, info.get("history", []), metrics, held_out, False)
    config = TrainConfig(steps=steps, batch_size=batch_size, time_limit_s=minutes * 60 if minutes else None, checkpoint_every=10**9,
                         log_every=max(1, steps // 20), progress=progress, device="cpu")
    recipe = DetectRecipe(eval_every=max(1, steps // 4))
    run = train_detector(train, run_dir, config, recipe, validation=test, datasets=["lab-realfake"], resume=False)
    return LessonDetector(run.model.eval(), run.history, run.metrics, held_out, True)


def lesson_clips(swap_run, frames: int, out_dir, size: int = 256, seed: int = 7) -> dict[str, Path]:
    """Two clips to judge: "real" (twin B talking, rendered) and "fake" (twin A talking, swapped to B).

    swap_run: a face-swap run folder trained on (A, B) twins. The fake clip carries the lab's
    visible label and invisible mark, like every fake the lab writes.
    """
    from deepfake_edu.data.twins import make_identity, render_video, write_video
    from deepfake_edu.swap.convert import FaceSwapper, swap_video
    from deepfake_edu.swap.train import load_swap_model

    out_dir = Path(out_dir)
    model, info = load_swap_model(swap_run)
    names = info.get("identities", ["twin-00", "twin-01"])
    index_a, index_b = (int(name.rsplit("-", 1)[-1]) for name in names[:2])
    real_path, fake_path = out_dir / f"real-{names[1]}-{frames}.avi", out_dir / f"fake-{names[0]}-as-{names[1]}-{frames}.avi"
    if not real_path.exists():
        real, _ = render_video(make_identity(index_b), frames, size=size, seed=seed)
        write_video(real_path, real)
    if not fake_path.exists():
        source_path = out_dir / f"source-{names[0]}-{frames}.avi"
        source, _ = render_video(make_identity(index_a), frames, size=size, seed=seed)
        write_video(source_path, source)
        swap_video(FaceSwapper(model, 1), source_path, fake_path, progress=False)
    return {"real": real_path, "fake": fake_path}


def judge_clip(model, path, frames: int = 30):
    """The authors' video rule on a clip whose frames are face crops: a ``detect.predict.Verdict``."""
    from deepfake_edu.detect.predict import already_cropped, detect_path

    return detect_path(path, model, crop_fn=already_cropped, frames=frames)


def residual_picture(image: np.ndarray, gain: float = 12.0) -> np.ndarray:
    """The pixel noise of a picture made visible: uint8 grey (H, W, 3), 128 = no noise.

    The image minus its 3x3 median (the finest detail only), amplified ``gain`` times.
    """
    import cv2

    grey = image.astype(np.float32) @ np.array([0.299, 0.587, 0.114], np.float32)
    residual = grey - cv2.medianBlur(np.ascontiguousarray(grey), 3)
    shown = np.clip(128 + gain * residual, 0, 255).astype(np.uint8)
    return np.repeat(shown[..., None], 3, axis=-1)


def noise_energy(image: np.ndarray) -> float:
    """Standard deviation of the 3x3-median residual, grey levels: how much pixel noise is left."""
    import cv2

    grey = image.astype(np.float32) @ np.array([0.299, 0.587, 0.114], np.float32)
    return float((grey - cv2.medianBlur(np.ascontiguousarray(grey), 3))[2:-2, 2:-2].std())

"""The compression study: how each detector's accuracy falls as the pictures are compressed.

The seed interview's claim: pixel noise separates photos from synthetic images, but video
compression wipes it out; MesoNet, looking at the mesoscopic scale, still works. This module
measures it on any real-versus-fake set:

- conditions: the clean crops, JPEG at qualities 100, 90, 75, 50, 30, 20 (OpenCV's libjpeg),
  a real video encode (OpenCV ``VideoWriter`` with the ``mp4v`` FourCC, i.e. MPEG-4 Part 2 via
  FFmpeg, at OpenCV's default settings; the crops are written as consecutive frames of one clip,
  grouped by label, so inter-frame prediction sees unrelated pictures, unlike a real film), and a
  "stream-like" path that is NOT a codec: halve the resolution, scale back up, JPEG quality 40,
  which imitates what a low-bit-rate streaming encode does to fine detail;
- detectors: any object with ``predict_proba(uint8 (N, H, W, 3)) -> (N,) P(fake)``; those with
  ``trainable = True`` and ``fit(images, labels)`` are refitted, either once on clean training
  crops (``training="clean"``: a detector that never saw compression) or on training crops
  compressed like the test crops (``training="matched"``); the others (MesoNet with the authors'
  weights, say) are used as they are ("pretrained");
- result: one row per detector and condition with accuracy (threshold 0.5), balanced accuracy and
  ROC AUC on held-out crops, and a plot of accuracy against quality.
"""

from __future__ import annotations

import copy
import json
import os
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import Callable, Mapping

import cv2
import numpy as np

from deepfake_edu.errors import LabError

JPEG_QUALITIES = (100, 90, 75, 50, 30, 20)
STREAM_SCALE = 0.5  # the stream-like path's resolution factor
STREAM_JPEG_QUALITY = 40  # and its JPEG quality


@dataclass(frozen=True)
class Condition:
    """One way of degrading the crops: a name, a short description and the function."""

    name: str  # "clean", "jpeg90", "mp4v", "stream-like"
    description: str  # what exactly was done, for the table
    quality: int | None  # JPEG quality, or None for the clean crops and the video paths
    apply: Callable[[np.ndarray], np.ndarray]  # uint8 (N, H, W, 3) -> uint8 (N, H, W, 3)


def jpeg(images: np.ndarray, quality: int) -> np.ndarray:
    """JPEG-compress and decode each uint8 RGB image (N, H, W, 3) at ``quality`` (1-100)."""
    from deepfake_edu.data.images import jpeg_roundtrip

    return np.stack([jpeg_roundtrip(np.ascontiguousarray(image), quality) for image in images])


def video_roundtrip(images: np.ndarray, fourcc: str = "mp4v", fps: float = 25.0) -> np.ndarray:
    """Write uint8 RGB (N, H, W, 3) as the frames of one video with OpenCV and read them back.

    ``mp4v`` is MPEG-4 Part 2 (OpenCV's FFmpeg backend at its default bit rate), not H.264.
    """
    from deepfake_edu.data.video import VideoReader, VideoWriter

    images = np.asarray(images)
    with tempfile.TemporaryDirectory(prefix="deepfake-edu-video-") as folder:
        path = Path(folder) / "clip.mp4"
        with VideoWriter(path, fps, codec=fourcc, hint="run the study with --no-video") as writer:
            for image in images:
                writer.write(image)
        try:
            with VideoReader(path) as reader:
                frames = list(reader)
        except LabError:  # written but not readable back: no frames, said below
            frames = []
    if len(frames) != len(images):
        raise LabError(f"the {fourcc} round trip returned {len(frames)} frames for {len(images)}: run the study with --no-video")
    return np.stack(frames)


def stream_like(images: np.ndarray, scale: float = STREAM_SCALE, quality: int = STREAM_JPEG_QUALITY) -> np.ndarray:
    """Imitate a low-bit-rate stream (not a real codec): downscale, upscale, then JPEG."""
    out = []
    for image in images:
        height, width = image.shape[:2]
        small = cv2.resize(image, (max(1, round(width * scale)), max(1, round(height * scale))), interpolation=cv2.INTER_AREA)
        out.append(cv2.resize(small, (width, height), interpolation=cv2.INTER_LINEAR))
    return jpeg(np.stack(out), quality)


def standard_conditions(qualities=JPEG_QUALITIES, video: bool = True, stream: bool = True) -> list[Condition]:
    """The study's conditions, mildest first: clean, the JPEG qualities, mp4v, stream-like."""
    conditions = [Condition("clean", "no compression (the crops as stored)", None, lambda images: images)]
    for quality in qualities:
        conditions.append(Condition(f"jpeg{quality}", f"JPEG quality {quality} (OpenCV libjpeg)", quality, lambda images, q=quality: jpeg(images, q)))
    if video:
        conditions.append(Condition("mp4v", "OpenCV VideoWriter mp4v (MPEG-4 Part 2), default settings", None, video_roundtrip))
    if stream:
        conditions.append(
            Condition(
                "stream-like",
                f"not a codec: downscale x{STREAM_SCALE}, upscale, JPEG {STREAM_JPEG_QUALITY}",
                None,
                stream_like,
            )
        )
    return conditions


def _apply_by_label(condition: Condition, images: np.ndarray, labels: np.ndarray) -> np.ndarray:
    """Apply a condition; the video path encodes the reals and the fakes as two separate clips."""
    if condition.name != "mp4v":
        return condition.apply(images)
    out = np.empty_like(images)
    for value in np.unique(labels):
        chosen = labels == value
        out[chosen] = condition.apply(images[chosen])
    return out


# ----------------------------------------------------------------------------------------- metrics


def score(labels: np.ndarray, probabilities: np.ndarray, threshold: float = 0.5) -> dict:
    """Accuracy and balanced accuracy at ``threshold``, and ROC AUC, of P(fake) against labels."""
    from sklearn.metrics import balanced_accuracy_score, roc_auc_score

    labels = np.asarray(labels).astype(int)
    probabilities = np.asarray(probabilities, np.float64)
    predicted = (probabilities >= threshold).astype(int)
    both = len(np.unique(labels)) == 2
    return {
        "accuracy": float((predicted == labels).mean()),
        "balanced_accuracy": float(balanced_accuracy_score(labels, predicted)) if both else float("nan"),
        "auc": float(roc_auc_score(labels, probabilities)) if both else float("nan"),
    }


def split_indices(labels: np.ndarray, test_fraction: float, seed: int) -> tuple[np.ndarray, np.ndarray]:
    """A stratified random split: (train indices, test indices), each class split alike."""
    rng = np.random.default_rng(seed)
    train, test = [], []
    for value in np.unique(labels):
        members = rng.permutation(np.flatnonzero(labels == value))
        cut = int(round(len(members) * (1 - test_fraction)))
        if cut == 0 or cut == len(members):
            raise LabError(f"too few {'fake' if value else 'real'} crops ({len(members)}) to hold some out for testing: add more")
        train.append(members[:cut])
        test.append(members[cut:])
    return np.concatenate(train), np.concatenate(test)


# ------------------------------------------------------------------------------------ the study


def is_trainable(detector) -> bool:
    return bool(getattr(detector, "trainable", False)) and hasattr(detector, "fit")


def compression_study(
    images: np.ndarray,
    labels,
    detectors: Mapping[str, object],
    conditions: list[Condition] | None = None,
    training: str = "clean",
    test_fraction: float = 0.5,
    seed: int = 0,
    progress: bool = False,
) -> list[dict]:
    """Evaluate every detector under every condition; one row (dict) per pair.

    images: uint8 RGB (N, H, W, 3), all one size; labels: (N,) 1 = fake, 0 = real.
    detectors: name -> detector (see the module docstring). Trainable ones are copied, never
    modified. training: "clean" or "matched". Rows: detector, condition, quality, description,
    training, accuracy, balanced_accuracy, auc, n_test.
    """
    if training not in ("clean", "matched"):
        raise LabError(f"training must be 'clean' or 'matched', not {training!r}")
    images = np.asarray(images)
    labels = np.asarray(labels).astype(int).ravel()
    if images.ndim != 4 or images.dtype != np.uint8 or len(images) != len(labels):
        raise LabError(f"expected uint8 images (N, H, W, 3) with one label each, got {images.dtype} {images.shape} and {len(labels)} labels")
    conditions = standard_conditions() if conditions is None else conditions
    train_idx, test_idx = split_indices(labels, test_fraction, seed)
    train_images, train_labels = images[train_idx], labels[train_idx]
    test_images, test_labels = images[test_idx], labels[test_idx]

    fitted_on_clean = {
        name: copy.deepcopy(detector).fit(train_images, train_labels)
        for name, detector in detectors.items()
        if is_trainable(detector) and training == "clean"
    }
    rows = []
    iterator = conditions
    if progress:
        from tqdm import tqdm

        iterator = tqdm(conditions, desc="compression study", unit="condition")
    for condition in iterator:
        degraded_test = _apply_by_label(condition, test_images, test_labels)
        degraded_train = None
        for name, detector in detectors.items():
            if not is_trainable(detector):
                used, how = detector, "pretrained"
            elif training == "clean":
                used, how = fitted_on_clean[name], "clean"
            else:
                if degraded_train is None:
                    degraded_train = _apply_by_label(condition, train_images, train_labels)
                used, how = copy.deepcopy(detector).fit(degraded_train, train_labels), "matched"
            probabilities = np.asarray(used.predict_proba(degraded_test), np.float64).ravel()
            rows.append(
                {
                    "detector": name,
                    "condition": condition.name,
                    "quality": condition.quality,
                    "description": condition.description,
                    "training": how,
                    **score(test_labels, probabilities),
                    "n_test": int(len(test_labels)),
                }
            )
    return rows


def format_table(rows: list[dict]) -> str:
    """The study's rows as a fixed-width text table."""
    header = f"{'detector':<16} {'condition':<12} {'training':<10} {'accuracy':>8} {'bal.acc':>8} {'AUC':>6} {'n':>5}"
    lines = [header, "-" * len(header)]
    for row in rows:
        lines.append(
            f"{row['detector']:<16} {row['condition']:<12} {row['training']:<10} "
            f"{row['accuracy']:>8.3f} {row['balanced_accuracy']:>8.3f} {row['auc']:>6.3f} {row['n_test']:>5d}"
        )
    return "\n".join(lines)


def plot_study(rows: list[dict], path: str | os.PathLike, metric: str = "accuracy") -> Path:
    """Accuracy (or another metric) against condition, one line per detector; written atomically."""
    from deepfake_edu.fileio import use_headless_backend

    use_headless_backend()
    import matplotlib.pyplot as plt

    from deepfake_edu.fileio import save_figure

    condition_order = list(dict.fromkeys(row["condition"] for row in rows))
    figure, axes = plt.subplots(figsize=(7, 4), dpi=120)
    for detector in dict.fromkeys(row["detector"] for row in rows):
        by_condition = {row["condition"]: row[metric] for row in rows if row["detector"] == detector}
        training = next(row["training"] for row in rows if row["detector"] == detector)
        axes.plot(range(len(condition_order)), [by_condition.get(c, np.nan) for c in condition_order], marker="o", label=f"{detector} ({training})")
    axes.axhline(0.5, color="grey", linestyle=":", linewidth=1, label="chance")
    axes.set_xticks(range(len(condition_order)), [c.replace("jpeg", "JPEG ") for c in condition_order], rotation=30, ha="right")
    axes.set_ylim(0.0, 1.02)
    axes.set_ylabel(metric.replace("_", " "))
    axes.set_xlabel("condition (JPEG from mild to harsh, then video paths)")
    axes.set_title("Detectors under compression")
    axes.legend(fontsize=8, loc="lower left")
    figure.tight_layout()
    return save_figure(figure, path)


def write_study(rows: list[dict], out_dir: str | os.PathLike) -> dict[str, Path]:
    """Write results.json, results.csv and accuracy.png into ``out_dir``; returns their paths."""
    import csv
    import io

    from deepfake_edu.fileio import write_text_atomic

    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    paths = {"json": out_dir / "results.json", "csv": out_dir / "results.csv", "plot": out_dir / "accuracy.png"}
    write_text_atomic(paths["json"], json.dumps(rows, indent=1))
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=list(rows[0]))
    writer.writeheader()
    writer.writerows(rows)
    write_text_atomic(paths["csv"], buffer.getvalue())
    plot_study(rows, paths["plot"])
    return paths


# -------------------------------------------------------------------------------------- loading


def load_real_fake(path: str | os.PathLike, size: int | None = None, limit: int | None = None) -> tuple[np.ndarray, np.ndarray]:
    """Read a real-versus-fake set: (images uint8 (N, S, S, 3), labels int64 (N,), 1 = fake).

    Accepts both layouts of ``data.realfake``: a folder with ``real/`` and ``fake/`` subfolders of
    images, or a lab dataset whose records carry ``"label": "real" | "fake"``. Images are resized
    to ``size`` when given, else they must all have one size. ``limit`` caps the count (per
    subfolder, or of the dataset's records).
    """
    from deepfake_edu.data.realfake import load_real_fake as load_set

    if not Path(path).exists():
        raise LabError(f"no such folder: {path} (give a folder with real/ and fake/ subfolders, or a lab dataset)")
    try:
        found = load_set(path, size=size, limit=limit)
    except ValueError:  # np.stack of crops of several sizes
        raise LabError(f"the crops in {path} are not all one size: pass --size (e.g. --size 256)") from None
    if len(np.unique(found.labels)) < 2:
        raise LabError(f"{path} needs both real and fake crops for the study")
    return found.images, found.labels


# ------------------------------------------------------------------------------- torch adapter


class TorchDetector:
    """Adapt a torch model (float (B, 3, S, S) in [0, 1] -> logits (B,) of P(fake)) to the
    ``predict_proba(uint8 images)`` interface. MesoNet: ``TorchDetector(create_model("meso4"))``.

    With a ``train_fn(model, images_uint8, labels) -> None`` it becomes trainable, so the study can
    refit a copy of it; without one it is used as it is.
    """

    def __init__(self, model, input_size: int = 256, batch_size: int = 32, device: str = "cpu", train_fn=None):
        self.model = model  # the torch module; put in eval mode for predictions
        self.input_size = input_size  # crops are resized to input_size x input_size pixels
        self.batch_size = batch_size  # crops per forward pass
        self.device = device  # torch device string
        self.train_fn = train_fn  # optional: how to (re)train the model on uint8 crops and labels
        self.trainable = train_fn is not None

    def to_tensor(self, images: np.ndarray):
        from deepfake_edu.data.images import to_tensor

        images = np.asarray(images)
        if images.ndim == 3:
            images = images[None]
        if images.shape[1:3] != (self.input_size, self.input_size):
            images = np.stack([cv2.resize(i, (self.input_size, self.input_size), interpolation=cv2.INTER_AREA) for i in images])
        return to_tensor(images)

    def predict_proba(self, images: np.ndarray) -> np.ndarray:
        import torch

        self.model.eval().to(self.device)
        out = []
        with torch.no_grad():
            for start in range(0, len(images), self.batch_size):
                batch = self.to_tensor(images[start : start + self.batch_size]).to(self.device)
                out.append(torch.sigmoid(self.model(batch).reshape(-1)).double().cpu().numpy())
        return np.concatenate(out)

    def fit(self, images: np.ndarray, labels) -> "TorchDetector":
        if self.train_fn is None:
            raise LabError("this model was given without a training function: it can only be evaluated")
        self.train_fn(self.model, images, np.asarray(labels))
        return self

"""Laundering: what re-posting a fake does to the detector and to the fake's three labels.

A fake that travels is re-saved as JPEG, shrunk, cropped, blurred or re-encoded on the way, on
purpose or not. This study applies each of those operations, at several strengths, and measures
what survives:

- the detector: its ROC AUC and mean P(fake) on real and fake face crops after the operation
  (the crops are brought back to the detector's 256 px input, as ``detect run`` does);
- the visible label (``provenance.label``), the invisible mark (``provenance.watermark``) and the
  C2PA manifest, on fakes marked the way the lab marks everything it makes. The laundered
  picture is written again as a re-poster's tool would write it: new pixels, new file, and no
  manifest copied across (the manifest lives in the file, not in the pixels).

``launder(rgb, ...)`` is one picture through any mix of the operations (the demo's sliders);
``laundering_study`` is the study; ``format_table`` and ``plot_study`` show it. Pictures are
uint8 RGB (H, W, 3).
"""

from __future__ import annotations

import json
import os
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import Callable, Sequence

import cv2
import numpy as np

from deepfake_edu.errors import LabError

DETECTOR_SIDE = 256  # the MesoNet input every laundered crop is brought back to


def jpeg(rgb: np.ndarray, quality: float) -> np.ndarray:
    """Encode and decode as JPEG at ``quality`` (1-100, OpenCV's libjpeg)."""
    from deepfake_edu.data.images import jpeg_roundtrip

    return jpeg_roundtrip(np.ascontiguousarray(rgb), int(round(quality)))


def resize(rgb: np.ndarray, scale: float) -> np.ndarray:
    """Shrink (area averaging) or enlarge (bilinear) by ``scale``; the result is at least 8 px a side."""
    height, width = rgb.shape[:2]
    size = (max(8, round(width * scale)), max(8, round(height * scale)))
    return cv2.resize(rgb, size, interpolation=cv2.INTER_AREA if scale < 1 else cv2.INTER_LINEAR)


def crop(rgb: np.ndarray, keep: float) -> np.ndarray:
    """Keep the centre ``keep`` (0-1] of each side: what a re-poster's crop to the face does."""
    height, width = rgb.shape[:2]
    new_h, new_w = max(8, round(height * keep)), max(8, round(width * keep))
    top, left = (height - new_h) // 2, (width - new_w) // 2
    return np.ascontiguousarray(rgb[top : top + new_h, left : left + new_w])


def blur(rgb: np.ndarray, sigma: float) -> np.ndarray:
    """Gaussian blur of ``sigma`` pixels (0: unchanged)."""
    return rgb.copy() if sigma <= 0 else cv2.GaussianBlur(rgb, (0, 0), sigmaX=float(sigma), borderType=cv2.BORDER_REFLECT)


def reencode(rgb: np.ndarray, _strength: float = 1.0) -> np.ndarray:
    """The picture as the middle frame of a short .mp4 (MPEG-4 part 2, OpenCV's default rate)."""
    from deepfake_edu.data.video import VideoReader, write_video

    even = rgb[: rgb.shape[0] // 2 * 2, : rgb.shape[1] // 2 * 2]  # the codec wants even sides
    with tempfile.TemporaryDirectory(prefix="deepfake-edu-launder-") as folder:
        path = write_video(Path(folder) / "clip.mp4", [even] * 3, fps=25)
        with VideoReader(path) as video:
            frames = list(video)
    return frames[len(frames) // 2]


@dataclass(frozen=True)
class Operation:
    """One way of laundering: ``apply(rgb, strength)`` at each of ``strengths``, mildest first."""

    name: str
    describe: str  # with {} for the strength, e.g. "JPEG quality {}"
    apply: Callable[[np.ndarray, float], np.ndarray]
    strengths: tuple[float, ...]
    unchanged: float  # the strength that leaves a picture as it is (a slider's resting place)
    low: float  # the range a slider may take
    high: float


OPERATIONS: dict[str, Operation] = {
    "jpeg": Operation("jpeg", "JPEG quality {:g}", jpeg, (90, 70, 50, 30, 10), 100, 5, 100),
    "resize": Operation("resize", "shrunk to {:g} of its size", resize, (0.75, 0.5, 0.35, 0.25), 1.0, 0.1, 1.0),
    "crop": Operation("crop", "centre {:g} of each side kept", crop, (0.95, 0.85, 0.7), 1.0, 0.5, 1.0),
    "blur": Operation("blur", "blurred, sigma {:g} px", blur, (0.5, 1.0, 2.0, 3.0), 0.0, 0.0, 5.0),
    "reencode": Operation("reencode", "re-encoded as an mp4 video frame", reencode, (1.0,), 0.0, 0.0, 1.0),
}


def launder(rgb: np.ndarray, jpeg_quality: float = 100, scale: float = 1.0, keep: float = 1.0, sigma: float = 0.0,
            video: bool = False) -> np.ndarray:
    """One picture through the operations, in the order a re-post applies them: crop, shrink,
    blur, then the encoding (an mp4 frame with ``video``, else JPEG below quality 100).
    Out-of-range values are a one-line LabError."""
    for name, value in (("jpeg", jpeg_quality), ("resize", scale), ("crop", keep), ("blur", sigma)):
        operation = OPERATIONS[name]
        if not isinstance(value, (int, float)) or not operation.low <= float(value) <= operation.high:
            raise LabError(f"{name} must be between {operation.low:g} and {operation.high:g}, not {value!r}")
    if not isinstance(rgb, np.ndarray) or rgb.dtype != np.uint8 or rgb.ndim != 3 or rgb.shape[2] != 3:
        raise LabError("expected a uint8 RGB picture shaped (H, W, 3)")
    out = rgb
    if keep < 1:
        out = crop(out, keep)
    if scale != 1:
        out = resize(out, scale)
    if sigma > 0:
        out = blur(out, sigma)
    if video:
        out = reencode(out)
    elif jpeg_quality < 100:
        out = jpeg(out, jpeg_quality)
    return out


def conditions() -> list[tuple[str, float | None]]:
    """(operation, strength) pairs of the study, starting with ("none", None)."""
    return [("none", None)] + [(name, s) for name, op in OPERATIONS.items() for s in op.strengths]


def describe(operation: str, strength: float | None) -> str:
    return "as made" if operation == "none" else OPERATIONS[operation].describe.format(strength)


def _apply(operation: str, strength: float | None, rgb: np.ndarray) -> np.ndarray:
    return rgb if operation == "none" else OPERATIONS[operation].apply(rgb, strength)


def to_detector(rgb: np.ndarray, side: int = DETECTOR_SIDE) -> np.ndarray:
    """A (laundered) crop back at the detector's input size."""
    if rgb.shape[:2] == (side, side):
        return rgb
    shrink = min(rgb.shape[:2]) > side
    return cv2.resize(rgb, (side, side), interpolation=cv2.INTER_AREA if shrink else cv2.INTER_LINEAR)


def signals_after(marked_file: Path, operation: str, strength: float | None, work: Path) -> dict[str, bool]:
    """Which of the label, the mark and a C2PA manifest a marked file still carries after one
    laundering. "none" checks the file itself; any other operation decodes it, changes the pixels
    and writes a new PNG, as a re-poster's editor would (lossless, so only the operation acts)."""
    from deepfake_edu.data.images import read_image, write_image
    from deepfake_edu.provenance.check import check_file

    path = marked_file
    if operation != "none":
        path = work / f"{marked_file.stem}-{operation}-{strength:g}.png"
        write_image(path, _apply(operation, strength, read_image(marked_file)))
    report = check_file(path)
    return {"label": report.label_found, "mark": report.mark_found, "c2pa": report.c2pa_state == "present"}


def laundering_study(images: np.ndarray, labels: np.ndarray, detector, marked_fakes: Sequence[np.ndarray],
                     progress: bool = False) -> dict:
    """The study's table.

    images: uint8 (N, 256, 256, 3) face crops; labels: (N,) 1 = fake, 0 = real (both classes);
    detector: ``predict(uint8 (M, 256, 256, 3)) -> (M,) P(fake)``; marked_fakes: uint8 RGB
    pictures (at least 256 px a side) that are labelled, marked and saved with C2PA where
    c2pa-python is installed before each laundering.
    Returns {"rows": [...], "c2pa_checked": bool}; a row per condition holds the AUC, average
    precision, mean P(fake) of the fakes and of the reals, accuracy at 0.5, and the share of
    marked fakes that still carry each signal.
    """
    from deepfake_edu.detect import protocol
    from deepfake_edu.provenance import c2pa_manifest
    from deepfake_edu.provenance.check import save_marked_image

    labels = np.asarray(labels).astype(int)
    if images.ndim != 4 or len(images) != len(labels) or len(images) == 0:
        raise LabError("the study needs face crops (N, 256, 256, 3) with one label each")
    if set(np.unique(labels)) != {0, 1}:
        raise LabError("the study needs both real and fake faces")
    rows = []
    with tempfile.TemporaryDirectory(prefix="deepfake-edu-launder-") as folder:
        work = Path(folder)
        files = [save_marked_image(work / f"fake-{i:03d}.jpg", picture, {"generator": "deepfake-edu", "study": "laundering"})
                 for i, picture in enumerate(marked_fakes)]
        for operation, strength in conditions():
            laundered = np.stack([to_detector(_apply(operation, strength, image)) for image in images])
            p_fake = np.asarray(detector(laundered), dtype=np.float64)
            metrics = protocol.classification_metrics(labels, p_fake)
            signals = [signals_after(f, operation, strength, work) for f in files]
            share = {name: (float(np.mean([s[name] for s in signals])) if signals else None) for name in ("label", "mark", "c2pa")}
            rows.append({
                "operation": operation, "strength": strength, "condition": describe(operation, strength),
                "auc": round(protocol.frame_auc(labels, p_fake), 4),
                "average_precision": round(protocol.average_precision(labels, p_fake), 4),
                "accuracy": round(float(metrics["accuracy"]), 4),
                "p_fake_fakes": round(float(p_fake[labels == 1].mean()), 4),
                "p_fake_reals": round(float(p_fake[labels == 0].mean()), 4),
                "label_kept": share["label"], "mark_kept": share["mark"], "c2pa_kept": share["c2pa"],
            })
            if progress:
                print(f"  {rows[-1]['condition']}: AUC {rows[-1]['auc']:.3f}", flush=True)
    return {"rows": rows, "faces": int(len(images)), "marked_fakes": len(files), "c2pa_checked": c2pa_manifest.c2pa_available()}


def format_table(study: dict) -> str:
    def share(value) -> str:
        return "   -" if value is None else f"{value:4.0%}"

    c2pa = study.get("c2pa_checked")
    lines = [f"{'condition':<38}{'AUC':>6}{'P(fake) fakes':>15}{'reals':>7}{'label':>7}{'mark':>6}{'C2PA':>6}"]
    for row in study["rows"]:
        lines.append(f"{row['condition']:<38}{row['auc']:>6.3f}{row['p_fake_fakes']:>15.3f}{row['p_fake_reals']:>7.3f}"
                     f"{share(row['label_kept']):>7}{share(row['mark_kept']):>6}{share(row['c2pa_kept'] if c2pa else None):>6}")
    if not c2pa:
        lines.append("C2PA: not checked (install deepfake-edu[provenance]); every re-save drops a manifest that is not copied across")
    return "\n".join(lines)


def plot_study(study: dict, path: str | os.PathLike) -> Path:
    """One panel per operation: the detector's AUC and the share of marks found, by strength."""
    from deepfake_edu.fileio import use_headless_backend

    use_headless_backend()
    import matplotlib.pyplot as plt

    from deepfake_edu.fileio import save_figure

    base = next(r for r in study["rows"] if r["operation"] == "none")
    names = [n for n in OPERATIONS if any(r["operation"] == n for r in study["rows"])]
    figure, axes = plt.subplots(1, len(names), figsize=(3.2 * len(names), 3.2), sharey=True)
    for axis, name in zip(np.atleast_1d(axes), names):
        rows = [base] + [r for r in study["rows"] if r["operation"] == name]
        ticks = ["made"] + ["mp4" if name == "reencode" else f"{r['strength']:g}" for r in rows[1:]]
        x = np.arange(len(rows))
        axis.plot(x, [r["auc"] for r in rows], "o-", label="detector AUC")
        if rows[0]["mark_kept"] is not None:
            axis.plot(x, [r["mark_kept"] for r in rows], "s--", label="marks found")
            axis.plot(x, [r["label_kept"] for r in rows], "^:", label="labels found")
        if study.get("c2pa_checked") and rows[0]["c2pa_kept"] is not None:
            axis.plot(x, [r["c2pa_kept"] for r in rows], "x-.", label="C2PA kept")
        axis.set_xticks(x, ticks)
        axis.set_title(name)
        axis.set_ylim(-0.05, 1.05)
        axis.grid(alpha=0.3)
    np.atleast_1d(axes)[0].legend(loc="lower left", fontsize=8)
    figure.suptitle("what laundering leaves of the detector and the labels")
    figure.tight_layout()
    return save_figure(figure, path, dpi=90)


def write_study(study: dict, out: str | os.PathLike) -> dict[str, Path]:
    """results.json and laundering.png in ``out`` (each written atomically)."""
    from deepfake_edu.fileio import write_text_atomic

    out = Path(out)
    out.mkdir(parents=True, exist_ok=True)
    write_text_atomic(out / "results.json", json.dumps(study, indent=2) + "\n")
    return {"json": out / "results.json", "plot": plot_study(study, out / "laundering.png")}

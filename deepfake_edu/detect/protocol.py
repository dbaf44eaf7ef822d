"""The field's evaluation protocol for a deepfake detector: the one owner of detection metrics.

Given labels (1 = fake, 0 = real) and the detector's P(fake) per frame, and optionally which
video each frame comes from:

- frame AUC (area under the ROC curve), **video AUC** (each video scored by the mean of its
  frames' P(fake), as DeepfakeBench does), the EER (equal error rate: where the share of real
  faces called fake equals the share of fakes missed) with its threshold, average precision;
- accuracy and balanced accuracy at a threshold (0.5), and the confusion matrix;
- calibration: a reliability table (bins of P(fake), each with the share of faces in it that
  really are fake) and the expected calibration error (ECE), and a reliability plot.

AUC, EER and average precision measure the RANKING (do fakes score above reals?); accuracy and
calibration measure the NUMBERS (is 0.5 the right line, does P(fake) = 0.8 mean 80 % fakes?).
A detector can rank perfectly and still be badly calibrated.

The label-polarity trap. The MesoNet authors' network outputs P(REAL) (their folders were read
alphabetically: df = 0, real = 1); the lab's convention is P(FAKE). Scores the wrong way round
rank every fake below every real: an AUC below 0.5. ``polarity_note`` says so whenever the AUC
is below 0.5: flipping the scores would give 1 - AUC.

Degenerate inputs (what each function does):
- no faces, labels other than 0/1, scores and labels of different lengths, or scores that are
  NaN, infinite or outside [0, 1]: a one-line ``LabError`` that says what to do;
- one class only: ``frame_auc``, ``equal_error_rate``, ``average_precision`` and ``evaluate``
  raise a ``LabError`` (there is nothing to rank against); ``classification_metrics`` (the
  training loop's summary) returns NaN for ``auc`` and ``balanced_accuracy`` instead, and still
  reports accuracy and the confusion matrix;
- no video ids (a folder of images): ``evaluate`` reports ``video_auc`` as None and says why;
- an empty calibration bin: its mean and share are None and it adds nothing to the ECE.
"""

from __future__ import annotations

import math
import os
from collections.abc import Sequence
from pathlib import Path

import numpy as np

from deepfake_edu.errors import LabError

THRESHOLD = 0.5  # P(fake) above this is called fake (the authors' rule, and the lab's)
BINS = 10  # calibration bins of equal width over [0, 1]


# -------------------------------------------------------------------------------------- checking


def check_inputs(labels, p_fake) -> tuple[np.ndarray, np.ndarray]:
    """(labels int64 (N,), scores float64 (N,)), or a one-line LabError for inputs no metric can use."""
    try:
        labels = np.asarray(labels).reshape(-1)
        scores = np.asarray(p_fake, dtype=np.float64).reshape(-1)
    except (TypeError, ValueError):
        raise LabError("labels and scores must be numbers, one of each per face (1 = fake; P(fake) from 0 to 1)") from None
    if len(labels) != len(scores):
        raise LabError(f"{len(labels)} labels but {len(scores)} scores: give one P(fake) per face")
    if len(labels) == 0:
        raise LabError("no faces to measure: give a set with real and fake faces")
    if labels.dtype.kind not in "biuf" or not np.isin(labels, (0, 1)).all():
        raise LabError("labels must be 0 (real) or 1 (fake), one per face")
    bad = ~np.isfinite(scores)
    if bad.any():
        raise LabError(f"{int(bad.sum())} of the {len(scores)} scores are not numbers (NaN or infinite): the detector's output is "
                       f"broken; check the model (retrain it, or load another checkpoint)")
    if scores.min() < 0 or scores.max() > 1:
        raise LabError(f"scores must be P(fake) between 0 and 1, not {scores.min():.3g}..{scores.max():.3g}: "
                       f"pass probabilities (the sigmoid of the logits), not logits")
    return labels.astype(np.int64), scores


def _need_both(labels: np.ndarray, what: str) -> None:
    real, fake = int((labels == 0).sum()), int((labels == 1).sum())
    if real == 0 or fake == 0:
        have, missing = ("fake", "real") if real == 0 else ("real", "fake")
        raise LabError(f"{what} compares real faces with fakes, but all {len(labels)} faces are {have}: add {missing} faces")


# -------------------------------------------------------------------------------------- ranking


def frame_auc(labels, p_fake) -> float:
    """Area under the ROC curve over frames: the chance that a random fake scores above a random
    real (ties count half). 1 = perfect, 0.5 = chance, 0 = every fake below every real."""
    from sklearn.metrics import roc_auc_score

    labels, scores = check_inputs(labels, p_fake)
    _need_both(labels, "the AUC")
    return float(roc_auc_score(labels, scores))


def average_precision(labels, p_fake) -> float:
    """Average precision (area under the precision-recall curve, fakes as the positive class)."""
    from sklearn.metrics import average_precision_score

    labels, scores = check_inputs(labels, p_fake)
    _need_both(labels, "average precision")
    return float(average_precision_score(labels, scores))


def equal_error_rate(labels, p_fake) -> tuple[float, float]:
    """(EER, threshold): the error rate where the false positive rate (reals called fake) equals
    the false negative rate (fakes missed), found on the ROC curve and interpolated linearly
    between its two points either side of the crossing. The threshold is that of the ROC point
    nearest the crossing (a face is called fake when its P(fake) >= threshold). A perfect
    detector has EER 0, chance 0.5, a reversed one 1."""
    from sklearn.metrics import roc_curve

    labels, scores = check_inputs(labels, p_fake)
    _need_both(labels, "the EER")
    fpr, tpr, thresholds = roc_curve(labels, scores, drop_intermediate=False)
    gap = (1 - tpr) - fpr  # starts at 1 (nothing called fake), falls to -1 (everything called fake)
    after = int(np.argmax(gap <= 0))  # the first ROC point past the crossing (the last point always is)
    if gap[after] == 0 or after == 0:
        eer, nearest = float(fpr[after]), after
    else:
        before = after - 1
        t = gap[before] / (gap[before] - gap[after])
        eer = float(fpr[before] + t * (fpr[after] - fpr[before]))
        nearest = after if t >= 0.5 or not np.isfinite(thresholds[before]) else before
    threshold = float(thresholds[nearest]) if np.isfinite(thresholds[nearest]) else 1.0
    return eer, min(max(threshold, 0.0), 1.0)


def video_scores(labels, p_fake, videos: Sequence) -> tuple[np.ndarray, np.ndarray, list]:
    """(labels (V,), mean P(fake) (V,), video ids (V,)), one per video in order of first
    appearance: each video scored by the mean of its frames' P(fake), as DeepfakeBench does. A
    video whose frames carry both labels is a one-line LabError."""
    labels, scores = check_inputs(labels, p_fake)
    if len(videos) != len(labels):
        raise LabError(f"{len(labels)} faces but {len(videos)} video ids: give one video id per face")
    order: dict = {}
    for index, video in enumerate(videos):
        order.setdefault(video, []).append(index)
    names = list(order)
    video_labels, means = np.zeros(len(names), np.int64), np.zeros(len(names))
    for v, name in enumerate(names):
        frames = np.array(order[name])
        found = set(labels[frames].tolist())
        if len(found) > 1:
            raise LabError(f"video {name!r} holds both real and fake frames: give each video one label (or separate ids)")
        video_labels[v], means[v] = labels[frames[0]], scores[frames].mean()
    return video_labels, means, names


def video_auc(labels, p_fake, videos: Sequence) -> float:
    """The AUC over videos, each scored by the mean P(fake) of its frames (DeepfakeBench's video AUC)."""
    video_labels, means, _ = video_scores(labels, p_fake, videos)
    _need_both(video_labels, "the video AUC")
    from sklearn.metrics import roc_auc_score

    return float(roc_auc_score(video_labels, means))


# -------------------------------------------------------------------------------------- thresholded


def classification_metrics(labels, p_fake, threshold: float = THRESHOLD) -> dict:
    """accuracy, balanced accuracy, ROC AUC and the confusion matrix [[TN, FP], [FN, TP]] at
    ``threshold`` (P(fake) > threshold is called fake), and ``count``. With one class only,
    ``auc`` and ``balanced_accuracy`` are NaN (the training loop's summary never raises for that)."""
    from sklearn.metrics import balanced_accuracy_score, confusion_matrix, roc_auc_score

    labels, scores = check_inputs(labels, p_fake)
    predicted = (scores > threshold).astype(np.int64)
    both = len(set(labels.tolist())) == 2
    return {
        "accuracy": float((predicted == labels).mean()),
        "balanced_accuracy": float(balanced_accuracy_score(labels, predicted)) if both else float("nan"),
        "auc": float(roc_auc_score(labels, scores)) if both else float("nan"),
        "confusion": confusion_matrix(labels, predicted, labels=[0, 1]).tolist(),
        "count": len(labels),
    }


# -------------------------------------------------------------------------------------- calibration


def reliability_table(labels, p_fake, bins: int = BINS) -> list[dict]:
    """One row per bin of equal width over [0, 1] (bin i holds i/bins <= P(fake) < (i+1)/bins,
    the last one includes 1): ``low``, ``high``, ``count``, ``mean_p_fake`` (what the detector
    claimed) and ``share_fake`` (the share of those faces that are fake: what was true). A
    calibrated detector has share = mean in every bin. Empty bins have None for both."""
    labels, scores = check_inputs(labels, p_fake)
    if not (isinstance(bins, int) and 1 <= bins <= 1000):
        raise LabError(f"bins must be a whole number from 1 to 1000, not {bins!r}")
    index = np.minimum((scores * bins).astype(np.int64), bins - 1)
    rows = []
    for b in range(bins):
        inside = index == b
        count = int(inside.sum())
        rows.append({
            "low": b / bins, "high": (b + 1) / bins, "count": count,
            "mean_p_fake": float(scores[inside].mean()) if count else None,
            "share_fake": float(labels[inside].mean()) if count else None,
        })
    return rows


def expected_calibration_error(table: list[dict]) -> float:
    """ECE: the mean over faces of |share fake - mean P(fake)| of their bin (0 = calibrated)."""
    total = sum(row["count"] for row in table)
    if total == 0:
        raise LabError("no faces to measure: give a set with real and fake faces")
    return float(sum(row["count"] / total * abs(row["share_fake"] - row["mean_p_fake"]) for row in table if row["count"]))


# -------------------------------------------------------------------------------------- polarity


def polarity_note(auc: float | None) -> str | None:
    """A line for an AUC below 0.5 (the scores rank fakes BELOW reals), else None."""
    if auc is None or math.isnan(auc) or auc >= 0.5:
        return None
    return (f"AUC {auc:.3f} is below 0.5 (chance): this detector ranks real faces above fakes. Flipping the scores "
            f"(1 - P(fake)) would give AUC {1 - auc:.3f}. That usually means a label-polarity mistake (the MesoNet "
            f"authors' network outputs P(real): import their weights with `deepfake-edu detect import-keras`, which "
            f"turns them round), not a detector that learned the opposite")


def orientation(info: dict | None) -> tuple[bool, str]:
    """(whether to flip the model's sigmoid output to get P(fake), a line saying which way round
    the scores are) for a detector's checkpoint info (``load_detector(..., with_info=True)``)."""
    info = info or {}
    output = (info.get("config") or {}).get("output", "p_fake")
    origin = str(info.get("origin", ""))
    if output == "p_real":
        return True, ("scores: this model outputs P(real) (the MesoNet authors' orientation); eval turned them round to "
                      "P(fake) = 1 - P(real), so 1 = fake as everywhere in the lab")
    if origin.startswith("DariusAf/MesoNet"):
        return False, (f"scores: P(fake) (1 = fake). These are the MesoNet authors' weights ({origin}), whose network outputs "
                       f"P(real); the import turned them round (P(fake) = 1 - P(real))")
    return False, f"scores: P(fake) (1 = fake), the lab's convention (the checkpoint says {info.get('label', 'P(fake) = sigmoid(logit)')!r})"


# -------------------------------------------------------------------------------------- report


def evaluate(labels, p_fake, videos: Sequence | None = None, threshold: float = THRESHOLD, bins: int = BINS,
             video_note: str | None = None) -> dict:
    """Every metric of the protocol in one dict (JSON-ready).

    Keys: ``count``, ``real``, ``fake``; ``auc`` (= ``frame_auc``), ``video_auc`` (None without
    ``videos``), ``videos`` (how many), ``video_note`` (how frames were grouped, with the caller's
    ``video_note`` appended, or why there is no video AUC); ``eer``, ``eer_threshold``, ``average_precision``; ``threshold``, ``accuracy``,
    ``balanced_accuracy``, ``confusion`` ([[TN, FP], [FN, TP]]); ``reliability`` (the table),
    ``ece``; ``polarity_note`` (None unless the AUC is below 0.5). One class only: a LabError.
    """
    labels, scores = check_inputs(labels, p_fake)
    _need_both(labels, "evaluating a detector")
    thresholded = classification_metrics(labels, scores, threshold)
    eer, eer_threshold = equal_error_rate(labels, scores)
    table = reliability_table(labels, scores, bins)
    report = {
        "count": len(labels), "real": int((labels == 0).sum()), "fake": int((labels == 1).sum()),
        "auc": thresholded["auc"], "frame_auc": thresholded["auc"],
        "video_auc": None, "videos": None,
        "video_note": video_note or "not available: no video ids were given",
        "eer": eer, "eer_threshold": eer_threshold,
        "average_precision": average_precision(labels, scores),
        "threshold": float(threshold),
        "accuracy": thresholded["accuracy"], "balanced_accuracy": thresholded["balanced_accuracy"],
        "confusion": thresholded["confusion"],
        "reliability": table, "ece": expected_calibration_error(table),
    }
    if videos is not None:
        _, _, names = video_scores(labels, scores, videos)
        report["videos"] = len(names)
        report["video_auc"] = video_auc(labels, scores, videos)
        report["video_note"] = f"{len(names)} videos, each scored by the mean P(fake) of its frames" + (f"; {video_note}" if video_note else "")
    report["polarity_note"] = polarity_note(report["auc"])
    return report


def _number(value, digits: int = 3) -> str:
    return "n/a" if value is None else f"{value:.{digits}f}"


def format_report(report: dict) -> str:
    """A readable table of ``evaluate``'s report."""
    (tn, fp), (fn, tp) = report["confusion"]
    lines = [
        f"{report['count']} faces: {report['real']} real, {report['fake']} fake",
        "",
        "ranking (threshold-free)",
        f"  frame AUC           {_number(report['auc'])}",
        f"  video AUC           {_number(report['video_auc'])}   ({report['video_note']})",
        f"  EER                 {_number(report['eer'])}   (at P(fake) >= {report['eer_threshold']:.3f})",
        f"  average precision   {_number(report['average_precision'])}",
        "",
        f"at P(fake) > {report['threshold']:g}",
        f"  accuracy            {_number(report['accuracy'])}",
        f"  balanced accuracy   {_number(report['balanced_accuracy'])}",
        f"  confusion           real called real {tn}, real called fake {fp}; fake missed {fn}, fake caught {tp}",
        "",
        f"calibration (expected calibration error {_number(report['ece'])}; calibrated: share fake = mean P(fake))",
        f"  {'P(fake) bin':<13} {'faces':>6} {'mean P(fake)':>13} {'share fake':>11}",
    ]
    for row in report["reliability"]:
        if row["count"]:
            lines.append(f"  {row['low']:.2f}-{row['high']:.2f}     {row['count']:>6} {row['mean_p_fake']:>13.3f} {row['share_fake']:>11.3f}")
    if report.get("polarity_note"):
        lines += ["", f"warning: {report['polarity_note']}"]
    return "\n".join(lines)


# -------------------------------------------------------------------------------------- plot


def plot_reliability(labels, p_fake, path: str | os.PathLike, bins: int = BINS, title: str = "reliability") -> Path:
    """Save the reliability diagram (share of fakes per bin of P(fake) against the diagonal of
    a calibrated detector, with the count of faces per bin below) as an image, atomically."""
    from deepfake_edu.fileio import use_headless_backend

    use_headless_backend()
    import matplotlib.pyplot as plt

    from deepfake_edu.fileio import save_figure

    labels, scores = check_inputs(labels, p_fake)
    table = reliability_table(labels, scores, bins)
    ece = expected_calibration_error(table)
    filled = [row for row in table if row["count"]]
    figure, (top, bottom) = plt.subplots(2, 1, figsize=(4, 5), sharex=True, gridspec_kw={"height_ratios": [3, 1]})
    top.plot([0, 1], [0, 1], "--", color="grey", label="calibrated")
    top.bar([(r["low"] + r["high"]) / 2 for r in filled], [r["share_fake"] for r in filled], width=1 / bins,
            edgecolor="black", alpha=0.6, label="share of fakes")
    top.plot([r["mean_p_fake"] for r in filled], [r["share_fake"] for r in filled], "o", color="C3",
             label="mean P(fake) vs share")
    top.set(ylabel="share that are fake", title=f"{title} (ECE {ece:.3f})", xlim=(0, 1), ylim=(0, 1))
    top.legend(loc="upper left", fontsize="small")
    bottom.bar([(r["low"] + r["high"]) / 2 for r in table], [r["count"] for r in table], width=1 / bins, edgecolor="black")
    bottom.set(xlabel="P(fake) the detector gave", ylabel="faces")
    return save_figure(figure, path, dpi=100, bbox_inches="tight")

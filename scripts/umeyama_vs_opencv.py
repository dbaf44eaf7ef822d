"""Why faces.align.fit_similarity uses OpenCV's ``estimateAffinePartial2D`` (LMEDS) rather than the
least-squares Umeyama fit the lab first wrote (kept here, as the reference).

Both fit a similarity (rotation, uniform scale, shift) from 68 landmarks to the mean face. On
landmarks with Gaussian noise (what a landmark detector gives) and with a few gross outliers
(a landmark on the wrong feature), this measures how far each fit puts the crop's eye centres
from where the true transform puts them, in percent of the crop's eye gap, and how long it takes.

    python scripts/umeyama_vs_opencv.py
"""

from __future__ import annotations

import time

import cv2
import numpy as np

from deepfake_edu.faces.align import CROPS, MEAN_FACE_68, apply_affine


def umeyama(source: np.ndarray, target: np.ndarray) -> np.ndarray:
    """The similarity (rotation, uniform scale, shift) that best maps ``source`` onto ``target``.

    Least squares over all points (Umeyama 1991): centre both sets, take the SVD of their
    covariance, fix a reflection if the SVD proposes one. ``source`` and ``target`` are (N, 2);
    returns the 2x3 matrix M with ``target ~= source @ M[:, :2].T + M[:, 2]``.
    """
    source = np.asarray(source, dtype=np.float64)
    target = np.asarray(target, dtype=np.float64)
    if source.shape != target.shape or source.ndim != 2 or source.shape[0] < 2:
        raise ValueError("umeyama needs two (N, 2) point sets of the same shape, N >= 2")
    source_mean, target_mean = source.mean(axis=0), target.mean(axis=0)
    source_centred, target_centred = source - source_mean, target - target_mean
    covariance = target_centred.T @ source_centred / len(source)
    u, singular, vt = np.linalg.svd(covariance)
    signs = np.ones(source.shape[1])
    if np.linalg.det(u) * np.linalg.det(vt) < 0:  # the best orthogonal map would be a mirror
        signs[-1] = -1.0
    rotation = u @ np.diag(signs) @ vt
    source_variance = (source_centred**2).sum() / len(source)
    scale = (singular * signs).sum() / source_variance if source_variance > 0 else 1.0
    shift = target_mean - scale * rotation @ source_mean
    return np.hstack([scale * rotation, shift[:, None]])


def similarity(angle: float, scale: float, shift) -> np.ndarray:
    c, s = scale * np.cos(angle), scale * np.sin(angle)
    return np.array([[c, -s, shift[0]], [s, c, shift[1]]])


def trial(rng, noise_px: float, outliers: int):
    size = 128
    targets = CROPS["swap"].eye_targets(size)
    gap = targets[1, 0] - targets[0, 0]
    placed = MEAN_FACE_68 * gap + targets.mean(axis=0)  # the 68 points in the crop
    truth = similarity(rng.uniform(-0.4, 0.4), rng.uniform(0.3, 3.0), rng.uniform(-200, 200, 2))
    frame_points = apply_affine(cv2.invertAffineTransform(truth), placed)  # where a face with that pose has them
    frame_gap = gap / np.sqrt(abs(np.linalg.det(truth[:, :2])))
    measured = frame_points + rng.normal(0, noise_px * frame_gap / 60, frame_points.shape)  # noise ~ pixels at a 60 px eye gap
    wrong = rng.choice(68, outliers, replace=False)
    measured[wrong] += rng.uniform(-0.8, 0.8, (outliers, 2)) * frame_gap
    eyes = apply_affine(cv2.invertAffineTransform(truth), targets)
    errors, seconds = {}, {}
    for name, fit in (
        ("umeyama", lambda: umeyama(measured, placed)),
        ("opencv ransac", lambda: cv2.estimateAffinePartial2D(measured, placed, method=cv2.RANSAC)[0]),
        ("opencv lmeds", lambda: cv2.estimateAffinePartial2D(measured, placed, method=cv2.LMEDS)[0]),
    ):
        started = time.perf_counter()
        matrix = fit()
        seconds[name] = time.perf_counter() - started
        errors[name] = float(np.abs(apply_affine(matrix, eyes) - targets).max() / gap * 100)
    return errors, seconds


def main() -> None:
    rng = np.random.default_rng(0)
    for noise, outliers in ((1.0, 0), (3.0, 0), (1.0, 3), (1.0, 8)):
        runs = [trial(rng, noise, outliers) for _ in range(300)]
        print(f"noise {noise:.0f} px, {outliers} outliers of 68:")
        for name in runs[0][0]:
            error = np.array([r[0][name] for r in runs])
            spent = np.median([r[1][name] for r in runs]) * 1e6
            print(f"  {name:<14} eye error median {np.median(error):5.2f}%  95th {np.percentile(error, 95):5.2f}%  ({spent:.0f} us)")


if __name__ == "__main__":
    main()

"""The microscopic baseline: tell photos from synthetic images by their pixel-level noise.

A camera leaves a faint, characteristic noise in every pixel; a generator leaves a different one
(or none). This detector throws the picture away and keeps only that noise:

1. high-pass filter the grey image with a few fixed kernels (in the manner of the "SRM" rich
   models of steganalysis) and take the image minus its 3x3 median, giving K residual maps;
2. describe each residual by statistics that ignore what the face looks like: log-variance,
   kurtosis, a histogram of the residual rounded and clipped to [-T, T], and a co-occurrence
   histogram of horizontally neighbouring clipped values; add the share of the image's spectral
   energy in three high-frequency rings;
3. a standardised logistic regression on those numbers (scikit-learn ``Pipeline``).

The fitted model is saved as JSON (the scaler's means and scales, the coefficients): readable, and
no pickle is ever loaded.
"""

from __future__ import annotations

import json
import os
from pathlib import Path

import cv2
import numpy as np

from deepfake_edu.errors import LabError
from deepfake_edu.fileio import write_text_atomic

FORMAT = "deepfake-edu-noise-detector/1"

# Fixed high-pass kernels; each sums to zero, so flat and slowly varying areas give zero residual.
KERNELS: dict[str, np.ndarray] = {
    # first-order differences: the pixel minus its right / lower neighbour
    "diff_h": np.array([[0, 0, 0], [0, -1, 1], [0, 0, 0]], np.float32),
    "diff_v": np.array([[0, 0, 0], [0, -1, 0], [0, 1, 0]], np.float32),
    # second-order: the pixel against the mean of its two horizontal / vertical neighbours
    "second_h": np.array([[0, 0, 0], [1, -2, 1], [0, 0, 0]], np.float32) / 2,
    "second_v": np.array([[0, 1, 0], [0, -2, 0], [0, 1, 0]], np.float32) / 2,
    # the SRM "KB" 3x3 kernel: the pixel against a prediction from its 8 neighbours
    "square3": np.array([[-1, 2, -1], [2, -4, 2], [-1, 2, -1]], np.float32) / 4,
    # the SRM "KV" 5x5 kernel: a wider, more selective predictor
    "square5": np.array(
        [[-1, 2, -2, 2, -1], [2, -6, 8, -6, 2], [-2, 8, -12, 8, -2], [2, -6, 8, -6, 2], [-1, 2, -2, 2, -1]],
        np.float32,
    )
    / 12,
}
RESIDUAL_NAMES = (*KERNELS, "median3")
CLIP = 2  # residuals are rounded and clipped to [-CLIP, CLIP] for the histograms
SPECTRAL_RINGS = ((0.5, 0.7), (0.7, 0.85), (0.85, 1.0))  # radii as fractions of the Nyquist frequency


def _as_batch(images: np.ndarray) -> np.ndarray:
    images = np.asarray(images)
    if images.ndim == 3:
        images = images[None]
    if images.ndim != 4 or images.shape[-1] != 3 or images.dtype != np.uint8:
        raise LabError(f"expected uint8 RGB images (N, H, W, 3), got {images.dtype} {images.shape}")
    return images


def grey(image: np.ndarray) -> np.ndarray:
    """uint8 RGB (H, W, 3) -> float32 grey (H, W) in 0..255 (not rounded, so the noise survives)."""
    return image.astype(np.float32) @ np.array([0.299, 0.587, 0.114], np.float32)


def residuals(image: np.ndarray) -> np.ndarray:
    """The noise residuals of one uint8 RGB image: float32 (K, H, W), K = len(RESIDUAL_NAMES), grey levels."""
    g = grey(image)
    maps = [cv2.filter2D(g, -1, kernel, borderType=cv2.BORDER_REFLECT) for kernel in KERNELS.values()]
    maps.append(g - cv2.medianBlur(np.ascontiguousarray(g), 3))
    return np.stack(maps)


def _residual_statistics(residual: np.ndarray) -> list[float]:
    r = residual[2:-2, 2:-2].astype(np.float64)  # drop the border where the filters saw reflections
    var = r.var()
    kurtosis = ((r - r.mean()) ** 4).mean() / (var**2 + 1e-12)
    clipped = np.clip(np.rint(r), -CLIP, CLIP).astype(np.int64) + CLIP  # 0 .. 2*CLIP
    levels = 2 * CLIP + 1
    histogram = np.bincount(clipped.ravel(), minlength=levels) / clipped.size
    pairs = clipped[:, :-1] * levels + clipped[:, 1:]
    cooccurrence = np.bincount(pairs.ravel(), minlength=levels * levels) / pairs.size
    return [np.log(var + 1e-6), np.log(kurtosis + 1e-6), *histogram, *cooccurrence]


def _spectral_statistics(image: np.ndarray) -> list[float]:
    g = grey(image).astype(np.float64)
    g -= g.mean()
    power = np.abs(np.fft.fftshift(np.fft.fft2(g))) ** 2
    h, w = g.shape
    fy = (np.arange(h) - h // 2) / (h / 2)
    fx = (np.arange(w) - w // 2) / (w / 2)
    radius = np.sqrt(fy[:, None] ** 2 + fx[None, :] ** 2)  # 1.0 = Nyquist along an axis
    total = power.sum() + 1e-12
    return [np.log(power[(radius >= lo) & (radius < hi)].sum() / total + 1e-12) for lo, hi in SPECTRAL_RINGS]


def feature_names() -> list[str]:
    names = []
    levels = range(-CLIP, CLIP + 1)
    for residual in RESIDUAL_NAMES:
        names += [f"{residual}/log_var", f"{residual}/log_kurtosis"]
        names += [f"{residual}/hist[{v}]" for v in levels]
        names += [f"{residual}/cooc[{a},{b}]" for a in levels for b in levels]
    names += [f"spectrum/ring[{lo:.2f},{hi:.2f})" for lo, hi in SPECTRAL_RINGS]
    return names


def noise_features(images: np.ndarray) -> np.ndarray:
    """uint8 RGB (N, H, W, 3) -> float64 (N, F) noise statistics, F = len(feature_names())."""
    rows = []
    for image in _as_batch(images):
        row = []
        for residual in residuals(image):
            row += _residual_statistics(residual)
        row += _spectral_statistics(image)
        rows.append(row)
    return np.asarray(rows, np.float64)


class NoiseResidualDetector:
    """Noise statistics + standardised logistic regression. Labels: 1 = fake, 0 = real."""

    trainable = True  # the compression study refits it (on clean or on matched data)

    def __init__(self, regularisation: float = 1.0, max_iter: int = 2000):
        self.regularisation = regularisation  # inverse strength C of the logistic regression's L2 penalty
        self.max_iter = max_iter  # iterations of the LBFGS solver
        self.pipeline = None

    def _new_pipeline(self):
        from sklearn.linear_model import LogisticRegression
        from sklearn.pipeline import Pipeline
        from sklearn.preprocessing import StandardScaler

        return Pipeline([("scale", StandardScaler()), ("classify", LogisticRegression(C=self.regularisation, max_iter=self.max_iter))])

    def features(self, images: np.ndarray) -> np.ndarray:
        """uint8 RGB (N, H, W, 3) -> (N, F) features; see :func:`feature_names`."""
        return noise_features(images)

    def fit(self, images: np.ndarray, labels) -> "NoiseResidualDetector":
        labels = np.asarray(labels).astype(int).ravel()
        if set(np.unique(labels)) != {0, 1}:
            raise LabError("the noise detector needs both real (0) and fake (1) examples to learn from")
        self.pipeline = self._new_pipeline().fit(self.features(images), labels)
        return self

    def predict_proba(self, images: np.ndarray) -> np.ndarray:
        """uint8 RGB (N, H, W, 3) -> float64 (N,) P(fake)."""
        if self.pipeline is None:
            raise LabError("the noise detector has not been trained: call fit(images, labels) or load a saved one")
        return self.pipeline.predict_proba(self.features(images))[:, 1]

    def to_json(self) -> dict:
        if self.pipeline is None:
            raise LabError("nothing to save: the noise detector has not been trained")
        scaler, classifier = self.pipeline.named_steps["scale"], self.pipeline.named_steps["classify"]
        return {
            "format": FORMAT,
            "features": feature_names(),
            "regularisation": self.regularisation,
            "max_iter": self.max_iter,
            "scaler_mean": scaler.mean_.tolist(),
            "scaler_scale": scaler.scale_.tolist(),
            "coefficients": classifier.coef_[0].tolist(),
            "intercept": float(classifier.intercept_[0]),
        }

    def save(self, path: str | os.PathLike) -> Path:
        write_text_atomic(path, json.dumps(self.to_json(), indent=1))
        return Path(path)

    @classmethod
    def from_json(cls, data: dict) -> "NoiseResidualDetector":
        if data.get("format") != FORMAT:
            raise LabError(f"not a saved noise detector (format {data.get('format')!r})")
        if data["features"] != feature_names():
            raise LabError("this noise detector was saved by a different version of the features: train it again")
        detector = cls(regularisation=data["regularisation"], max_iter=data["max_iter"])
        pipeline = detector._new_pipeline()
        scaler, classifier = pipeline.named_steps["scale"], pipeline.named_steps["classify"]
        count = len(data["coefficients"])
        scaler.mean_ = np.asarray(data["scaler_mean"], np.float64)
        scaler.scale_ = np.asarray(data["scaler_scale"], np.float64)
        scaler.var_ = scaler.scale_**2
        scaler.n_features_in_ = count
        scaler.n_samples_seen_ = 0
        classifier.coef_ = np.asarray([data["coefficients"]], np.float64)
        classifier.intercept_ = np.asarray([data["intercept"]], np.float64)
        classifier.classes_ = np.array([0, 1])
        classifier.n_features_in_ = count
        detector.pipeline = pipeline
        return detector

    @classmethod
    def load(cls, path: str | os.PathLike) -> "NoiseResidualDetector":
        path = Path(path)
        if not path.is_file():
            raise LabError(f"no saved noise detector at {path}: train one and save it first")
        try:
            data = json.loads(path.read_text())
        except (json.JSONDecodeError, UnicodeDecodeError):
            raise LabError(f"{path} is not a JSON file: pass the .json a noise detector was saved to") from None
        return cls.from_json(data)

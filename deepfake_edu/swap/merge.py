"""Merge-time detail restoration: what a pasted face lacks that the frame around it has.

A face-swap model draws a 64 px face; the conversion stretches it over ~110 px of the frame
(``faces.align.paste_back``). Two things are then missing, and an eye (or a noise detector)
spots both:

- grain. The frame's camera noise is random, so no autoencoder reproduces it, and whatever is
  finer than the model can draw (the skin's finest texture) is missing as well. On one frame the
  two cannot be told apart: both are the frame's high-pass residual. ``estimate_grain`` measures
  that residual in the face region of the ORIGINAL frame, in two bands (the finest, and one
  octave lower): its level per channel (a clipped, outlier-proof standard deviation, so the
  edges of eyes and glasses do not count) and how the channels move together. White noise
  shows alike in both bands; noise that a resize or a codec has smoothed shows mostly in the
  lower one, so the grain is described as a white part plus a smoothed part (its spectrum).
  ``grain_top_up`` works out what the pasted face lacks in each band, and ``make_grain`` draws
  it from a seeded generator (``frame_seed``: a frame swapped twice comes out the same, and each
  frame of a video gets its own grain).
- sharpness. ``sharpen`` is an unsharp mask of the pasted face. Its amount is chosen so that the
  face's detail (variance of the Laplacian) approaches the original's, less what the grain will
  bring, at most ``sharpen`` (the option), and the result is clamped to the local range of the
  unsharpened face plus ``OVERSHOOT`` grey levels: an edge never rings beyond that.

``restore_detail`` does both for one pasted face (sharpening first, then the grain, whose top-up
sees the sharpened face); ``convert.FaceSwapper`` calls it after ``paste_back``. ``grain=0`` and
``sharpen=0`` give the plain paste the lab made before, for a lesson to show the difference.

Pictures are uint8 RGB (H, W, 3) at the edges, float32 grey levels (0..255) inside.
"""

from __future__ import annotations

import zlib
from dataclasses import dataclass
from functools import lru_cache

import cv2
import numpy as np

# A second-order high-pass in both directions (it removes flat, sloped and bilinear content),
# scaled to unit L2 norm so that white noise of standard deviation s gives a residual of s.
_FINE = np.array([[1, -2, 1], [-2, 4, -2], [1, -2, 1]], np.float32) / 6
# The same filter on a 2-pixel grid: it sees one octave lower. White noise answers both alike;
# noise smoothed by a resize answers the fine one less, which is how its spectrum is read.
_COARSE = np.zeros((5, 5), np.float32)
_COARSE[::2, ::2] = _FINE
_LAPLACIAN = np.array([[0, 1, 0], [1, -4, 1], [0, 1, 0]], np.float32)  # cv2.Laplacian's (ksize 1)
LUMA = np.array([0.299, 0.587, 0.114], np.float32)  # grey = RGB @ LUMA, as the forensics module reads it

OVERSHOOT = 4.0  # grey levels a sharpened pixel may pass the range of its unsharpened neighbourhood
SHARPEN_RADIUS = 0.7  # unsharp-mask Gaussian sigma, in crop pixels (times the paste's scale in frame pixels)
MIN_REGION = 64  # pixels: a smaller face is pasted as it is
_CLIP_SIGMAS = 3.0  # robust_std keeps values within this many standard deviations
_CLIP_CORRECTION = 0.98658  # std of a standard normal cut at +-3 sigma
_ROBUST_SAMPLES = 4096  # robust_std looks at about this many values at most


@dataclass(frozen=True)
class Grain:
    """The fine detail of a region, as noise: what ``make_grain`` draws. Two parts, so that
    white camera noise and noise that a resize (or the skin's texture) has smoothed are both
    described: the residual's level in the fine band and one octave lower fixes them.

    covariance: (3, 3) covariance across R, G, B of the white part's pixel values, grey levels
        squared (white noise of std s added to every channel independently: s^2 on the
        diagonal, 0 elsewhere).
    smooth: (3, 3) the same for the smoothed part: white noise shaped by a Gaussian of sigma
        ``blur`` pixels (what a 2x enlargement makes of camera noise), then scaled.
    """

    covariance: np.ndarray
    smooth: np.ndarray
    blur: float = 0.7

    @property
    def std(self) -> np.ndarray:
        """(3,) standard deviation per channel of both parts together, grey levels."""
        return np.sqrt(np.clip(np.diag(self.covariance + self.smooth), 0, None))

    @property
    def white_share(self) -> float:
        """The white part's share of the variance (1: white noise; ~0 after an enlargement)."""
        total = float(np.trace(self.covariance + self.smooth))
        return float(np.trace(self.covariance)) / total if total > 1e-12 else 1.0

    def scaled(self, factor: float) -> Grain:
        """The same grain with its standard deviation times ``factor``."""
        return Grain(self.covariance * float(factor) ** 2, self.smooth * float(factor) ** 2, self.blur)


SMOOTH_BLUR = 0.7  # px: the smoothed part's Gaussian; 2x-enlarged camera noise reads about so
NO_GRAIN = Grain(np.zeros((3, 3)), np.zeros((3, 3)), SMOOTH_BLUR)


# --- statistics ---------------------------------------------------------------------------------


def robust_std(values: np.ndarray) -> float:
    """Standard deviation of the bulk of ``values``, blind to a minority of outliers.

    Starts from the median absolute deviation, then clips at 3 sigma and re-measures until it
    settles (corrected for the clipping, so Gaussian values give their true std). Unlike the MAD
    alone it is not stuck on the steps of integer-valued data. Of many values it reads an even
    sample of about 4096-8192.
    """
    x = np.asarray(values, np.float64).ravel()
    if x.size > 2 * _ROBUST_SAMPLES:  # a big face: every k-th value is plenty (1-2% on the std)
        x = x[:: x.size // _ROBUST_SAMPLES]
    if x.size < 16:
        return float(x.std()) if x.size else 0.0
    centre = float(np.median(x))
    spread = 1.4826 * float(np.median(np.abs(x - centre)))
    if spread <= 1e-9:
        spread = float(x.std())
    for _ in range(10):
        if spread <= 1e-9:
            return 0.0
        kept = x[np.abs(x - centre) <= _CLIP_SIGMAS * spread]
        centre, new = float(kept.mean()), float(kept.std()) / _CLIP_CORRECTION
        if abs(new - spread) <= 1e-4 * spread:
            return new
        spread = new
    return spread


def _gaussian_kernel(sigma: float) -> np.ndarray:
    radius = max(1, int(np.ceil(3 * sigma)))
    x = np.arange(-radius, radius + 1, dtype=np.float64)
    kernel = np.exp(-0.5 * (x / sigma) ** 2)
    return (kernel / kernel.sum()).astype(np.float32)


def _shape_noise(white: np.ndarray, blur: float) -> np.ndarray:
    """White noise (H, W) smoothed into the spectrum of ``blur`` (no change below 0.35 px, where
    the fine / coarse ratio cannot tell it from white)."""
    if blur < 0.35:
        return white
    kernel = _gaussian_kernel(blur)
    return cv2.sepFilter2D(white, -1, kernel, kernel, borderType=cv2.BORDER_REFLECT)


@lru_cache(maxsize=256)
def _gains(blur: float) -> tuple[float, float, float, float]:
    """For unit white noise shaped by ``blur``: the L2 gains of (pixels, fine, coarse, Laplacian)."""
    delta = np.zeros((41, 41), np.float32)
    delta[20, 20] = 1
    shaped = _shape_noise(delta, blur)  # the shaping filter's impulse response

    def gain(kernel: np.ndarray | None) -> float:
        response = shaped if kernel is None else cv2.filter2D(shaped, -1, kernel, borderType=cv2.BORDER_CONSTANT)
        return float(np.sqrt((response.astype(np.float64) ** 2).sum()))

    return gain(None), gain(_FINE), gain(_COARSE), gain(_LAPLACIAN)


def _residuals(image: np.ndarray, kernel: np.ndarray) -> np.ndarray:
    return cv2.filter2D(np.ascontiguousarray(image, np.float32), -1, kernel, borderType=cv2.BORDER_REFLECT)


def _robust_covariance(samples: np.ndarray) -> np.ndarray:
    """(3, 3) covariance of (N, 3) samples: robust stds, and the channels' correlations measured
    on the samples clipped to 3 of those stds round their medians (so edges weigh little)."""
    stds = np.array([robust_std(samples[:, c]) for c in range(3)])
    if (stds <= 1e-9).any() or len(samples) < 16:
        return np.diag(stds**2)
    centres = np.median(samples, axis=0)
    clipped = np.clip(samples, centres - _CLIP_SIGMAS * stds, centres + _CLIP_SIGMAS * stds)
    correlation = np.corrcoef(clipped.T)
    return _nearest_psd(correlation * np.outer(stds, stds))


def _nearest_psd(matrix: np.ndarray) -> np.ndarray:
    values, vectors = np.linalg.eigh((matrix + matrix.T) / 2)
    return (vectors * np.clip(values, 0, None)) @ vectors.T


def _as_float(image: np.ndarray) -> np.ndarray:
    image = np.asarray(image)
    if image.ndim != 3 or image.shape[2] != 3:
        raise ValueError(f"expected an RGB picture (H, W, 3), got {image.shape}")
    return image.astype(np.float32)


def _bands(image: np.ndarray, region: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Robust (3, 3) covariances of the fine and the coarse residual of ``image`` in ``region``."""
    fine = np.stack([_residuals(image[..., c], _FINE)[region] for c in range(3)], axis=1)
    coarse = np.stack([_residuals(image[..., c], _COARSE)[region] for c in range(3)], axis=1)
    return _robust_covariance(fine), _robust_covariance(coarse)


def _split(fine: np.ndarray, coarse: np.ndarray, blur: float) -> tuple[np.ndarray, np.ndarray]:
    """(white, smooth) pixel covariances whose fine and coarse residuals are ``fine`` and ``coarse``.

    White noise answers both filters alike (gain 1); the smoothed part answers the fine filter
    with gain f and the coarse one with c > f: fine = W + f^2 S, coarse = W + c^2 S. A residual
    finer than white noise (a sharpened picture) is read as white.
    """
    pixel, fine_gain, coarse_gain, _ = _gains(blur)
    f2, c2 = (fine_gain / pixel) ** 2, (coarse_gain / pixel) ** 2
    smooth = _nearest_psd((coarse - fine) / (c2 - f2))
    white = _nearest_psd(fine - f2 * smooth)
    return white, smooth


def estimate_grain(image: np.ndarray, region: np.ndarray | None = None, spectrum: bool = True) -> Grain:
    """The grain of ``image`` (uint8 or float RGB (H, W, 3)) where ``region`` (bool (H, W)) is true.

    Read from the fine and the coarse high-pass residuals (robust: edges and specks are
    ignored): white noise shows alike in both, smoothed noise more in the coarse one.
    ``spectrum=False``: all of the fine residual is taken as white grain. Fine texture (skin
    pores) is measured along with camera noise: on one frame they cannot be told apart, and a
    pasted 64 px face lacks both.
    """
    image = _as_float(image)
    region = np.ones(image.shape[:2], bool) if region is None else np.asarray(region, bool)
    if region.sum() < 16:
        return NO_GRAIN
    fine, coarse = _bands(image, region)
    if not spectrum:
        return Grain(fine, np.zeros((3, 3)), SMOOTH_BLUR)
    return Grain(*_split(fine, coarse, SMOOTH_BLUR), SMOOTH_BLUR)


def _band_levels(grain: Grain) -> tuple[np.ndarray, np.ndarray]:
    """The fine and coarse residual covariances ``grain`` produces."""
    pixel, fine_gain, coarse_gain, _ = _gains(grain.blur)
    return grain.covariance + (fine_gain / pixel) ** 2 * grain.smooth, grain.covariance + (coarse_gain / pixel) ** 2 * grain.smooth


def make_grain(shape: tuple[int, int], grain: Grain, rng: np.random.Generator) -> np.ndarray:
    """float32 (H, W, 3) zero-mean synthetic grain with ``grain``'s covariances and spectrum."""
    height, width = shape
    out = np.zeros((height, width, 3), np.float32)
    pixel = _gains(grain.blur)[0]
    for covariance, blur in ((grain.covariance, 0.0), (grain.smooth, grain.blur)):
        if np.trace(covariance) <= 1e-12:
            continue
        unit = np.stack([_shape_noise(rng.standard_normal((height, width), dtype=np.float32), blur) / np.float32(pixel if blur else 1.0)
                         for _ in range(3)], axis=-1)  # unit std per pixel and channel
        values, vectors = np.linalg.eigh(_nearest_psd(covariance))
        mixing = (vectors * np.sqrt(np.clip(values, 0, None))) @ vectors.T  # symmetric square root
        out += unit @ mixing.T.astype(np.float32)
    return out


def grain_top_up(target: Grain, current: np.ndarray, region: np.ndarray) -> Grain:
    """The grain to add to ``current`` (RGB picture) so its residual in ``region`` reaches ``target``'s.

    Band by band: what ``current`` already has in the fine and in the coarse residual is taken
    off what ``target`` has there (never below zero), and the shortfall split into white and
    smoothed grain as in ``estimate_grain`` (all white when ``target`` is white).
    """
    current = _as_float(current)
    region = np.asarray(region, bool)
    if region.sum() < 16:
        return target
    want_fine, want_coarse = _band_levels(target)
    have_fine, have_coarse = _bands(current, region)
    short_fine, short_coarse = _nearest_psd(want_fine - have_fine), _nearest_psd(want_coarse - have_coarse)
    if np.trace(target.smooth) <= 1e-12:
        return Grain(short_fine, np.zeros((3, 3)), target.blur)
    return Grain(*_split(short_fine, short_coarse, target.blur), target.blur)


def grain_laplacian_variance(grain: Grain) -> float:
    """What ``grain`` adds to the variance of the Laplacian of the grey picture."""
    pixel, _, _, laplacian = _gains(grain.blur)
    return float(LUMA @ grain.covariance @ LUMA) * 20.0 + float(LUMA @ grain.smooth @ LUMA) * (laplacian / pixel) ** 2


def laplacian_variance(image: np.ndarray, region: np.ndarray | None = None) -> float:
    """Variance of the Laplacian of the grey picture (RGB @ LUMA, 0..255) over ``region``
    (bool (H, W); default: all but the 1-pixel border): the detail figure of ``swap.metrics``."""
    grey = _as_float(image) @ LUMA
    laplacian = cv2.Laplacian(grey.astype(np.float64), cv2.CV_64F, ksize=1, borderType=cv2.BORDER_REFLECT)
    values = laplacian[1:-1, 1:-1] if region is None else laplacian[np.asarray(region, bool)]
    return float(values.var()) if values.size else 0.0


# --- sharpening -----------------------------------------------------------------------------------


def unsharp(image: np.ndarray, amount: float, radius: float, overshoot: float = OVERSHOOT) -> np.ndarray:
    """float32 RGB: ``image`` + ``amount`` x (image - its Gaussian blur of sigma ``radius``), every
    pixel clamped to [min - overshoot, max + overshoot] of the unsharpened picture in a window
    of +-ceil(radius) pixels round it, so that a step never rings more than ``overshoot``."""
    image = _as_float(image)
    if amount <= 0:
        return image
    blurred = cv2.GaussianBlur(image, (0, 0), radius, borderType=cv2.BORDER_REFLECT)
    sharp = image + np.float32(amount) * (image - blurred)
    window = np.ones((2 * int(np.ceil(radius)) + 1,) * 2, np.uint8)
    low = cv2.erode(image, window, borderType=cv2.BORDER_REFLECT) - np.float32(overshoot)
    high = cv2.dilate(image, window, borderType=cv2.BORDER_REFLECT) + np.float32(overshoot)
    return np.clip(sharp, low, high)


def matching_amount(image: np.ndarray, region: np.ndarray, radius: float, target: float, limit: float) -> float:
    """The unsharp amount in [0, limit] that brings the variance of the Laplacian of ``image``
    over ``region`` to ``target`` (before the clamp, which can only lower it); 0 when already there."""
    grey = _as_float(image) @ LUMA
    detail = grey - cv2.GaussianBlur(grey, (0, 0), radius, borderType=cv2.BORDER_REFLECT)
    plain = cv2.Laplacian(grey.astype(np.float64), cv2.CV_64F, ksize=1, borderType=cv2.BORDER_REFLECT)[region]
    boost = cv2.Laplacian(detail.astype(np.float64), cv2.CV_64F, ksize=1, borderType=cv2.BORDER_REFLECT)[region]
    # var(plain + a boost) = A + 2 a B + a^2 C, solved for a
    a, b, c = plain.var(), np.mean((plain - plain.mean()) * (boost - boost.mean())), boost.var()
    if target <= a or c <= 1e-12:
        return 0.0
    root = (-b + np.sqrt(max(b * b + c * (target - a), 0.0))) / c
    return float(np.clip(root, 0.0, limit))


# --- one pasted face -----------------------------------------------------------------------------------


@dataclass
class Restoration:
    """What ``restore_detail`` did to one face (for the bench and the lessons)."""

    amount: float  # unsharp amount used (0: not sharpened)
    frame_grain: np.ndarray  # (3,) std per channel of the original's grain, grey levels
    added_grain: np.ndarray  # (3,) std per channel of the grain added, grey levels
    white_share: float  # of the original's grain variance, the white part's (the rest is smoothed)


def frame_seed(frame: np.ndarray, seed: int = 0, face: int = 0) -> list[int]:
    """A generator seed for one face of one frame: the same frame gives the same grain, and
    every other frame (every frame of a video) its own."""
    return [int(seed), zlib.crc32(np.ascontiguousarray(frame).data), int(face)]


def restore_detail(pasted: np.ndarray, original: np.ndarray, alpha: np.ndarray, scale: float,
                   grain: float = 1.0, sharpen: float = 2.0, rng: np.random.Generator | None = None,
                   spectrum: bool = True) -> tuple[np.ndarray, Restoration]:
    """Give a pasted face the frame's sharpness and grain. Returns (uint8 RGB, Restoration).

    pasted: the frame with the face pasted (``paste_back``); original: the frame before;
    alpha: float (H, W) in [0, 1], how much of each pixel is the pasted face (the mask warped into
    the frame, ``faces.align.frame_alpha``); scale: frame pixels per crop pixel of the paste.
    grain: the share of the original's grain to restore (0: none, 1: matched); sharpen: the
    largest unsharp amount (0: none); spectrum: False for white grain whatever the frame's.
    """
    alpha = np.clip(np.asarray(alpha, np.float32), 0, 1)
    nothing = Restoration(0.0, np.zeros(3), np.zeros(3), 1.0)
    if (grain <= 0 and sharpen <= 0) or (alpha > 0.5).sum() < MIN_REGION:
        return pasted, nothing
    radius = max(0.5, SHARPEN_RADIUS * float(scale))
    ys, xs = np.nonzero(alpha > 0.01)
    margin = 8 + 3 * int(np.ceil(radius))
    height, width = alpha.shape
    box = (slice(max(0, ys.min() - margin), min(height, ys.max() + margin + 1)),
           slice(max(0, xs.min() - margin), min(width, xs.max() + margin + 1)))
    weight = alpha[box]
    face = _as_float(pasted[box])
    before = _as_float(original[box])
    region, inside = weight > 0.5, weight > 0.95
    target = estimate_grain(before, region, spectrum)
    amount = 0.0
    if sharpen > 0:
        # the detail the original has beyond its grain (which the grain step brings back)
        wanted = laplacian_variance(before, region) - (grain_laplacian_variance(target.scaled(grain)) if grain > 0 else 0.0)
        amount = matching_amount(face, inside, radius, wanted, sharpen)
        if amount > 0:
            face = face + weight[..., None] * (unsharp(face, amount, radius) - face)
    added = NO_GRAIN
    if grain > 0:
        added = grain_top_up(target.scaled(grain), face, inside)
        rng = rng if rng is not None else np.random.default_rng(0)
        # Where the blend is partial the frame's own grain survives, times (1 - alpha): top it up
        # to the full level there too, sqrt(1 - (1 - alpha)^2) of the added grain.
        fade = np.sqrt(np.clip(weight * (2 - weight), 0, 1))[..., None]
        face = face + make_grain(weight.shape, added, rng) * fade
    out = pasted.copy()
    out[box] = np.clip(np.rint(face), 0, 255).astype(np.uint8)
    return out, Restoration(amount, target.std, added.std, target.white_share)

"""Toy pictures for the forensics lessons and tests: real and fake differ only in the fine noise.

Every picture is a smooth random scene (soft colour gradients and blobs). "Photos" add a camera's
sensor noise (independent Gaussian per pixel). "Fakes" are made by one of several methods, each
leaving its own fine trace and nothing else, so a detector that succeeds can only have looked at
pixel-level noise:

- ``checker``: the sensor noise plus a faint pattern alternating at every pixel, like the
  checkerboard that up-sampling layers of generators leave;
- ``smooth``: no sensor noise at all, like a rendered or heavily blended face;
- ``grain``: sensor noise twice as strong, like a generator that over-textures.

These are toys, not faces: they exist to show, with nothing else in the way, that such traces
live in the finest pixels and that JPEG and video compression wipe them out.
"""

from __future__ import annotations

import cv2
import numpy as np

FAKE_METHODS = ("checker", "smooth", "grain")
SENSOR_NOISE = 2.0  # standard deviation of a "photo"'s sensor noise, grey levels
CHECKER_AMPLITUDE = 2.0  # grey levels of the checkerboard trace


def smooth_scene(rng: np.random.Generator, size: int) -> np.ndarray:
    """A smooth random picture: float32 (size, size, 3) in 0..255, no fine detail."""
    coarse = rng.uniform(40, 215, size=(4, 4, 3)).astype(np.float32)
    scene = cv2.resize(coarse, (size, size), interpolation=cv2.INTER_CUBIC)
    yy, xx = np.mgrid[0:size, 0:size].astype(np.float32)
    for _ in range(3):
        cx, cy = rng.uniform(0, size, 2)
        radius = rng.uniform(size / 8, size / 3)
        colour = rng.uniform(-60, 60, 3).astype(np.float32)
        scene += np.exp(-((xx - cx) ** 2 + (yy - cy) ** 2) / (2 * radius**2))[..., None] * colour
    return np.clip(scene, 8, 247)


def make_real(count: int, size: int = 64, seed: int = 0) -> np.ndarray:
    """``count`` toy photos: uint8 RGB (count, size, size, 3)."""
    rng = np.random.default_rng([seed, 0])
    return np.stack([_quantise(smooth_scene(rng, size) + rng.normal(0, SENSOR_NOISE, (size, size, 1))) for _ in range(count)])


def make_fake(count: int, method: str = "checker", size: int = 64, seed: int = 0) -> np.ndarray:
    """``count`` toy fakes made by ``method`` (one of FAKE_METHODS): uint8 RGB (count, size, size, 3)."""
    if method not in FAKE_METHODS:
        raise ValueError(f"unknown toy fake method {method!r}; choose one of {FAKE_METHODS}")
    rng = np.random.default_rng([seed, 1 + FAKE_METHODS.index(method)])
    yy, xx = np.mgrid[0:size, 0:size]
    checker = np.where((xx + yy) % 2 == 0, CHECKER_AMPLITUDE, -CHECKER_AMPLITUDE)[..., None].astype(np.float32)
    images = []
    for _ in range(count):
        scene = smooth_scene(rng, size)
        if method == "checker":
            scene = scene + checker + rng.normal(0, SENSOR_NOISE, (size, size, 1))
        elif method == "grain":
            scene = scene + rng.normal(0, 2 * SENSOR_NOISE, (size, size, 1))
        images.append(_quantise(scene))
    return np.stack(images)


def make_real_fake(count_each: int, method: str = "checker", size: int = 64, seed: int = 0) -> tuple[np.ndarray, np.ndarray]:
    """A balanced toy set: (images uint8 (2*count_each, size, size, 3), labels int64, 1 = fake)."""
    images = np.concatenate([make_real(count_each, size, seed), make_fake(count_each, method, size, seed)])
    labels = np.concatenate([np.zeros(count_each, np.int64), np.ones(count_each, np.int64)])
    return images, labels


def _quantise(image: np.ndarray) -> np.ndarray:
    return np.clip(np.rint(image), 0, 255).astype(np.uint8)

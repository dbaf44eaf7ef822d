"""Short clips of a twin talking and blinking: ``video_factors`` gives smooth per-frame
``Factors`` (syllable-rate mouth, blinks every 2-4 s, slow pose drift) and ``render_video``
renders them. Render another twin with the same factors for the true swapped clip; write a clip
with ``deepfake_edu.data.video.write_video``.
"""

from __future__ import annotations

import math

import numpy as np

from deepfake_edu.data.twins_people import Factors, Identity, image_seed
from deepfake_edu.data.twins_render import check_size, render_face
from deepfake_edu.errors import LabError


def _smooth_wander(rng: np.random.Generator, t: np.ndarray, amplitude: float, slowest_s: float, fastest_s: float, parts: int = 3) -> np.ndarray:
    """A smooth random curve (sum of a few slow sinusoids), about +-amplitude."""
    curve = np.zeros_like(t)
    for _ in range(parts):
        period = rng.uniform(fastest_s, slowest_s)
        curve += rng.normal(0, 1) * np.sin(2 * math.pi * t / period + rng.uniform(0, 2 * math.pi))
    return amplitude * curve / math.sqrt(parts)


def video_factors(n_frames: int, seed: int = 0, fps: float = 25.0) -> list[Factors]:
    """Per-frame factors of a talking, blinking head with slow pose drift (smooth in time).

    Blinks come every 2-4 s and last about 0.25 s; the mouth opens and closes at syllable rate
    (about 4 per second) in bursts of speech; pose, gaze and brows drift slowly. Light and
    background stay put; the camera noise pattern changes each frame; no JPEG (a video codec
    compresses the clip).
    """
    if n_frames < 1:
        raise LabError(f"the number of frames must be 1 or more, not {n_frames}")
    if fps <= 0:
        raise LabError(f"fps must be positive, not {fps}")
    # Separate streams, each drawn in a fixed amount, so that a longer clip starts like a shorter one.
    rng = np.random.default_rng([int(seed), 0x71DE0])
    scene = np.random.default_rng([int(seed), 0x5CE7E])
    light_azimuth, light_elevation, light_strength = scene.uniform(-60, 60), scene.uniform(0, 50), scene.uniform(0.5, 1.1)
    background, noise = int(scene.integers(0, 2**31)), float(scene.uniform(0.004, 0.015))
    t = np.arange(n_frames) / fps
    yaw = rng.uniform(-12, 12) + _smooth_wander(rng, t, 10, 9, 4)
    pitch = rng.uniform(-4, 4) + _smooth_wander(rng, t, 4, 8, 3)
    roll = rng.uniform(-3, 3) + _smooth_wander(rng, t, 3, 10, 4)
    gaze_x = np.clip(_smooth_wander(rng, t, 0.35, 5, 1.5), -1, 1)
    gaze_y = np.clip(_smooth_wander(rng, t, 0.2, 5, 1.5), -1, 1)
    brow = np.clip(_smooth_wander(rng, t, 0.4, 4, 1.2), -1, 1)
    smile = np.clip(0.3 + _smooth_wander(rng, t, 0.25, 6, 2), 0, 1)
    # speech: syllables at ~4 Hz inside bursts that come and go
    syllable_rate = rng.uniform(3.2, 4.6)
    phase = 2 * math.pi * syllable_rate * t + 0.8 * np.sin(2 * math.pi * t / rng.uniform(1.5, 3.0))
    burst = np.clip(0.5 + 0.9 * np.sin(2 * math.pi * t / rng.uniform(2.5, 4.5) + rng.uniform(0, 2 * math.pi)), 0, 1)
    mouth = np.clip(burst * (0.5 - 0.5 * np.cos(phase)) * rng.uniform(0.6, 0.9), 0, 1)
    # blinks: a smooth bump (raised cosine) of ~0.25 s every 2-4 s, the first within 1.2 s
    blink = np.zeros_like(t)
    blink_times = np.random.default_rng([int(seed), 0xB1A4])
    start = blink_times.uniform(0.2, 1.2)
    duration = 0.25
    while start < t[-1] + duration:
        inside = (t >= start) & (t <= start + duration)
        blink[inside] = np.maximum(blink[inside], 0.5 - 0.5 * np.cos(2 * math.pi * (t[inside] - start) / duration))
        start += blink_times.uniform(2.0, 4.0)
    frames = []
    for i in range(n_frames):
        frames.append(Factors(
            yaw=float(yaw[i]), pitch=float(pitch[i]), roll=float(roll[i]), mouth_open=float(mouth[i]), smile=float(smile[i]),
            blink=float(blink[i]), gaze_x=float(gaze_x[i]), gaze_y=float(gaze_y[i]), brow_raise=float(brow[i]),
            light_azimuth=float(light_azimuth), light_elevation=float(light_elevation), light_strength=float(light_strength),
            background_seed=background, noise=noise, noise_seed=image_seed(seed, 0x71DE0, i), jpeg_quality=0,
        ))
    return frames


def render_video(identity: Identity, n_frames: int, size: int = 128, seed: int = 0, fps: float = 25.0) -> tuple[np.ndarray, list[Factors]]:
    """A short clip of ``identity`` talking and blinking: uint8 frames (T, size, size, 3) and the
    per-frame Factors (render another identity with them for the true swapped clip)."""
    size = check_size(size)
    factors = video_factors(n_frames, seed, fps)
    frames = np.stack([render_face(identity, f, size).image for f in factors])
    return frames, factors

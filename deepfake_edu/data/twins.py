"""The synthetic twins: faces of invented people, the lab's default dataset.

No real person is needed to learn. Each twin is an ``Identity`` (face shape, skin, hair, eyes,
brows, nose, mouth, glasses, beard) made deterministically from (seed, index); each image of a
twin is that identity under its own ``Factors`` (pose, expression, gaze, light, background,
camera noise, JPEG). Because the factors are known, the true answer of a face swap can be
rendered: identity B under the factors of an image of A (``true_swap``).

    from deepfake_edu.data.twins import make_identities, sample_factors, render_face, true_swap
    alice, bob = make_identities(2, seed=0)
    factors = sample_factors(seed=123)
    a = render_face(alice, factors, size=128)          # a.image (128, 128, 3) uint8, a.landmarks
    truth = true_swap(bob, factors, size=128)          # what a perfect swap of a would look like

``generate_twins_dataset`` writes a dataset in the lab format (deepfake_edu.data.dataset);
``render_video`` and ``write_video`` make short talking, blinking clips.
"""

from __future__ import annotations

import math
import os
from dataclasses import asdict, dataclass, fields, replace
from typing import Iterator, Sequence

import numpy as np

from deepfake_edu.cli_types import max_workers
from deepfake_edu.data.twins_render import (
    EYE_LEFT,
    EYE_RIGHT,
    LANDMARK_INDEX,
    LANDMARK_NAMES,
    OUTLINE_POINTS,
    SIZES,
    FaceRender,
    check_size,
    head_rotation,
    landmarks_from_dict,
    landmarks_to_dict,
    render_face,
)
from deepfake_edu.data.video import write_video  # uint8 RGB (T, H, W, 3) -> .mp4 / .avi, atomically
from deepfake_edu.errors import LabError

__all__ = [
    "EYE_LEFT", "EYE_RIGHT", "SIZES", "LANDMARK_NAMES", "LANDMARK_INDEX", "OUTLINE_POINTS",
    "GENERATOR_NAME", "GENERATOR_VERSION", "HAIR_STYLES", "BEARD_STYLES",
    "Identity", "Factors", "FaceRender", "make_identity", "make_identities", "identity_name",
    "sample_factors", "image_seed", "render_face", "true_swap", "face_mask",
    "render_video", "video_factors", "write_video", "contact_sheet", "with_factors", "generate_twins_dataset", "twins_items",
    "landmarks_to_dict", "landmarks_from_dict", "head_rotation", "check_size",
]

GENERATOR_NAME = "deepfake_edu.data.twins"
GENERATOR_VERSION = 1  # bump when the same (seed, index, factors) would render differently
MAX_TWINS_FACES = 200_000  # one dataset's faces at most: hours of rendering and GBs of PNGs already

HAIR_STYLES = ("short", "long", "bald", "fringe", "bob", "buzz")
BEARD_STYLES = ("none", "stubble", "moustache", "goatee", "full")

Colour = tuple[float, float, float]  # RGB in [0, 1]


@dataclass(frozen=True)
class Identity:
    """One invented person. Lengths are head units (half the head's width is about 1)."""

    name: str  # "twin-00", "twin-01", ...
    seed: int  # the dataset seed it was made from
    index: int  # its index within that seed
    texture_seed: int  # seeds the skin pores, blotches and hair strands
    # face shape
    head_width: float  # half width of the cranium, 0.92 .. 1.08
    head_height: float  # half height of the cranium, 1.08 .. 1.22
    jaw_width: float  # half width of the jaw, 0.62 .. 0.86 (narrow = pointed chin)
    chin_length: float  # half height of the jaw, 0.80 .. 0.95 (long = long face)
    skin_rgb: Colour  # skin albedo
    blush: float  # reddish cheeks, 0 .. 1
    # eyes
    eye_spacing: float  # half the distance between the eye centres, 0.38 .. 0.45
    eye_width: float  # half width of the eye opening, 0.16 .. 0.20
    eye_height: float  # height of the open eye above its centre line, 0.060 .. 0.085
    eye_tilt: float  # degrees, outer corners up (+) or down (-), -6 .. 8
    iris_rgb: Colour  # iris colour
    iris_size: float  # iris radius, 0.068 .. 0.080
    sclera_rgb: Colour  # white of the eye
    lashes: float  # eyelash heaviness, 0 .. 1
    # brows
    brow_rgb: Colour  # eyebrow colour
    brow_height: float  # offset of the brows above the default height, -0.04 .. 0.05
    brow_length: float  # half length of a brow, 0.17 .. 0.23
    brow_arch: float  # height of the arch, 0 .. 0.05
    brow_thickness: float  # half thickness, 0.018 .. 0.04
    # nose
    nose_width: float  # half width of the nose ridge ellipsoid, 0.09 .. 0.14
    nose_length: float  # half length of the nose ellipsoid, 0.26 .. 0.36
    nose_depth: float  # how far the tip stands out of the face, 0.14 .. 0.26
    # mouth
    mouth_width: float  # half width of the mouth, 0.24 .. 0.34
    mouth_y: float  # height of the lip line, -0.80 .. -0.72
    upper_lip: float  # upper lip thickness, 0.028 .. 0.05
    lower_lip: float  # lower lip thickness, 0.038 .. 0.065
    lip_rgb: Colour  # lip colour
    # hair
    hair_style: str  # one of HAIR_STYLES
    hair_rgb: Colour  # hair (and beard) colour
    hairline: float  # height of the front hairline on the unit head, 0.35 .. 0.62
    hair_volume: float  # thickness of the hair over the scalp, 0.03 .. 0.16
    hair_part: float  # x of the parting on the unit head (0 = none), -0.4 .. 0.4
    temple_recess: float  # how far the hairline recedes at the temples, 0 .. 0.5
    # extras
    beard: str  # one of BEARD_STYLES
    glasses: bool  # wears glasses
    glasses_rgb: Colour  # frame colour
    glasses_squareness: float  # superellipse exponent of the lenses: 2 round .. 5 square
    glasses_thickness: float  # frame thickness, 0 .. 1

    def describe(self) -> str:
        """A one-line description a student can check against the picture."""
        extras = [s for s in ((f"{self.beard} beard" if self.beard != "none" else ""), ("glasses" if self.glasses else "")) if s]
        return f"{self.name}: {self.hair_style} {_colour_word(self.hair_rgb, _HAIR_COLOURS)} hair, {_colour_word(self.iris_rgb, _IRIS_COLOURS)} eyes" + (", " + ", ".join(extras) if extras else "")


@dataclass(frozen=True)
class Factors:
    """What changes from one image of a twin to the next. Defaults: a frontal, neutral face."""

    yaw: float = 0.0  # degrees; + turns the face toward the image's right
    pitch: float = 0.0  # degrees; + lifts the face (looks up)
    roll: float = 0.0  # degrees; + turns the face clockwise in the image (about the eye midpoint)
    mouth_open: float = 0.0  # 0 closed .. 1 wide open (the lips part; the jaw stays)
    smile: float = 0.0  # 0 neutral .. 1 broad smile (mouth corners up and out)
    blink: float = 0.0  # 0 eyes open .. 1 closed
    gaze_x: float = 0.0  # -1 .. 1, irises toward the image's left .. right
    gaze_y: float = 0.0  # -1 .. 1, irises down .. up
    brow_raise: float = 0.0  # -1 lowered (frown) .. 1 raised
    light_azimuth: float = 0.0  # degrees; where the key light comes from: 0 the camera, +90 the image's right
    light_elevation: float = 30.0  # degrees; + from above
    light_strength: float = 0.8  # key light intensity, 0 .. 1.5 (ambient light is fixed)
    background_seed: int = 0  # picks the background: two colours, a gradient, blurry shapes
    noise: float = 0.0  # camera noise standard deviation, fraction of full scale, 0 .. 0.05
    noise_seed: int = 0  # picks the noise pattern
    jpeg_quality: int = 0  # JPEG quality 1 .. 100 the image goes through; 0 = no JPEG


# --------------------------------------------------------------------------------------------
# identities

_SKIN_TONES = np.array([  # light .. deep, sampled between neighbours
    (0.96, 0.82, 0.72), (0.92, 0.74, 0.62), (0.86, 0.66, 0.52), (0.78, 0.57, 0.42),
    (0.66, 0.46, 0.32), (0.55, 0.37, 0.25), (0.44, 0.29, 0.20), (0.34, 0.22, 0.15),
])
_HAIR_COLOURS = {
    "black": (0.05, 0.045, 0.045), "dark brown": (0.17, 0.10, 0.06), "brown": (0.36, 0.22, 0.12),
    "auburn": (0.48, 0.17, 0.07), "ginger": (0.78, 0.40, 0.15), "blond": (0.86, 0.70, 0.42),
    "grey": (0.68, 0.67, 0.66), "blue-dyed": (0.12, 0.25, 0.62), "pink-dyed": (0.85, 0.38, 0.58),
}
_IRIS_COLOURS = {
    "dark brown": (0.22, 0.12, 0.06), "brown": (0.42, 0.24, 0.10), "hazel": (0.50, 0.42, 0.18),
    "green": (0.25, 0.52, 0.28), "blue": (0.25, 0.45, 0.78), "grey": (0.52, 0.58, 0.62),
    "amber": (0.72, 0.48, 0.12),
}
_GLASSES_COLOURS = ((0.05, 0.05, 0.05), (0.45, 0.25, 0.10), (0.70, 0.65, 0.55), (0.60, 0.10, 0.12), (0.15, 0.20, 0.45))
_LIP_TINTS = ((0.78, 0.36, 0.36), (0.70, 0.30, 0.34), (0.62, 0.30, 0.28), (0.80, 0.45, 0.42))

# Identity parameters are a low-discrepancy sequence (R-sequence): each new index lands far from
# the earlier ones in every attribute at once, so the first few twins already differ a lot,
# and twin i is the same whether the set holds 4 twins or 400.
_DIMENSIONS = 48


def _r_sequence_alphas(dimensions: int) -> np.ndarray:
    phi = 2.0
    for _ in range(60):  # the root of x^(d+1) = x + 1
        phi = (1 + phi) ** (1 / (dimensions + 1))
    return np.array([(1 / phi) ** (j + 1) % 1 for j in range(dimensions)])


_ALPHAS = _r_sequence_alphas(_DIMENSIONS)


def identity_name(index: int) -> str:
    return f"twin-{index:02d}"


def make_identity(index: int, seed: int = 0) -> Identity:
    """Twin number ``index`` of the set made from ``seed`` (deterministic)."""
    if index < 0:
        raise LabError(f"identity index must be 0 or more, not {index}")
    rng = np.random.default_rng([int(seed), 0x1D])
    offsets = rng.random(_DIMENSIONS)
    order = rng.permutation(_DIMENSIONS)  # which attribute gets which sequence dimension
    point = (offsets + (index + 1) * _ALPHAS[order]) % 1.0
    jitter = np.random.default_rng([int(seed), int(index), 0x11])
    dims = iter(point)

    def take(low: float, high: float) -> float:
        return float(low + (high - low) * next(dims))

    def choose(options: Sequence):
        return options[min(int(next(dims) * len(options)), len(options) - 1)]

    tone = next(dims) * (len(_SKIN_TONES) - 1)
    low_tone = int(tone)
    skin = _SKIN_TONES[low_tone] + (tone - low_tone) * (_SKIN_TONES[min(low_tone + 1, len(_SKIN_TONES) - 1)] - _SKIN_TONES[low_tone])
    skin = np.clip(skin * (1 + jitter.normal(0, 0.025, 3)), 0, 1)
    hair_word = choose(list(_HAIR_COLOURS))
    hair = np.asarray(_HAIR_COLOURS[hair_word]) * (1 + jitter.normal(0, 0.06, 3))
    style = choose(HAIR_STYLES)
    beard = choose(BEARD_STYLES[:1] * 3 + BEARD_STYLES[1:])  # most twins are clean-shaven
    glasses = next(dims) < 0.3
    iris = np.asarray(_IRIS_COLOURS[choose(list(_IRIS_COLOURS))]) * (1 + jitter.normal(0, 0.05, 3))
    lip = np.asarray(choose(_LIP_TINTS)) * (0.55 + 0.45 * skin.mean()) + 0.25 * skin
    brow = hair * 0.8 if hair_word not in ("blond", "grey", "pink-dyed", "blue-dyed") else np.asarray(_HAIR_COLOURS["brown"]) * 0.9 * (0.6 + 0.6 * hair)
    return Identity(
        name=identity_name(index), seed=int(seed), index=int(index),
        texture_seed=int(np.random.SeedSequence([int(seed), int(index)]).generate_state(1)[0]),
        head_width=take(0.92, 1.08), head_height=take(1.08, 1.22), jaw_width=take(0.62, 0.86), chin_length=take(0.80, 0.95),
        skin_rgb=_colour(skin), blush=take(0.0, 1.0),
        eye_spacing=take(0.38, 0.45), eye_width=take(0.16, 0.20), eye_height=take(0.060, 0.085), eye_tilt=take(-6, 8),
        iris_rgb=_colour(iris), iris_size=take(0.068, 0.08), sclera_rgb=_colour((0.93, 0.91, 0.88) * (1 + jitter.normal(0, 0.015, 3))),
        lashes=take(0, 1),
        brow_rgb=_colour(brow), brow_height=take(-0.04, 0.05), brow_length=take(0.17, 0.23), brow_arch=take(0.0, 0.05), brow_thickness=take(0.018, 0.04),
        nose_width=take(0.09, 0.14), nose_length=take(0.26, 0.36), nose_depth=take(0.14, 0.26),
        mouth_width=take(0.24, 0.34), mouth_y=take(-0.80, -0.72), upper_lip=take(0.028, 0.05), lower_lip=take(0.038, 0.065), lip_rgb=_colour(lip),
        hair_style=style, hair_rgb=_colour(hair), hairline=take(0.35, 0.62), hair_volume=take(0.03, 0.16) if style != "buzz" else 0.02,
        hair_part=take(-0.4, 0.4) if next(dims) < 0.6 else 0.0, temple_recess=take(0.0, 0.5),
        beard=beard, glasses=bool(glasses), glasses_rgb=choose(_GLASSES_COLOURS), glasses_squareness=take(2.0, 5.0), glasses_thickness=take(0.0, 1.0),
    )


def make_identities(count: int, seed: int = 0) -> list[Identity]:
    """Twins 0 .. count-1 of ``seed``."""
    if count < 1:
        raise LabError(f"the number of identities must be 1 or more, not {count}")
    return [make_identity(index, seed) for index in range(count)]


def _colour(values) -> Colour:
    r, g, b = (round(float(v), 4) for v in np.clip(np.asarray(values, dtype=np.float64), 0, 1))
    return (r, g, b)


def _colour_word(rgb: Colour, palette: dict) -> str:
    return min(palette, key=lambda word: sum((a - b) ** 2 for a, b in zip(rgb, palette[word])))


# --------------------------------------------------------------------------------------------
# factors


def image_seed(seed: int, identity_index: int, image_index: int) -> int:
    """The seed of one image of a dataset: a pure function of its position."""
    return int(np.random.SeedSequence([int(seed), int(identity_index), int(image_index), 0xFAC7]).generate_state(1)[0])


def sample_factors(seed: int) -> Factors:
    """Random factors for one image, spread like a varied photo set (deterministic from ``seed``)."""
    rng = np.random.default_rng([int(seed), 0xF4])
    open_mouth = rng.random() < 0.5
    blink_draw = rng.random()
    return Factors(
        yaw=float(np.clip(rng.normal(0, 16), -40, 40)),
        pitch=float(np.clip(rng.normal(0, 8), -22, 22)),
        roll=float(np.clip(rng.normal(0, 6), -18, 18)),
        mouth_open=float(rng.uniform(0.05, 1.0)) if open_mouth else 0.0,
        smile=float(rng.uniform(0, 1) ** 1.5),
        blink=1.0 if blink_draw < 0.1 else float(rng.uniform(0.2, 0.8)) if blink_draw < 0.2 else 0.0,
        gaze_x=float(rng.uniform(-0.7, 0.7)),
        gaze_y=float(rng.uniform(-0.5, 0.5)),
        brow_raise=float(np.clip(rng.normal(0, 0.45), -1, 1)),
        light_azimuth=float(rng.uniform(-80, 80)),
        light_elevation=float(rng.uniform(-10, 60)),
        light_strength=float(rng.uniform(0.4, 1.2)),
        background_seed=int(rng.integers(0, 2**31)),
        noise=float(rng.uniform(0.0, 0.025)),
        noise_seed=int(rng.integers(0, 2**31)),
        jpeg_quality=int(rng.integers(50, 96)) if rng.random() < 0.7 else 0,
    )


# --------------------------------------------------------------------------------------------
# renders: the true swap, masks, regions


def true_swap(identity_b: Identity, factors_a: Factors, size: int = 128, with_mask: bool = False) -> FaceRender:
    """The exact answer of a face swap: ``identity_b`` with everything else of an image of A
    (pose, expression, gaze, light, background, noise, JPEG). Measure a swap against it
    (SSIM/PSNR). Same as ``render_face(identity_b, factors_a, size)``; bit-for-bit reproducible."""
    return render_face(identity_b, factors_a, size, with_mask=with_mask)


def face_mask(identity: Identity, factors: Factors, size: int = 128) -> np.ndarray:
    """float32 (size, size) in [0, 1]: the skin of the face (see FaceRender.mask)."""
    return render_face(identity, factors, size, with_mask=True).mask


# --------------------------------------------------------------------------------------------
# video


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


# --------------------------------------------------------------------------------------------
# datasets


def _render_item(job: tuple) -> tuple[np.ndarray, dict]:
    identity, image_index, seed, size = job
    factor_seed = image_seed(seed, identity.index, image_index)
    factors = sample_factors(factor_seed)
    face = render_face(identity, factors, size)
    record = {
        "identity": identity.name,
        "identity_index": identity.index,
        "image_index": image_index,
        "seed": factor_seed,
        "factors": asdict(factors),
        "landmarks": face.landmarks_dict(),
    }
    return face.image, record


def _single_threaded() -> None:
    """Worker start: one OpenCV thread per process, or the workers fight over the cores."""
    import cv2

    cv2.setNumThreads(1)


def render_pool(workers: int):
    """A pool of ``workers`` rendering processes (a context manager), for ``twins_items(pool=...)``.

    "spawn", not "fork": a process that already runs threads (torch, a web server, Jupyter's
    kernel) can deadlock its forked children on a lock held at the moment of the fork. Starting
    the pool costs about half a second (each process imports numpy and OpenCV)."""
    import multiprocessing

    return multiprocessing.get_context("spawn").Pool(workers, initializer=_single_threaded)


def twins_items(identities: Sequence[Identity], per_identity: int, size: int, seed: int, workers: int = 1, pool=None) -> Iterator[tuple[np.ndarray, dict]]:
    """(image, record) pairs, identity by identity, in a fixed order whatever ``workers`` is.

    pool: a running ``render_pool`` to use (then ``workers`` is ignored); otherwise one is started
    and closed here when workers > 1."""
    jobs = [(identity, image_index, seed, size) for identity in identities for image_index in range(per_identity)]
    if pool is not None:
        yield from pool.imap(_render_item, jobs, chunksize=16)  # imap keeps the input order
        return
    if workers <= 1:
        for job in jobs:
            yield _render_item(job)
        return
    with render_pool(workers) as pool:
        yield from pool.imap(_render_item, jobs, chunksize=16)


def generate_twins_dataset(
    out: str | os.PathLike,
    identities: int = 8,
    per_identity: int = 500,
    size: int = 128,
    seed: int = 0,
    workers: int = 1,
    progress: bool = False,
):
    """Render ``identities`` x ``per_identity`` twins and write them as a lab dataset at ``out``.

    Returns the written ``Dataset``. The result depends only on (identities, per_identity, size,
    seed), not on ``workers``. Records carry "identity" ("twin-00"), "identity_index",
    "image_index", "seed" (of the factors), "factors" (asdict) and "landmarks" ({name: [x, y]}).
    """
    from deepfake_edu.data.dataset import write_dataset

    size = check_size(size)
    if identities < 1:
        raise LabError(f"--identities must be 1 or more, not {identities}")
    if identities > 1000:
        raise LabError(f"--identities must be 1000 or fewer, not {identities}")
    if per_identity < 1:
        raise LabError(f"--per-identity must be 1 or more, not {per_identity}")
    if identities * per_identity > MAX_TWINS_FACES:
        raise LabError(f"--identities x --per-identity must be at most {MAX_TWINS_FACES} faces, not {identities * per_identity}: make fewer")
    if workers < 1 or workers > max_workers():
        raise LabError(f"--workers must be 1-{max_workers()} (this computer's CPUs, at least 4), not {workers}")
    from deepfake_edu.fileio import check_folder_output

    out = check_folder_output(out, marker="dataset.json")  # before rendering: a one-line error, not lost work
    people = make_identities(identities, seed)
    info = {
        "name": out.name,
        "kind": "twins",
        "size": size,
        "generator": {
            "name": GENERATOR_NAME,
            "version": GENERATOR_VERSION,
            "seed": int(seed),
            "identities": identities,
            "per_identity": per_identity,
            "landmark_names": list(LANDMARK_NAMES),
            "eye_left": list(EYE_LEFT),
            "eye_right": list(EYE_RIGHT),
            "people": [asdict(p) for p in people],
        },
        "license": "CC0-1.0: generated images of invented people; no real person is depicted",
        "consent": "not needed: no real person",
    }
    items = twins_items(people, per_identity, size, seed, workers)
    if progress:
        from tqdm import tqdm

        items = tqdm(items, total=identities * per_identity, desc="twins", unit="face")
    return write_dataset(out, info, items)


def contact_sheet(identities: Sequence[Identity], per_identity: int = 6, size: int = 128, seed: int = 0) -> np.ndarray:
    """uint8 RGB (rows * size, per_identity * size, 3): a row of images per twin (the first one
    frontal and neutral), to look at a set of twins."""
    size = check_size(size)
    rows = []
    for identity in identities:
        faces = [render_face(identity, Factors(background_seed=identity.index), size).image]
        faces += [_render_item((identity, image_index, seed, size))[0] for image_index in range(per_identity - 1)]
        rows.append(np.concatenate(faces, axis=1))
    return np.concatenate(rows, axis=0)


def factor_names() -> list[str]:
    return [f.name for f in fields(Factors)]


def with_factors(factors: Factors, **changes) -> Factors:
    """A copy of ``factors`` with some fields changed (dataclasses.replace, checked names)."""
    unknown = set(changes) - set(factor_names())
    if unknown:
        raise LabError(f"unknown factor(s) {', '.join(sorted(unknown))}: choose from {', '.join(factor_names())}")
    return replace(factors, **changes)

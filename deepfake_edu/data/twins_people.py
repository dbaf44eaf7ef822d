"""Who the twins are and what changes between their pictures: each twin is an ``Identity``
(face shape, skin, hair, eyes, brows, nose, mouth, glasses, beard) made deterministically from
(seed, index), and each image of a twin is that identity under its own ``Factors`` (pose,
expression, gaze, light, background, camera noise, JPEG), drawn from the image's seed.

Plain data and their seeded draws, nothing rendered: ``twins_render`` paints them, and
``deepfake_edu.data.twins`` is the one import for all of it.
"""

from __future__ import annotations

from dataclasses import dataclass, fields, replace
from typing import Sequence

import numpy as np

from deepfake_edu.errors import LabError

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


def factor_names() -> list[str]:
    return [f.name for f in fields(Factors)]


def with_factors(factors: Factors, **changes) -> Factors:
    """A copy of ``factors`` with some fields changed (dataclasses.replace, checked names)."""
    unknown = set(changes) - set(factor_names())
    if unknown:
        raise LabError(f"unknown factor(s) {', '.join(sorted(unknown))}: choose from {', '.join(factor_names())}")
    return replace(factors, **changes)

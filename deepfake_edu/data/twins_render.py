"""The synthetic twins' renderer: a stylised 3D head, ray-cast and shaded, as an aligned face crop.

The head is a smooth union of ellipsoids (cranium, jaw, nose, nose wings, ears) in *head
units*: y up, z out of the face, x toward the image's right at zero pose, the eyes at
y = 0. Every pixel is an orthographic ray: the frontmost ellipsoid it hits gives the 3D point,
the blended surface normal gives the shading (soft Lambert + specular, one key light plus
ambient), and the point's head-space (x, y) is the "face UV" in which the eyes, brows, lips,
beard and glasses are painted, so they turn with the head. Hair is a thicker shell around the
cranium, kept only above the identity's hairline; long styles add a hair mass behind the neck.

Everything is vectorised numpy float32 (cv2.remap for texture lookups), and features are
computed only inside their bounding boxes, so a 128 px face takes a few milliseconds.

The crop is aligned like a real aligned face crop: the midpoint between the eyes always sits at
the midpoint of ``EYE_LEFT`` and ``EYE_RIGHT``; at zero yaw, pitch and roll the eyes sit exactly
on them (the scale is fixed per identity so that this holds), and at zero roll they stay level
whatever the yaw and pitch. Roll turns the face about the eye midpoint.

Pixel coordinates follow OpenCV: the centre of the pixel in row r, column c is (x=c, y=r).
"""

from __future__ import annotations

import copy
import functools
import math
from dataclasses import dataclass
from typing import TYPE_CHECKING

import cv2
import numpy as np

from deepfake_edu.errors import LabError

if TYPE_CHECKING:  # the dataclasses live in twins.py; the renderer only reads their fields
    from deepfake_edu.data.twins import Factors, Identity

SIZES = (64, 128, 256)  # crop sizes the renderer makes, pixels
EYE_LEFT = (0.35, 0.40)  # centre of the eye on the image's left (the person's right eye), (x, y) fractions of the crop
EYE_RIGHT = (0.65, 0.40)  # centre of the eye on the image's right, (x, y) fractions of the crop

# Landmarks returned with every render, in this order (pixel coordinates, see the module doc).
# "left"/"right" are the image's left and right. The outline runs from the image-left temple
# down round the chin to the image-right temple (OUTLINE_POINTS points; the middle one is the chin).
OUTLINE_POINTS = 17
LANDMARK_NAMES = (
    "eye_left", "eye_right",          # eye centres (fixed points of the face: gaze and blink do not move them)
    "brow_left", "brow_right",        # eyebrow centres (move with brow_raise)
    "nose_tip",                       # the frontmost point of the nose
    "mouth_left", "mouth_right",      # mouth corners (move with smile)
    "mouth_center",                   # centre of the mouth opening
    "upper_lip", "lower_lip",         # top of the upper lip, bottom of the lower lip, on the midline
    "chin",                           # bottom of the chin
) + tuple(f"outline_{i:02d}" for i in range(OUTLINE_POINTS))
LANDMARK_INDEX = {name: i for i, name in enumerate(LANDMARK_NAMES)}

# Fixed geometry of the head model, head units (the identity varies the rest).
_EYE_Y = 0.0
_BROW_Y = 0.25
_NOSE_Y = -0.42  # height of the nose tip
_AMBIENT = 0.38  # light that reaches everything, on top of the key light
_F32 = np.float32


@dataclass
class FaceRender:
    """One rendered face crop and what is known about it.

    image: uint8 RGB (size, size, 3).
    landmarks: float32 (len(LANDMARK_NAMES), 2), (x, y) pixel coordinates in LANDMARK_NAMES order.
    mask: float32 (size, size) in [0, 1], 1 on the skin of the face (front of the head, not
        covered by hair; eyes, brows, lips, beard and glasses included), soft at the edges;
        None unless asked for.
    alpha: float32 (size, size) in [0, 1], coverage of the whole person (head, hair, neck) over the
        background; None unless asked for.
    """

    image: np.ndarray
    landmarks: np.ndarray
    mask: np.ndarray | None = None
    alpha: np.ndarray | None = None

    def landmark(self, name: str) -> np.ndarray:
        """(x, y) pixel coordinates of one named landmark."""
        return self.landmarks[LANDMARK_INDEX[name]]

    def landmarks_dict(self) -> dict[str, list[float]]:
        """{name: [x, y]} rounded to 1/100 pixel, as stored in a dataset manifest."""
        return landmarks_to_dict(self.landmarks)


def landmarks_to_dict(landmarks: np.ndarray) -> dict[str, list[float]]:
    return {name: [round(float(x), 2), round(float(y), 2)] for name, (x, y) in zip(LANDMARK_NAMES, landmarks)}


def landmarks_from_dict(points: dict[str, list[float]]) -> np.ndarray:
    """float32 (len(LANDMARK_NAMES), 2) from a manifest's {"name": [x, y]}."""
    return np.array([points[name] for name in LANDMARK_NAMES], dtype=_F32)


# --------------------------------------------------------------------------------------------
# small numeric helpers


def _clip(x: np.ndarray, low: float, high: float) -> np.ndarray:
    """np.clip without its Python-level overhead (a render makes hundreds of these calls)."""
    y = np.maximum(x, _F32(low))
    if isinstance(y, np.ndarray):
        return np.minimum(y, _F32(high), out=y)
    return np.minimum(y, _F32(high))


def _smoothstep(edge0: float, edge1: float, x: np.ndarray) -> np.ndarray:
    """0 below edge0, 1 above edge1 (or the reverse when edge1 < edge0), smooth in between."""
    t = x - _F32(edge0)
    t *= _F32(1.0 / (edge1 - edge0))
    np.maximum(t, _F32(0), out=t)
    np.minimum(t, _F32(1), out=t)
    square = t * t
    t *= _F32(2)
    np.subtract(_F32(3), t, out=t)
    square *= t  # t^2 (3 - 2 t), without the temporaries of the plain expression
    return square


def _rot_x(deg: float) -> np.ndarray:
    c, s = math.cos(math.radians(deg)), math.sin(math.radians(deg))
    return np.array([[1, 0, 0], [0, c, -s], [0, s, c]])


def _rot_y(deg: float) -> np.ndarray:
    c, s = math.cos(math.radians(deg)), math.sin(math.radians(deg))
    return np.array([[c, 0, s], [0, 1, 0], [-s, 0, c]])


def _rot_z(deg: float) -> np.ndarray:
    c, s = math.cos(math.radians(deg)), math.sin(math.radians(deg))
    return np.array([[c, -s, 0], [s, c, 0], [0, 0, 1]])


def head_rotation(yaw: float, pitch: float, roll: float) -> np.ndarray:
    """Camera-from-head rotation (3, 3): pitch lifts the face, then yaw turns it toward the
    image's right about the vertical, then roll turns it clockwise in the image. In this order
    the eyes stay level whatever the yaw and pitch, as long as roll is zero."""
    return _rot_z(-roll) @ _rot_y(yaw) @ _rot_x(-pitch)


def _lerp3(out: np.ndarray, colour, alpha: np.ndarray) -> None:
    """out (3, h, w) <- out + (colour - out) * alpha, in place; colour (3,) or (3, h, w).

    Colour images are channel-first planes inside the renderer: numpy is several times faster
    on contiguous (h, w) planes than on (h, w, 3) with a broadcast last axis."""
    for k in range(3):
        plane = out[k]
        plane += (colour[k] - plane) * alpha


@dataclass
class _Hit:
    """One ellipsoid ray-cast over a block of pixels (camera x along columns, y along rows)."""

    front: np.ndarray  # (h, w) ray parameter (camera z) of the near hit; -1e9 where missed
    back: np.ndarray | None  # (h, w) camera z of the far hit, when asked for
    cover: np.ndarray  # (h, w) antialiased coverage of the silhouette, 0..1
    normal: tuple | None = None  # 3 x (h, w) unit normal at the near hit, camera coordinates


def _cast(xs: np.ndarray, ys: np.ndarray, rot: np.ndarray, center, axes, px_per_unit: float, normals: bool = True, unit: bool = True, want_back: bool = False) -> _Hit:
    """Cast orthographic rays (x, y, z) -> z toward the viewer at an ellipsoid.

    xs: (1, w) camera x of the columns; ys: (h, 1) camera y of the rows (head units); or both
    arrays of one shape for scattered points. rot: camera-from-local rotation (3, 3); center:
    camera coordinates (3,); axes: semi-axes (3,). unit=False leaves the normals unnormalised
    (for parts blended by _blend_union, which normalises); want_back also gives the far hit.
    """
    axes = np.asarray(axes, dtype=np.float64)
    m = rot.T / axes[:, None]  # normalised local coordinates u = m @ (p - center)
    mx, my, d = m[:, 0], m[:, 1], m[:, 2]
    u0 = -m @ np.asarray(center, dtype=np.float64)  # u = mx x + my y + d z + u0
    dd = float(d @ d)
    # The ray hits |u|^2 = 1 where dd z^2 + 2 b z + c = 0; b and c are polynomials in (x, y),
    # evaluated by broadcasting a row (1, w) against a column (h, 1): few full-size operations.
    b = _F32(d @ mx) * xs + (_F32(d @ my) * ys + _F32(d @ u0))
    c = (_F32(mx @ mx) * xs + _F32(2 * mx @ u0)) * xs + ((_F32(my @ my) * ys + _F32(2 * my @ u0)) * ys + _F32(u0 @ u0 - 1))
    if abs(mx @ my) > 1e-12:
        c += (_F32(2 * mx @ my) * ys) * xs
    disc = b * b
    disc -= _F32(dd) * c
    # disc/dd = 1 - (distance from the silhouette's centre)^2 in normalised units: about twice the
    # distance to the edge there, converted to pixels with the smaller projected semi-axis.
    r_px = float(min(axes[0], axes[1])) * px_per_unit
    cover = _clip(disc * _F32(0.5 * r_px / dd) + _F32(0.5), 0, 1)
    miss = (disc < 0) * _F32(1e9)  # misses get z = -1e9 and lose every depth test
    root = np.sqrt(np.maximum(disc, 0))
    front = root - b
    front *= _F32(1 / dd)
    front -= miss
    back = None
    if want_back:
        back = root + b
        back *= _F32(-1 / dd)
        back -= miss
    result = _Hit(front, back, cover)
    if normals:  # gradient of |u|^2 in camera coordinates: (rot / axes) @ u, affine in (x, y, z)
        g = rot / axes[None, :]
        z = np.maximum(front, _F32(-4))  # keep normals of missed rays finite: blending must not cancel huge values
        n = []
        for i in range(3):
            gi = g[i]
            component = _F32(gi @ mx) * xs + (_F32(gi @ my) * ys + _F32(gi @ u0))
            component += _F32(gi @ d) * z
            n.append(component)
        if not unit:
            result.normal = tuple(n)
            return result
        inv = n[0] * n[0]
        inv += n[1] * n[1]
        inv += n[2] * n[2]
        inv += _F32(1e-12)
        inv = _F32(1) / np.sqrt(inv)
        result.normal = tuple(v * inv for v in n)
    return result


def _unit_normals(normal: tuple) -> tuple:
    inv = _F32(1) / np.sqrt(normal[0] ** 2 + normal[1] ** 2 + normal[2] ** 2 + _F32(1e-12))
    return tuple(v * inv for v in normal)


def _blend_union(a: _Hit, b: _Hit, softness: float) -> _Hit:
    """Smooth union of two surfaces: the nearer one wins, normals blend where they meet."""
    t = _smoothstep(-softness, softness, b.front - a.front)
    normal = tuple(na + (nb - na) * t for na, nb in zip(a.normal, b.normal))
    return _Hit(np.maximum(a.front, b.front), None, np.maximum(a.cover, b.cover), _unit_normals(normal))


def _paste(full: _Hit, part: _Hit, rows: slice, cols: slice, softness: float) -> None:
    """Blend a hit computed on a block (rows, cols) of the frame into the full-frame hit, in place."""
    sub = _Hit(full.front[rows, cols], None, full.cover[rows, cols], tuple(v[rows, cols] for v in full.normal))
    merged = _blend_union(sub, part, softness)
    full.front[rows, cols] = merged.front
    full.cover[rows, cols] = merged.cover
    for v, m in zip(full.normal, merged.normal):
        v[rows, cols] = m


# --------------------------------------------------------------------------------------------
# textures: periodic noise tiles made once per identity


def _periodic_noise(seed: int, size: int, scale_u: float, scale_v: float) -> np.ndarray:
    """(size, size) float32 tileable noise, zero mean, unit std: white noise low-passed with a
    Gaussian of widths (scale_u, scale_v) texels along columns and rows (anisotropic = strands)."""
    rng = np.random.default_rng(seed)
    white = rng.standard_normal((size, size))
    fu = np.fft.fftfreq(size)[None, :]
    fv = np.fft.fftfreq(size)[:, None]
    gain = np.exp(-2 * (math.pi**2) * ((fu * scale_u) ** 2 + (fv * scale_v) ** 2))
    noise = np.real(np.fft.ifft2(np.fft.fft2(white) * gain))
    noise -= noise.mean()
    noise /= noise.std() + 1e-12
    return noise.astype(_F32)


@functools.lru_cache(maxsize=64)
def _textures(texture_seed: int) -> dict[str, np.ndarray]:
    """An identity's texture tiles: skin pores, skin blotches, hair strands (128 texels each)."""
    return {
        # skin: fine pores plus larger blotches, one 256-texel tile at 110 texels per head unit,
        # which covers the whole face without repeating
        "skin": _periodic_noise(texture_seed * 4 + 1, 256, 0.7, 0.7) * _F32(0.05) + _periodic_noise(texture_seed * 4 + 2, 256, 11.0, 11.0) * _F32(0.035),
        "pores": _periodic_noise(texture_seed * 4 + 1, 128, 0.7, 0.7),
        "strands": _periodic_noise(texture_seed * 4 + 3, 128, 0.6, 14.0),
    }


def _lookup(tile: np.ndarray, u: np.ndarray, v: np.ndarray) -> np.ndarray:
    """Sample a tile at texel coordinates (u along columns, v along rows), wrapping around."""
    return cv2.remap(tile, np.ascontiguousarray(u, dtype=_F32), np.ascontiguousarray(v, dtype=_F32), cv2.INTER_LINEAR, borderMode=cv2.BORDER_WRAP)


@functools.lru_cache(maxsize=1)
def _noise_bank() -> np.ndarray:
    """(512, 512, 3) float32 standard normal noise; camera noise is a window of it (fast, exact)."""
    return np.random.default_rng(0x7A115).standard_normal((512, 512, 3)).astype(_F32)


# --------------------------------------------------------------------------------------------
# the head model of one identity


@dataclass(frozen=True)
class _Head:
    """Head-space geometry derived from an Identity (all head units)."""

    cranium_center: tuple
    cranium_axes: tuple
    jaw_center: tuple
    jaw_axes: tuple
    nose_center: tuple
    nose_axes: tuple
    nose_rot: tuple  # head-from-nose rotation, 3x3 as nested tuples
    wing_center: tuple  # the image-right nose wing; the left one mirrors x
    wing_axes: tuple
    ear_center: tuple  # the image-right ear
    ear_axes: tuple
    neck_center: tuple
    neck_axes: tuple
    shell_center: tuple
    shell_axes: tuple
    mass_center: tuple | None  # hair mass behind the neck (long styles), or None
    mass_axes: tuple | None
    eye_x: float  # half the distance between the eye centres
    eye_z: float  # depth of the eye centres
    units_to_crop: float  # crop fraction per head unit


@functools.lru_cache(maxsize=256)
def _head(identity: "Identity") -> _Head:
    i = identity
    cranium_axes = (i.head_width, i.head_height, 1.08)
    cranium_center = (0.0, 0.18, -0.12)
    jaw_axes = (i.jaw_width, i.chin_length, 0.88)
    jaw_center = (0.0, -0.42, -0.06)
    # The nose: an ellipsoid leaning forward at the bottom, its tip nose_depth in front of the face.
    tilt = 24.0
    nose_rot = _rot_x(-tilt)  # local y (the long axis) leans back at the top
    nose_axes = (i.nose_width, i.nose_length, 0.17)
    face_z = _surface_z_parts(0.0, _NOSE_Y, [(cranium_center, cranium_axes, np.eye(3)), (jaw_center, jaw_axes, np.eye(3))])
    # centre so that the frontmost point of the nose sits at (0, _NOSE_Y, face_z + nose_depth)
    tip_offset = _frontmost_offset(nose_rot, nose_axes)
    nose_center = (0.0, _NOSE_Y - tip_offset[1], face_z + i.nose_depth - tip_offset[2])
    wing_axes = (0.05 + 0.25 * i.nose_width, 0.055, 0.06)
    wing_center = (0.6 * i.nose_width + 0.03, _NOSE_Y - 0.04, face_z + 0.02)
    ear_axes = (0.10, 0.27, 0.16)
    ear_center = (0.92 * i.head_width, -0.05, -0.22)
    eye_z = _surface_z_parts(i.eye_spacing, _EYE_Y, [(cranium_center, cranium_axes, np.eye(3)), (jaw_center, jaw_axes, np.eye(3))])
    vol = i.hair_volume
    shell_axes = (i.head_width + vol, i.head_height + 1.3 * vol, 1.08 + vol)
    shell_center = (0.0, 0.18 + 0.4 * vol, -0.12 - 0.3 * vol)
    if i.hair_style == "long":
        mass_center, mass_axes = (0.0, -0.55, -0.45), (i.head_width + vol + 0.06, 1.65, 0.72)
    elif i.hair_style == "bob":
        mass_center, mass_axes = (0.0, -0.05, -0.32), (i.head_width + vol + 0.08, 1.05, 0.85)
    else:
        mass_center, mass_axes = None, None
    return _Head(
        cranium_center=cranium_center, cranium_axes=cranium_axes, jaw_center=jaw_center, jaw_axes=jaw_axes,
        nose_center=nose_center, nose_axes=nose_axes, nose_rot=tuple(map(tuple, nose_rot)),
        wing_center=wing_center, wing_axes=wing_axes, ear_center=ear_center, ear_axes=ear_axes,
        neck_center=(0.0, -1.45, -0.28), neck_axes=(0.45 * i.jaw_width + 0.25, 1.3, 0.55),
        shell_center=shell_center, shell_axes=shell_axes, mass_center=mass_center, mass_axes=mass_axes,
        eye_x=i.eye_spacing, eye_z=eye_z,
        units_to_crop=(EYE_RIGHT[0] - EYE_LEFT[0]) / (2 * i.eye_spacing),
    )


def _frontmost_offset(rot: np.ndarray, axes) -> np.ndarray:
    """Offset from an ellipsoid's centre to its point of largest z (head space)."""
    a2 = np.diag(np.asarray(axes, dtype=np.float64) ** 2)
    m = rot @ a2 @ rot.T
    return m[:, 2] / math.sqrt(m[2, 2])


def _surface_z_parts(x, y, parts):
    """Largest z of the head surface at head-space (x, y) (floats or arrays of one shape): the
    union of (center, axes, rot) parts."""
    xs = np.atleast_1d(np.asarray(x, dtype=_F32))
    ys = np.broadcast_to(np.asarray(y, dtype=_F32), xs.shape)
    best = np.full(xs.shape, -1e9, dtype=_F32)
    for center, axes, rot in parts:
        hit = _cast(xs, ys, np.asarray(rot, dtype=np.float64), center, axes, 1.0, normals=False)
        best = np.maximum(best, hit.front)
    return float(best[0]) if np.ndim(x) == 0 and np.ndim(y) == 0 else best


def _surface_z_upright(x: np.ndarray, y: np.ndarray, parts) -> np.ndarray:
    """Like _surface_z_parts for unrotated (center, axes) ellipsoids, in closed form (float64):
    a few points cost microseconds instead of a ray cast each."""
    best = np.full(np.shape(x), -1e9)
    for (cx, cy, cz), (ax, ay, az) in parts:
        inside = 1 - ((x - cx) / ax) ** 2 - ((y - cy) / ay) ** 2
        best = np.where(inside >= 0, np.maximum(best, cz + az * np.sqrt(np.maximum(inside, 0))), best)
    return best


def _face_parts(head: _Head) -> list:
    eye = np.eye(3)
    nose_rot = np.array(head.nose_rot)
    wing_l = (-head.wing_center[0],) + tuple(head.wing_center[1:])
    return [(head.cranium_center, head.cranium_axes, eye), (head.jaw_center, head.jaw_axes, eye),
            (head.nose_center, head.nose_axes, nose_rot), (head.wing_center, head.wing_axes, eye), (wing_l, head.wing_axes, eye)]


# --------------------------------------------------------------------------------------------
# feature layout in face UV (head-space x, y) for one identity and one set of factors


def _mouth_shape(identity: "Identity", factors: "Factors") -> dict:
    half_width = identity.mouth_width * (1 + 0.16 * factors.smile)
    gap = 0.2 * float(_clip(factors.mouth_open, 0, 1))
    return {
        "y": identity.mouth_y,
        "half_width": half_width,
        "corner_lift": 0.07 * factors.smile,
        "gap": gap,  # height of the opening at the centre
        "upper": identity.upper_lip,  # lip thickness at the centre
        "lower": identity.lower_lip,
    }


def _brow_y(identity: "Identity", factors: "Factors") -> float:
    return _BROW_Y + identity.brow_height + 0.055 * float(_clip(factors.brow_raise, -1, 1))


def _landmarks_head(identity: "Identity", factors: "Factors", head: _Head) -> np.ndarray:
    """Landmarks as head-space points (K, 3) on the surface, in LANDMARK_NAMES order."""
    points = _static_landmarks(identity).copy()
    mouth = _mouth_shape(identity, factors)
    brow_y = _brow_y(identity, factors)
    corner_y = mouth["y"] + mouth["corner_lift"]
    moving = np.array([  # brows (2), mouth corners (2), mouth centre, upper lip, lower lip
        (-head.eye_x - 0.02, brow_y), (head.eye_x + 0.02, brow_y),
        (-mouth["half_width"], corner_y), (mouth["half_width"], corner_y),
        (0.0, mouth["y"] - 0.2 * mouth["gap"]),
        (0.0, mouth["y"] + 0.3 * mouth["gap"] + mouth["upper"]), (0.0, mouth["y"] - 0.7 * mouth["gap"] - mouth["lower"]),
    ])
    z = _surface_z_upright(moving[:, 0], moving[:, 1], [(head.cranium_center, head.cranium_axes), (head.jaw_center, head.jaw_axes)])
    rows = [LANDMARK_INDEX[n] for n in ("brow_left", "brow_right", "mouth_left", "mouth_right", "mouth_center", "upper_lip", "lower_lip")]
    points[rows] = np.column_stack([moving, z])
    return points


@functools.lru_cache(maxsize=256)
def _static_landmarks(identity: "Identity") -> np.ndarray:
    """(K, 3) head-space landmarks; the rows of the points that factors move are filled later."""
    head = _head(identity)
    points = np.zeros((len(LANDMARK_NAMES), 3))
    chin_y = head.jaw_center[1] - head.jaw_axes[1]
    xy = [(-head.eye_x, _EYE_Y), (head.eye_x, _EYE_Y), (0.0, chin_y + 0.04)]
    # outline: from the temples (eye height, at the side of the head) round the jaw to the chin
    top_y, bottom_y = _EYE_Y + 0.05, chin_y + 0.04
    for k in range(OUTLINE_POINTS):
        angle = math.pi * k / (OUTLINE_POINTS - 1)  # 0 .. pi: left temple .. chin .. right temple
        y = top_y - (top_y - bottom_y) * math.sin(angle) ** 1.2
        xy.append((-math.cos(angle) * _outline_half_width(head, y) * 0.97, y))
    xy = np.array(xy)
    z = _surface_z_parts(xy[:, 0], xy[:, 1], _face_parts(head)[:2])
    rows = [LANDMARK_INDEX["eye_left"], LANDMARK_INDEX["eye_right"], LANDMARK_INDEX["chin"]] + [LANDMARK_INDEX[f"outline_{k:02d}"] for k in range(OUTLINE_POINTS)]
    points[rows] = np.column_stack([xy, z])
    points[LANDMARK_INDEX["nose_tip"]] = np.asarray(head.nose_center) + _frontmost_offset(np.array(head.nose_rot), head.nose_axes)
    return points


def _outline_half_width(head: _Head, y: float) -> float:
    """Half width of the face's silhouette (cranium or jaw, whichever is wider) at height y."""
    best = 0.0
    for (cx, cy, _), (ax, ay, _) in ((head.cranium_center, head.cranium_axes), (head.jaw_center, head.jaw_axes)):
        t = (y - cy) / ay
        if abs(t) < 1:
            best = max(best, ax * math.sqrt(1 - t * t))
    return best


# --------------------------------------------------------------------------------------------
# the renderer


def check_size(size: int) -> int:
    if int(size) not in SIZES:
        raise LabError(f"size must be one of {', '.join(map(str, SIZES))} pixels, not {size}")
    return int(size)


class _Frame:
    """Camera of one render: maps between pixels, camera and head coordinates."""

    def __init__(self, head: _Head, factors: "Factors", size: int):
        self.size = size
        self.rot = head_rotation(factors.yaw, factors.pitch, factors.roll)
        self.k = head.units_to_crop  # crop fraction per head unit
        self.px = self.k * size  # pixels per head unit
        anchor = self.rot @ np.array([0.0, _EYE_Y, head.eye_z])
        self.anchor = anchor
        self.mid_x = 0.5 * (EYE_LEFT[0] + EYE_RIGHT[0])
        self.mid_y = 0.5 * (EYE_LEFT[1] + EYE_RIGHT[1])
        frac = (np.arange(size, dtype=np.float64) + 0.5) / size
        self.xs = ((frac - self.mid_x) / self.k + anchor[0]).astype(_F32)[None, :]  # (1, W) camera x of columns
        self.ys = (anchor[1] - (frac - self.mid_y) / self.k).astype(_F32)[:, None]  # (H, 1) camera y of rows
        # pixel (x, y) = to_pixels @ (head x, y, z, 1), the projection as one affine map
        scale = self.k * size
        self.to_pixels = np.zeros((2, 4))
        self.to_pixels[0, :3] = scale * self.rot[0]
        self.to_pixels[1, :3] = -scale * self.rot[1]
        self.to_pixels[0, 3] = self.mid_x * size - 0.5 - scale * anchor[0]
        self.to_pixels[1, 3] = self.mid_y * size - 0.5 + scale * anchor[1]
        # The pixels this frame computes: the whole crop, or a window of it (see window()).
        self.top, self.left, self.height, self.width = 0, 0, size, size

    def window(self, rows: slice, cols: slice) -> "_Frame":
        """The same camera restricted to a block of the crop. Arrays made with it are
        (rows, cols)-sized, and box() answers in the window's own pixel coordinates."""
        sub = copy.copy(self)
        sub.top, sub.left = self.top + rows.start, self.left + cols.start
        sub.height, sub.width = rows.stop - rows.start, cols.stop - cols.start
        sub.xs, sub.ys = self.xs[:, cols], self.ys[rows, :]
        return sub

    def crop_block(self) -> tuple[slice, slice]:
        """Where this frame's window lies in the whole crop."""
        return slice(self.top, self.top + self.height), slice(self.left, self.left + self.width)

    def ellipsoid_box(self, parts, margin_px: float) -> tuple[slice, slice] | None:
        """Block of this frame's window that holds the silhouettes of (center, axes, rot) head-space
        ellipsoids, plus a margin (antialiased edges reach half a pixel outside)."""
        centers = np.array([center for center, _, _ in parts], dtype=np.float64)  # (P, 3)
        shapes = np.array([np.asarray(rot) * np.asarray(axes)[None, :] for _, axes, rot in parts])  # (P, 3, 3) rot @ diag(axes)
        p = centers @ self.to_pixels[:, :3].T + (self.to_pixels[:, 3] - np.array([self.left, self.top]))  # (P, 2)
        # a point center + rot @ diag(axes) @ s with |s| = 1 projects at most this far from p
        reach = np.sqrt(np.square(np.einsum("ij,pjk->pik", self.to_pixels[:, :3], shapes)).sum(axis=2))  # (P, 2)
        low, high = (p - reach).min(axis=0), (p + reach).max(axis=0)
        x0, y0 = (max(math.floor(v - margin_px), 0) for v in low)
        x1, y1 = min(math.ceil(high[0] + margin_px) + 1, self.width), min(math.ceil(high[1] + margin_px) + 1, self.height)
        if x1 <= x0 or y1 <= y0:
            return None
        return slice(y0, y1), slice(x0, x1)

    def project(self, points_head: np.ndarray) -> np.ndarray:
        """Head-space points (N, 3) -> pixel coordinates (N, 2)."""
        return np.asarray(points_head, dtype=np.float64) @ self.to_pixels[:, :3].T + self.to_pixels[:, 3]

    def box(self, points_head: np.ndarray, margin_px: float) -> tuple[slice, slice] | None:
        """Pixel block (rows, cols) of this frame's window covering the projected points plus a
        margin; None if outside it."""
        p = self.project(points_head) - np.array([self.left, self.top])
        (x_low, y_low), (x_high, y_high) = p.min(axis=0), p.max(axis=0)
        x0 = max(math.floor(x_low - margin_px), 0)
        x1 = min(math.ceil(x_high + margin_px) + 1, self.width)
        y0 = max(math.floor(y_low - margin_px), 0)
        y1 = min(math.ceil(y_high + margin_px) + 1, self.height)
        if x1 <= x0 or y1 <= y0:
            return None
        return slice(y0, y1), slice(x0, x1)

    def cast(self, center, axes, rot=None, block=None, **kw) -> _Hit:
        rot_cam = self.rot if rot is None else self.rot @ rot
        center_cam = self.rot @ np.asarray(center, dtype=np.float64)
        xs, ys = (self.xs, self.ys) if block is None else (self.xs[:, block[1]], self.ys[block[0], :])
        return _cast(xs, ys, rot_cam, center_cam, axes, self.px, **kw)

    def head_points(self, z: np.ndarray, block=None) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """Head-space (x, y, z) of the camera points (column x, row y, z) in a block."""
        xs, ys = (self.xs, self.ys) if block is None else (self.xs[:, block[1]], self.ys[block[0], :])
        z = np.maximum(z, _F32(-10))  # missed rays (z = -1e9) land far behind the head, not at infinity
        rt = self.rot.T
        return tuple(_F32(rt[j, 0]) * xs + _F32(rt[j, 1]) * ys + _F32(rt[j, 2]) * z for j in range(3))


def _background(factors: "Factors", size: int) -> np.ndarray:
    """(3, size, size) float32: a soft two-colour gradient with blurry shapes, from background_seed."""
    rng = np.random.default_rng([int(factors.background_seed), 0xBAC6])
    hue = rng.uniform(0, 180)
    sat = rng.uniform(20, 150)
    val = rng.uniform(60, 235)
    second = ((hue + rng.uniform(-40, 40)) % 180, sat * rng.uniform(0.5, 1.2), val * rng.uniform(0.5, 1.1))
    hsv = _clip(np.array([[[hue, sat, val], second]]), 0, 255).astype(np.uint8)
    colours = cv2.cvtColor(hsv, cv2.COLOR_HSV2RGB)[0].astype(_F32) / _F32(255)
    angle = rng.uniform(0, 2 * math.pi)
    t = np.linspace(-0.5, 0.5, size, dtype=_F32)
    ramp = _clip(_F32(0.5) + _F32(math.cos(angle)) * t[None, :] + _F32(math.sin(angle)) * t[:, None], 0, 1)
    blobs = rng.uniform(-1, 1, (6, 6, 3)).astype(_F32) * _F32(rng.uniform(0.03, 0.12))
    # cubic to a small size, then linear: smooth blobs at a tenth of the cost of one cubic resize
    blobs = cv2.resize(cv2.resize(blobs, (24, 24), interpolation=cv2.INTER_CUBIC), (size, size), interpolation=cv2.INTER_LINEAR)
    image = np.empty((3, size, size), dtype=_F32)
    for k in range(3):
        image[k] = colours[0, k] + (colours[1, k] - colours[0, k]) * ramp + blobs[:, :, k]
    return image


def _hair_mask(identity: "Identity", u0, u1, u2, strands: np.ndarray) -> np.ndarray:
    """Where the hair shell carries hair, 0..1, at normalised shell coordinates (unit sphere)."""
    style = identity.hair_style
    c = u2 / (np.sqrt(u0 * u0 + u2 * u2) + _F32(1e-6))  # cos of the angle round the head: 1 front, -1 back
    front = np.maximum(c, 0)
    front *= front
    back = np.maximum(-c, 0)
    level_side, level_back = _HAIR_LEVELS[style]
    if style == "fringe":  # bangs: the front hairline comes down in the middle
        level_front = identity.hairline - _F32(0.45) * cv2.exp(-(u0 * u0) * _F32(1 / 0.3))
    elif style in ("bald", "buzz", "short"):  # receding temples
        level_front = identity.hairline + _F32(identity.temple_recess) * u0 * u0
    else:
        level_front = _F32(identity.hairline)
    # front * level_front + side * level_side + back * level_back, with side = 1 - front - back
    threshold = front * (level_front - _F32(level_side)) + back * _F32(level_back - level_side) + _F32(level_side) + _F32(0.035) * strands
    mask = _smoothstep(-0.02, 0.03, u1 - threshold)
    if style == "bald":  # hair only in a band round the back and sides
        mask *= _smoothstep(0.02, -0.06, u1 - _F32(0.25) - _F32(0.3) * back)
    if identity.hair_part != 0 and style in ("short", "bob", "long"):  # a parting line on top, in front
        d = (u0 - _F32(identity.hair_part)) * _F32(1 / 0.025)
        mask *= _F32(1) - _F32(0.8) * cv2.exp(-(d * d)) * _smoothstep(0.3, 0.6, u1) * _clip(u2 * _F32(3), 0, 1)
    return mask


_HAIR_LEVELS = {  # style -> (height of the hairline at the sides, at the back), unit head
    "bald": (0.05, -0.35), "buzz": (-0.05, -0.45), "short": (-0.05, -0.5), "fringe": (-0.15, -0.55),
    "bob": (-0.75, -0.9), "long": (-1.2, -1.2),
}


def _pow16(x: np.ndarray) -> np.ndarray:
    x = x * x
    x *= x
    x *= x
    x *= x
    return x


def _gauss(dx: np.ndarray, dy: np.ndarray, sx: float, sy: float) -> np.ndarray:
    """exp(-((dx/sx)^2 + (dy/sy)^2))"""
    a = dx * _F32(1 / sx)
    b = dy * _F32(1 / sy)
    return cv2.exp(-(a * a + b * b))


def render_face(identity: "Identity", factors: "Factors", size: int = 128, with_mask: bool = False) -> FaceRender:
    """Render one aligned face crop of ``identity`` under ``factors``.

    The result is a pure function of (identity, factors, size): render identity B with the
    factors of an image of identity A and you get the true answer of a perfect swap A -> B
    (same pose, expression, light, background, noise and compression). Bit-for-bit identical
    on one machine; the image is uint8 RGB (size, size, 3), see FaceRender.
    """
    size = check_size(size)
    head = _head(identity)
    crop = _Frame(head, factors, size)
    tex = _textures(identity.texture_seed)
    # The face and the hair are computed only inside the blocks their silhouettes can reach
    # (about two thirds of the crop each); the background fills the rest.
    eye = np.eye(3)
    face_parts = [(head.cranium_center, head.cranium_axes, eye), (head.jaw_center, head.jaw_axes, eye), (head.nose_center, head.nose_axes, np.array(head.nose_rot))]
    for sign in (-1, 1):
        face_parts.append(((sign * head.wing_center[0],) + head.wing_center[1:], head.wing_axes, eye))
        face_parts.append(((sign * head.ear_center[0],) + head.ear_center[1:], head.ear_axes, eye))
    face_block = crop.ellipsoid_box(face_parts, 2) or crop.crop_block()
    frame = crop.window(*face_block)

    # ---- geometry: the face (cranium + jaw + nose + ears)
    face = _blend_union(frame.cast(head.cranium_center, head.cranium_axes, unit=False), frame.cast(head.jaw_center, head.jaw_axes, unit=False), 0.12)
    nose_points = np.array([head.nose_center]) + np.array([[sx, sy, 0] for sx in (-0.35, 0.35) for sy in (-0.55, 0.5)])
    block = frame.box(nose_points, 2)
    if block is not None:
        nose = frame.cast(head.nose_center, head.nose_axes, np.array(head.nose_rot), block, unit=False)
        for sign in (-1, 1):
            nose = _blend_union(nose, frame.cast((sign * head.wing_center[0],) + head.wing_center[1:], head.wing_axes, None, block, unit=False), 0.03)
        _paste(face, nose, *block, 0.05)
    if identity.hair_style not in ("bob", "long"):
        for sign in (-1, 1):
            center = (sign * head.ear_center[0],) + head.ear_center[1:]
            corners = np.array(center) + np.array([[sx * 0.15, sy * 0.3, 0] for sx in (-1, 1) for sy in (-1, 1)])
            block = frame.box(corners, 2)
            if block is not None:
                _paste(face, frame.cast(center, head.ear_axes, None, block, unit=False), *block, 0.04)

    hx, hy, hz = frame.head_points(face.front)  # head-space point seen at each pixel
    frontness = hz - _F32(head.cranium_center[2])
    front = _smoothstep(0.0, 0.25, frontness)  # features are painted on the front of the head only

    # ---- shading: soft Lambert (light wraps a little round skin) + ambient + specular
    light = _light_direction(factors)
    half = light + np.array([0.0, 0.0, 1.0])
    half /= np.linalg.norm(half)
    n0, n1, n2 = face.normal
    strength = _F32(factors.light_strength)
    lambert = n0 * _F32(light[0]) + n1 * _F32(light[1]) + n2 * _F32(light[2])
    shade = _clip((lambert + _F32(0.25)) * _F32(0.8), 0, 1)
    shade *= strength
    shade += _F32(_AMBIENT) + _F32(0.12) * n1
    spec = _pow16(_clip(n0 * _F32(half[0]) + n1 * _F32(half[1]) + n2 * _F32(half[2]), 0, 1))
    spec *= strength

    # ---- albedo: skin with pores and blotches fixed to the face surface, then the features
    texture = _lookup(tex["skin"], hx * _F32(110) + _F32(128), hy * _F32(110) + _F32(128))
    texture += _F32(1)
    skin = np.asarray(identity.skin_rgb, dtype=_F32)
    albedo = np.empty((3, frame.height, frame.width), dtype=_F32)
    for k in range(3):
        np.multiply(texture, skin[k], out=albedo[k])
    gloss = np.full((frame.height, frame.width), _F32(0.10))  # specular weight per pixel
    _paint_skin_tones(identity, frame, head, albedo, hx, hy)
    if identity.beard != "none":
        _paint_beard(identity, factors, frame, head, albedo, gloss, hx, hy, front, tex)
    _paint_eyes(identity, factors, frame, head, albedo, gloss, hx, hy, front, tex)
    _paint_brows(identity, factors, frame, head, albedo, hx, hy, front, tex)
    _paint_mouth(identity, factors, frame, head, albedo, gloss, hx, hy, front, tex)
    _paint_nostrils(head, frame, albedo, hx, hy, front)
    if identity.glasses:
        _paint_glasses(identity, frame, head, albedo, gloss, hx, hy, hz)
    spec *= gloss
    albedo *= shade[None]
    albedo += spec[None]
    face_rgb = albedo

    # ---- hair shell: hair seen from outside (in front of the face) and from inside (behind it)
    shell_block = crop.ellipsoid_box([(head.shell_center, head.shell_axes, eye)], 2) or crop.crop_block()
    hair_frame = crop.window(*shell_block)
    shell = hair_frame.cast(head.shell_center, head.shell_axes, want_back=True)
    inv_axes = [_F32(1 / a) for a in head.shell_axes]
    center = [_F32(v) for v in head.shell_center]
    su = [(v - c) * a for v, c, a in zip(hair_frame.head_points(shell.front), center, inv_axes)]
    strands = _lookup(tex["strands"], np.arctan2(su[0], su[2]) * _F32(48), su[1] * _F32(40))  # strands run down from the crown
    hair_front = _hair_mask(identity, su[0], su[1], su[2], strands)
    hair_front *= shell.cover
    face_front = np.full((size, size), _F32(-1e9))
    face_front[face_block] = face.front
    hair_front *= _smoothstep(-0.03, 0.0, shell.front - face_front[shell_block])
    hair_colour = np.asarray(identity.hair_rgb, dtype=_F32)
    hair_rgb = _shade_hair(hair_colour, shell.normal, light, half, strength, strands)

    bu = [(v - c) * a for v, c, a in zip(hair_frame.head_points(shell.back), center, inv_axes)]
    hair_back = _hair_mask(identity, bu[0], bu[1], bu[2], strands)
    hair_back *= shell.cover
    hair_back_shade = _F32(0.38) + _F32(0.08) * strands

    image = _background(factors, size)
    planes = slice(None)
    mass_block = None
    if head.mass_center is not None:
        mass_block = crop.ellipsoid_box([(head.mass_center, head.mass_axes, eye)], 2)
    if mass_block is not None:
        mass_frame = crop.window(*mass_block)
        mass = mass_frame.cast(head.mass_center, head.mass_axes)
        shape = (mass_frame.height, mass_frame.width)
        mass_strands = _lookup(tex["strands"], np.broadcast_to(mass_frame.xs * _F32(40), shape), np.broadcast_to(mass_frame.ys * _F32(10), shape))
        mass_rgb = _shade_hair(hair_colour * _F32(0.8), mass.normal, light, half, strength, mass_strands)
        _lerp3(image[(planes,) + mass_block], mass_rgb, mass.cover)
    _lerp3(image[(planes,) + shell_block], [hair_back_shade * c for c in hair_colour], hair_back)
    neck_alpha = _composite_neck(identity, head, crop, image, light, strength)
    _lerp3(image[(planes,) + face_block], face_rgb, face.cover)
    _lerp3(image[(planes,) + shell_block], hair_rgb, hair_front)

    # ---- camera: noise, 8-bit, JPEG
    rgb = cv2.merge([image[0], image[1], image[2]])
    if factors.noise > 0:
        rng = np.random.default_rng([int(factors.noise_seed), 0xC0FFEE])
        r0, c0 = (int(v) for v in rng.integers(0, 512 - size + 1, 2))
        rgb += _noise_bank()[r0:r0 + size, c0:c0 + size] * _F32(factors.noise)
    out = np.empty((size, size, 3), dtype=np.uint8)
    np.multiply(_clip(rgb, 0, 1), _F32(255), out=rgb)
    np.add(rgb, _F32(0.5), out=rgb)
    out[:] = rgb  # truncation after +0.5 rounds
    if 1 <= int(factors.jpeg_quality) <= 100:
        ok, encoded = cv2.imencode(".jpg", cv2.cvtColor(out, cv2.COLOR_RGB2BGR), [cv2.IMWRITE_JPEG_QUALITY, int(factors.jpeg_quality)])
        out = cv2.cvtColor(cv2.imdecode(encoded, cv2.IMREAD_COLOR), cv2.COLOR_BGR2RGB)

    landmarks = crop.project(_landmarks_head(identity, factors, head)).astype(_F32)
    result = FaceRender(image=out, landmarks=landmarks)
    if with_mask:
        def whole(block, values):  # a window's array placed in a zero crop
            full = np.zeros((size, size), dtype=_F32)
            full[block] = values
            return full

        hair_front, hair_back = whole(shell_block, hair_front), whole(shell_block, hair_back)
        result.mask = whole(face_block, face.cover * _smoothstep(0.0, 0.15, frontness)) * (_F32(1) - hair_front)
        alpha = np.maximum(np.maximum(whole(face_block, face.cover), neck_alpha), np.maximum(hair_front, hair_back))
        if mass_block is not None:
            alpha = np.maximum(alpha, whole(mass_block, mass.cover))
        result.alpha = alpha
    return result


def _light_direction(factors: "Factors") -> np.ndarray:
    """Unit vector toward the key light, camera coordinates."""
    az, el = math.radians(factors.light_azimuth), math.radians(factors.light_elevation)
    return np.array([math.sin(az) * math.cos(el), math.sin(el), math.cos(az) * math.cos(el)])


def _shade_hair(colour, normal, light, half, strength, strands) -> list[np.ndarray]:
    """Three planes: hair colour shaded by its normal, fibres from the strand texture, a sheen."""
    n0, n1, n2 = normal
    lambert = _clip(n0 * _F32(light[0]) + n1 * _F32(light[1]) + n2 * _F32(light[2]), 0, 1)
    shade = lambert * (strength * _F32(0.75)) + _F32(_AMBIENT * 0.8)
    shade *= _F32(0.62) + _F32(0.22) * strands
    sheen = n0 * _F32(half[0]) + n1 * _F32(half[1]) + n2 * _F32(half[2])
    sheen = _clip(sheen, 0, 1)
    sheen *= sheen
    sheen *= sheen
    sheen *= _clip(_F32(0.6) + _F32(0.5) * strands, 0, 1.5) * (strength * _F32(0.2))
    return [shade * c + sheen for c in colour]


def _composite_neck(identity, head, frame, image, light, strength) -> np.ndarray:
    """Paint the neck (a tall ellipsoid under the head) into image; return its coverage (H, W)."""
    size = frame.size
    c, a = np.array(head.neck_center), np.array(head.neck_axes)
    corners = np.array([c + [sx * a[0], sy, sz * a[2]] for sx in (-1, 1) for sy in (0.95, -a[1]) for sz in (-1, 1)])
    alpha = np.zeros((size, size), dtype=_F32)
    block = frame.box(corners, 2)
    if block is None:
        return alpha
    neck = frame.cast(head.neck_center, head.neck_axes, None, block)
    n0, n1, n2 = neck.normal
    shade = _clip(n0 * _F32(light[0]) + n1 * _F32(light[1]) + n2 * _F32(light[2]), 0, 1) * (strength * _F32(0.7)) + _F32(_AMBIENT * 0.8)
    height = frame.head_points(neck.front, block)[1] - _F32(head.neck_center[1])
    shade *= _F32(1) - _F32(0.35) * _smoothstep(0.2, 0.9, height)  # shadow under the jaw
    alpha[block] = neck.cover * _smoothstep(1.25, 0.95, height)
    skin = np.asarray(identity.skin_rgb, dtype=_F32) * _F32(0.92)
    _lerp3(image[(slice(None),) + block], [shade * v for v in skin], alpha[block])
    return alpha


def _paint_skin_tones(identity, frame, head, albedo, hx, hy) -> None:
    """Cheeks flush a little; eye sockets lie in soft shadow."""
    for sign in (-1, 1):
        block = frame.box(np.array([[sign * 0.48 + dx, -0.38 + dy, head.eye_z] for dx in (-0.4, 0.4) for dy in (-0.36, 0.36)]), 1)
        if block is not None and identity.blush > 0:
            blush = _gauss(hx[block] - _F32(sign * 0.48), hy[block] + _F32(0.38), 0.2, 0.18) * _F32(identity.blush)
            for k, tint in enumerate((0.10, -0.03, -0.02)):
                albedo[k][block] += _F32(tint) * blush
        block = frame.box(np.array([[sign * head.eye_x + dx, 0.03 + dy, head.eye_z] for dx in (-0.44, 0.44) for dy in (-0.28, 0.28)]), 1)
        if block is not None:
            socket = _F32(1) - _F32(0.16) * _gauss(hx[block] - _F32(sign * head.eye_x), hy[block] - _F32(0.03), 0.22, 0.14)
            albedo[(slice(None),) + block] *= socket[None]


def _paint_beard(identity, factors, frame, head, albedo, gloss, hx, hy, front, tex) -> None:
    mouth = _mouth_shape(identity, factors)
    my = mouth["y"]
    box = np.array([[dx, dy, dz] for dx in (-1.0, 1.0) for dy in (head.jaw_center[1] - head.jaw_axes[1] - 0.05, _NOSE_Y) for dz in (head.eye_z + 0.2, -0.4)])
    block = frame.box(box, 2)
    if block is None:
        return
    x, y = hx[block], hy[block]
    style = identity.beard
    above_lip = y - _F32(my + mouth["upper"])
    if style == "moustache":
        t = x * _F32(1 / (mouth["half_width"] * 1.1))
        t *= t
        region = cv2.exp(-(t * t)) * _smoothstep(0.0, 0.02, above_lip) * _smoothstep(0.12, 0.08, above_lip)
    elif style == "goatee":
        t = x * _F32(1 / (mouth["half_width"] * 1.2))
        t *= t
        region = cv2.exp(-(t * t)) * (_smoothstep(0.0, 0.02, above_lip) * _smoothstep(0.12, 0.07, above_lip) + _smoothstep(-0.08, -0.14, y - _F32(my)))
    else:  # stubble, full: the lower face, up the jaw to the sideburns
        region = _smoothstep(-0.15, -0.32, y) * _smoothstep(0.16, 0.02, y - _F32(my + 0.16) + _F32(0.25) * np.abs(x))
    region = _clip(region, 0, 1) * front[block]
    if style == "stubble":  # short dark dots
        dots = _lookup(tex["pores"], x * _F32(260), y * _F32(260))
        cover = region * _clip(_F32(0.25) + _F32(0.3) * dots, 0, 1)
        shade = _F32(0.85)
    else:  # curly hair
        curls = _lookup(tex["strands"], x * _F32(120) + y * _F32(60), y * _F32(120) - x * _F32(40))
        cover = region * _clip(_F32(0.8) + _F32(0.3) * curls, 0, 1)
        shade = _F32(0.8) + _F32(0.18) * curls
    _lerp3(albedo[(slice(None),) + block], [shade * _F32(v) for v in identity.hair_rgb], cover)
    gloss[block] *= _F32(1) - _F32(0.7) * cover


def _paint_eyes(identity, factors, frame, head, albedo, gloss, hx, hy, front, tex) -> None:
    half_w, open_h = identity.eye_width, identity.eye_height
    tilt = math.tan(math.radians(identity.eye_tilt))
    blink = float(_clip(factors.blink, 0, 1))
    radius = identity.iris_size
    # Both eyes in one block (fewer, larger array operations), in mirrored coordinates.
    corners = np.array([[sign * head.eye_x + dx * (half_w + 0.08), _EYE_Y + dy * 0.18, head.eye_z] for sign in (-1, 1) for dx in (-1, 1) for dy in (-1, 1)])
    block = frame.box(corners, 2)
    if block is not None:
        fr = front[block]
        side = np.where(hx[block] < 0, _F32(-1), _F32(1))  # -1 on the image's left eye
        x = np.abs(hx[block]) - _F32(head.eye_x)  # toward the temple is +x for both eyes
        y = hy[block] - _F32(_EYE_Y) - _F32(tilt) * x  # canthal tilt: outer corner higher
        ex = x * _F32(1 / half_w)
        shape = _clip(_F32(1) - ex * ex, 0, 1)
        # lids: a parabola above (fuller toward the inner corner), a flatter one below
        top_open = shape * (_F32(open_h) - _F32(0.15 * open_h) * ex)
        bottom = shape * _F32(-0.55 * open_h)
        top = bottom + (top_open - bottom) * _F32(1 - blink)
        inside = _smoothstep(-0.006, 0.004, top - y) * _smoothstep(-0.006, 0.004, y - bottom) * (np.abs(ex) < 1) * fr
        # eyeball: sclera darker toward the corners, iris with radial fibres, pupil, catchlight
        ix = x - _F32(float(_clip(factors.gaze_x, -1, 1)) * 0.42 * half_w) * side
        iy = y - _F32(float(_clip(factors.gaze_y, -1, 1)) * 0.4 * open_h)
        rel = np.sqrt(ix * ix + iy * iy) * _F32(1 / radius)  # distance from the iris centre / iris radius
        corner_shade = _F32(1) - _F32(0.35) * ex * ex
        eye_rgb = [corner_shade * _F32(v) for v in identity.sclera_rgb]
        fibres = _lookup(tex["strands"], np.arctan2(iy, ix) * _F32(30), rel * _F32(26))
        iris_shade = (_F32(0.8) + _F32(0.18) * fibres + _F32(0.35) * rel) * (_F32(1) - _F32(0.5) * _smoothstep(0.75, 1.0, rel))
        iris_alpha = _smoothstep(1.05, 0.95, rel)
        pupil_alpha = _smoothstep(0.46, 0.38, rel)
        for k in range(3):
            eye_rgb[k] += (iris_shade * _F32(identity.iris_rgb[k]) - eye_rgb[k]) * iris_alpha
            eye_rgb[k] += (_F32(0.03) - eye_rgb[k]) * pupil_alpha
        lid_shadow = _F32(0.55) + _F32(0.45) * _smoothstep(0.0, 0.6 * open_h, top - y)  # the upper lid shades the eyeball
        catch = _F32(0.6) * _gauss(ix + _F32(0.25 * radius), iy - _F32(0.3 * radius), 0.2 * radius, 0.2 * radius)
        for k in range(3):
            eye_rgb[k] *= lid_shadow
            eye_rgb[k] += catch
        # lid crease above the eye, lower lid line, lashes along the upper lid (thicker outside)
        crease = _gauss(y - (top_open * _F32(0.7) + _F32(0.045)), np.zeros_like(y), 0.012, 1.0) * shape * _F32(1 - 0.6 * blink)
        lower_line = _gauss(y - bottom + _F32(0.006), np.zeros_like(y), 0.008, 1.0) * shape
        lash_width = (_F32(0.6) + _F32(0.6) * _clip(ex + _F32(0.5), 0, 1)) * _F32(0.012 + 0.012 * identity.lashes)
        above_lid = y - top
        lash = _smoothstep(-0.004, 0.0, above_lid) * _smoothstep(0.0, 1.0, (lash_width - above_lid) * _F32(1 / 0.004)) * (np.abs(ex) < 1.08)
        lash *= (_F32(0.75) + _F32(0.25) * np.cos(ex * _F32(60))) * fr
        view = albedo[(slice(None),) + block]
        view *= (_F32(1) - (_F32(0.22) * crease + _F32(0.12) * lower_line) * fr)[None]
        _lerp3(view, eye_rgb, inside)
        _lerp3(view, (0.05, 0.04, 0.04), lash)
        gloss[block] += _F32(0.5) * inside


def _paint_brows(identity, factors, frame, head, albedo, hx, hy, front, tex) -> None:
    by = _brow_y(identity, factors)
    half_len = identity.brow_length
    # Both brows in one block, in mirrored coordinates (as the eyes).
    cx = head.eye_x + 0.02
    corners = np.array([[sign * cx + dx * (half_len + 0.05), by + dy * 0.12, head.eye_z] for sign in (-1, 1) for dx in (-1, 1) for dy in (-1, 1)])
    block = frame.box(corners, 2)
    if block is not None:
        x = np.abs(hx[block]) - _F32(cx)  # toward the temple is +x for both brows
        y = hy[block]
        t = x * _F32(1 / half_len)  # -1 inner end .. 1 outer end
        outer = _clip(t, 0, 1)
        bend = t - _F32(0.2)
        centre_y = _F32(by) + _F32(identity.brow_arch) * (_F32(1) - bend * bend) - _F32(0.03) * outer * outer
        thickness = _F32(identity.brow_thickness) * (_F32(1.1) - _F32(0.5) * outer) * (_F32(0.6) + _F32(0.4) * _clip(t + _F32(1), 0, 1))
        strands = _lookup(tex["strands"], y * _F32(300) + x * _F32(60), x * _F32(30))
        alpha = _smoothstep(1.0, 0.6, np.abs(y - centre_y) / thickness) * _smoothstep(1.05, 0.9, np.abs(t)) * _clip(_F32(0.8) + _F32(0.35) * strands, 0, 1)
        alpha *= front[block]
        shade = _F32(0.9) + _F32(0.15) * strands
        _lerp3(albedo[(slice(None),) + block], [shade * _F32(v) for v in identity.brow_rgb], alpha)


def _paint_mouth(identity, factors, frame, head, albedo, gloss, hx, hy, front, tex) -> None:
    m = _mouth_shape(identity, factors)
    w = m["half_width"]
    corners = np.array([[dx * (w + 0.07), m["y"] + dy, head.eye_z - 0.2] for dx in (-1, 1) for dy in (-m["gap"] - m["lower"] - 0.08, m["upper"] + 0.1 + m["corner_lift"])])
    block = frame.box(corners, 2)
    if block is None:
        return
    x, y = hx[block], hy[block] - _F32(m["y"])
    t = x * _F32(1 / w)
    inside_w = _clip(_F32(1) - t * t, 0, 1)
    root_w = np.sqrt(inside_w)
    line = _F32(m["corner_lift"]) * t * t  # where the lips meet: the corners lift with a smile
    gap = _F32(m["gap"]) * inside_w * (_F32(1.3) - _F32(0.3) * inside_w)  # opening, widest in the middle
    upper_edge = line + _F32(0.3) * gap
    lower_edge = line - _F32(0.7) * gap
    bow = _F32(0.018) * _gauss(t, np.zeros_like(t), 0.18, 1.0)  # cupid's bow dip at the top of the upper lip
    peaks = _F32(0.012) * _gauss(np.abs(t) - _F32(0.3), np.zeros_like(t), 0.2, 1.0)
    upper_top = upper_edge + _F32(m["upper"]) * root_w - bow + peaks
    lower_bottom = lower_edge - _F32(m["lower"]) * root_w
    soft = 0.006
    upper = _smoothstep(-soft, soft, upper_top - y) * _smoothstep(-soft, soft, y - upper_edge)
    lower = _smoothstep(-soft, soft, y - lower_bottom) * _smoothstep(-soft, soft, lower_edge - y)
    fr = front[block]
    upper *= fr
    lower *= fr
    view = albedo[(slice(None),) + block]
    if m["gap"] > 0:  # inside the mouth: dark, the upper teeth showing under the upper lip
        opening = _smoothstep(-soft, soft, upper_edge - y) * _smoothstep(-soft, soft, y - lower_edge) * fr
        teeth = _smoothstep(0.0, 0.006, y - upper_edge + _F32(0.045)) * _smoothstep(-0.1, 0.0, _F32(0.7) - np.abs(t))
        tooth_edges = np.sin(x * _F32(70))
        teeth *= _F32(1) - _F32(0.25) * cv2.exp(-(tooth_edges * tooth_edges) * _F32(1 / 0.0144))
        inner = [_F32(dark) + _F32(white - dark) * teeth for dark, white in ((0.18, 0.86), (0.05, 0.83), (0.06, 0.76))]
        _lerp3(view, inner, opening)
    lip_shade = _F32(0.93) + _F32(0.05) * _lookup(tex["strands"], x * _F32(500), y * _F32(40))  # fine vertical creases
    _lerp3(view, [lip_shade * _F32(v) for v in identity.lip_rgb], upper)
    _lerp3(view, [lip_shade * _F32(1.08 * v) for v in identity.lip_rgb], lower)
    # the seam where closed lips meet, and the corners
    closed = max(0.0, 1.0 - m["gap"] / 0.01)
    dark = _F32(0.25) * _gauss(np.abs(t) - _F32(1), y - line, 0.06, 0.02)
    if closed > 0:
        dark += _F32(0.4 * closed) * _gauss(y - line, np.zeros_like(y), 0.007, 1.0) * inside_w
    view *= (_F32(1) - dark * fr)[None]
    gloss[block] += _F32(0.35) * lower + _F32(0.15) * upper


def _paint_nostrils(head, frame, albedo, hx, hy, front) -> None:
    cy = _NOSE_Y - 0.06
    wx = head.wing_center[0] * 0.6
    corners = np.array([[dx * (wx + 0.06), cy + dy * 0.05, head.eye_z] for dx in (-1, 1) for dy in (-1, 1)])
    block = frame.box(corners, 2)
    if block is None:
        return
    dark = _F32(1) - _F32(0.45) * _gauss(np.abs(hx[block]) - _F32(wx), hy[block] - _F32(cy), 0.03, 0.014) * front[block]
    albedo[(slice(None),) + block] *= dark[None]


def _paint_glasses(identity, frame, head, albedo, gloss, hx, hy, hz) -> None:
    rw, rh = identity.eye_width + 0.07, identity.eye_height + 0.08
    p = float(identity.glasses_squareness)
    thick = 0.012 + 0.012 * identity.glasses_thickness
    lens_cy = _EYE_Y - 0.01
    corners = np.array([[dx * 1.05, lens_cy + dy * (rh + 0.04), head.eye_z] for dx in (-1, 1) for dy in (-1, 1)])
    block = frame.box(corners, 3)
    if block is None:
        return
    x, y = hx[block], hy[block] - _F32(lens_cy)
    alpha = np.zeros_like(x)
    lens = np.zeros_like(x)
    for sign in (-1, 1):
        lx = np.abs(x - _F32(sign * head.eye_x)) * _F32(1 / rw) + _F32(1e-6)
        ly = np.abs(y) * _F32(1 / rh) + _F32(1e-6)
        radius = cv2.pow(cv2.pow(lx, p) + cv2.pow(ly, p), 1.0 / p)  # superellipse: round (2) .. square (5)
        ring = _smoothstep(thick * 2.5, thick * 1.5, np.abs(radius - _F32(1)) * _F32(rw))
        np.maximum(alpha, ring, out=alpha)
        np.maximum(lens, _smoothstep(1.0, 0.95, radius), out=lens)
        # temple arm from the outer edge of the frame back toward the ear
        arm = _smoothstep(0.0, 0.01, (x - _F32(sign * (head.eye_x + rw * 0.95))) * _F32(sign)) * _smoothstep(thick * 1.2, thick * 0.6, np.abs(y - _F32(0.35 * rh)))
        np.maximum(alpha, arm * _smoothstep(-0.1, 0.1, hz[block] - _F32(head.cranium_center[2])), out=alpha)
    bridge_inner = head.eye_x - rw * 0.95
    bridge = _smoothstep(bridge_inner + 0.01, bridge_inner - 0.01, np.abs(x)) * _smoothstep(thick * 1.3, thick * 0.7, np.abs(y - _F32(0.3 * rh)))
    np.maximum(alpha, bridge, out=alpha)
    view = albedo[(slice(None),) + block]
    # lenses: a faint tint and diagonal reflection streaks
    streak = _smoothstep(0.05, 0.0, np.abs((x - y) % _F32(0.5) - _F32(0.25)) - _F32(0.03)) * _F32(0.1)
    _lerp3(view, (0.85, 0.9, 0.95), lens * (_F32(0.06) + streak))
    _lerp3(view, identity.glasses_rgb, alpha)
    gloss[block] += _F32(0.5) * alpha + _F32(0.08) * lens

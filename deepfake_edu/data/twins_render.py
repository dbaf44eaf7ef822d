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


def _smoothstep(edge0: float, edge1: float, x: np.ndarray) -> np.ndarray:
    t = np.clip((x - _F32(edge0)) * _F32(1.0 / (edge1 - edge0)), 0, 1)
    return t * t * (_F32(3) - _F32(2) * t)


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
    """Camera-from-head rotation (3, 3): yaw turns the face toward the image's right, pitch
    lifts it, roll turns it clockwise in the image; applied in that order."""
    return _rot_z(-roll) @ _rot_x(-pitch) @ _rot_y(yaw)


def _lerp3(out: np.ndarray, colour, alpha: np.ndarray) -> None:
    """out (h, w, 3) <- out * (1 - alpha) + colour * alpha, in place; colour (3,) or (h, w, 3)."""
    a = alpha[..., None]
    out *= _F32(1) - a
    out += np.asarray(colour, dtype=_F32) * a


@dataclass
class _Hit:
    """One ellipsoid ray-cast over a block of pixels (camera x along columns, y along rows)."""

    front: np.ndarray  # (h, w) ray parameter (camera z) of the near hit; -1e9 where missed
    back: np.ndarray  # (h, w) camera z of the far hit
    cover: np.ndarray  # (h, w) antialiased coverage of the silhouette, 0..1
    normal: tuple | None = None  # 3 x (h, w) unit normal at the near hit, camera coordinates


def _cast(xs: np.ndarray, ys: np.ndarray, rot: np.ndarray, center, axes, px_per_unit: float, normals: bool = True, back_normal: bool = False) -> _Hit:
    """Cast orthographic rays (x, y, z) -> z toward the viewer at an ellipsoid.

    xs: (1, w) camera x of the columns; ys: (h, 1) camera y of the rows (head units).
    rot: camera-from-local rotation (3, 3); center: camera coordinates (3,); axes: semi-axes (3,).
    """
    axes = np.asarray(axes, dtype=np.float64)
    m = rot.T / axes[:, None]  # normalised local coordinates u = m @ (p - center)
    cx, cy, cz = (float(v) for v in center)
    d = m[:, 2]
    dd = float(d @ d)
    # u_j = m[j,0] (x - cx) + m[j,1] (y - cy) + m[j,2] (z - cz), evaluated at z = 0
    o = [_F32(m[j, 0]) * (xs - _F32(cx)) + (_F32(m[j, 1]) * (ys - _F32(cy)) - _F32(m[j, 2] * cz)) for j in range(3)]
    b = _F32(d[0]) * o[0] + _F32(d[1]) * o[1] + _F32(d[2]) * o[2]
    c = o[0] * o[0] + o[1] * o[1] + o[2] * o[2] - _F32(1)
    disc = b * b - _F32(dd) * c
    # disc/dd = 1 - (distance from the silhouette's centre)^2 in normalised units: about twice the
    # distance to the edge there, converted to pixels with the smaller projected semi-axis.
    r_px = float(min(axes[0], axes[1])) * px_per_unit
    cover = np.clip(disc * _F32(0.5 * r_px / dd) + _F32(0.5), 0, 1)
    root = np.sqrt(np.maximum(disc, 0))
    hit = disc >= 0
    front = np.where(hit, (root - b) * _F32(1 / dd), _F32(-1e9))
    back = np.where(hit, (-root - b) * _F32(1 / dd), _F32(-1e9))
    result = _Hit(front, back, cover)
    if normals:
        # gradient of |u|^2 in camera coordinates: rot @ (u / axes), u = o + z d
        z = back if back_normal else front
        g = rot / axes[None, :]
        n = []
        for i in range(3):
            gi = g[i]
            n.append(_F32(gi[0]) * o[0] + _F32(gi[1]) * o[1] + _F32(gi[2]) * o[2] + _F32(gi @ d) * z)
        if back_normal:
            n = [-v for v in n]
        inv = _F32(1) / np.sqrt(n[0] * n[0] + n[1] * n[1] + n[2] * n[2] + _F32(1e-12))
        result.normal = (n[0] * inv, n[1] * inv, n[2] * inv)
    return result


def _blend_union(a: _Hit, b: _Hit, softness: float) -> _Hit:
    """Smooth union of two surfaces: the nearer one wins, normals blend where they meet."""
    t = _smoothstep(-softness, softness, b.front - a.front)
    normal = tuple(na + (nb - na) * t for na, nb in zip(a.normal, b.normal))
    inv = _F32(1) / np.sqrt(normal[0] ** 2 + normal[1] ** 2 + normal[2] ** 2 + _F32(1e-12))
    return _Hit(np.maximum(a.front, b.front), np.maximum(a.back, b.back), np.maximum(a.cover, b.cover), tuple(v * inv for v in normal))


def _paste(full: _Hit, part: _Hit, rows: slice, cols: slice, softness: float) -> None:
    """Blend a hit computed on a block (rows, cols) of the frame into the full-frame hit, in place."""
    sub = _Hit(full.front[rows, cols], full.back[rows, cols], full.cover[rows, cols], tuple(v[rows, cols] for v in full.normal))
    merged = _blend_union(sub, part, softness)
    full.front[rows, cols] = merged.front
    full.back[rows, cols] = merged.back
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
        "pores": _periodic_noise(texture_seed * 4 + 1, 128, 0.7, 0.7),
        "blotch": _periodic_noise(texture_seed * 4 + 2, 128, 3.0, 3.0),
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
    cranium_center = (0.0, 0.30, -0.12)
    jaw_axes = (i.jaw_width, i.chin_length, 0.86)
    jaw_center = (0.0, -0.40, -0.02)
    # The nose: an ellipsoid leaning forward at the bottom, its tip nose_depth in front of the face.
    tilt = 24.0
    nose_rot = _rot_x(-tilt)  # local y (the long axis) leans back at the top
    nose_axes = (i.nose_width, i.nose_length, 0.17)
    face_z = _surface_z_parts(0.0, _NOSE_Y, [(cranium_center, cranium_axes, np.eye(3)), (jaw_center, jaw_axes, np.eye(3))])
    # centre so that the frontmost point of the nose sits at (0, _NOSE_Y, face_z + nose_depth)
    tip_offset = _frontmost_offset(nose_rot, nose_axes)
    nose_center = (0.0, _NOSE_Y - tip_offset[1], face_z + i.nose_depth - tip_offset[2])
    wing_axes = (0.075 + 0.3 * i.nose_width, 0.07, 0.08)
    wing_center = (0.55 * i.nose_width + 0.04, _NOSE_Y - 0.05, face_z + 0.03)
    ear_axes = (0.10, 0.27, 0.16)
    ear_center = (0.92 * i.head_width, -0.05, -0.22)
    eye_z = _surface_z_parts(i.eye_spacing, _EYE_Y, [(cranium_center, cranium_axes, np.eye(3)), (jaw_center, jaw_axes, np.eye(3))])
    vol = i.hair_volume
    shell_axes = (i.head_width + vol, i.head_height + 1.3 * vol, 1.08 + vol)
    shell_center = (0.0, 0.30 + 0.4 * vol, -0.12 - 0.3 * vol)
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
        neck_center=(0.0, -1.45, -0.28), neck_axes=(0.52 * i.jaw_width + 0.12, 1.3, 0.5),
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
    gap = 0.15 * float(np.clip(factors.mouth_open, 0, 1))
    return {
        "y": identity.mouth_y,
        "half_width": half_width,
        "corner_lift": 0.07 * factors.smile,
        "gap": gap,  # height of the opening at the centre
        "upper": identity.upper_lip,  # lip thickness at the centre
        "lower": identity.lower_lip,
    }


def _brow_y(identity: "Identity", factors: "Factors") -> float:
    return _BROW_Y + identity.brow_height + 0.055 * float(np.clip(factors.brow_raise, -1, 1))


def _landmarks_head(identity: "Identity", factors: "Factors", head: _Head) -> np.ndarray:
    """Landmarks as head-space points (K, 3) on the surface."""
    mouth = _mouth_shape(identity, factors)
    lip_y = mouth["y"] + mouth["corner_lift"] * 0.0
    points_xy = [
        (-head.eye_x, _EYE_Y), (head.eye_x, _EYE_Y),
        (-head.eye_x - 0.02, _brow_y(identity, factors)), (head.eye_x + 0.02, _brow_y(identity, factors)),
        None,  # nose tip, set below
        (-mouth["half_width"], mouth["y"] + mouth["corner_lift"]), (mouth["half_width"], mouth["y"] + mouth["corner_lift"]),
        (0.0, lip_y - 0.2 * mouth["gap"]),
        (0.0, lip_y + 0.3 * mouth["gap"] + mouth["upper"]), (0.0, lip_y - 0.7 * mouth["gap"] - mouth["lower"]),
    ]
    jaw_c, jaw_a = head.jaw_center, head.jaw_axes
    chin_y = jaw_c[1] - jaw_a[1]
    points_xy.append((0.0, chin_y + 0.04))
    # outline: from the temples (eye height, at the side of the head) round the jaw to the chin
    for k in range(OUTLINE_POINTS):
        angle = math.pi * k / (OUTLINE_POINTS - 1)  # 0 .. pi, left temple .. chin .. right temple
        sx = -math.cos(angle)
        sy = math.sin(angle)
        top_y, bottom_y = _EYE_Y + 0.05, chin_y + 0.04
        y = top_y - (top_y - bottom_y) * sy ** 1.2
        width_at = _outline_half_width(head, y)
        points_xy.append((sx * width_at * 0.97, y))
    parts = _face_parts(head)
    xy = np.array([p if p is not None else (0.0, 0.0) for p in points_xy])
    # the nose only counts near the midline (its ellipsoid is clipped to its block when rendering)
    z = np.where(np.abs(xy[:, 0]) > 0.2, _surface_z_parts(xy[:, 0], xy[:, 1], parts[:2]), _surface_z_parts(xy[:, 0], xy[:, 1], parts))
    points = np.column_stack([xy, z])
    points[4] = np.asarray(head.nose_center) + _frontmost_offset(np.array(head.nose_rot), head.nose_axes)
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

    def project(self, points_head: np.ndarray) -> np.ndarray:
        """Head-space points (N, 3) -> pixel coordinates (N, 2)."""
        cam = points_head @ self.rot.T
        fx = self.mid_x + self.k * (cam[:, 0] - self.anchor[0])
        fy = self.mid_y - self.k * (cam[:, 1] - self.anchor[1])
        return np.stack([fx * self.size - 0.5, fy * self.size - 0.5], axis=1)

    def box(self, points_head: np.ndarray, margin_px: float) -> tuple[slice, slice] | None:
        """Pixel block (rows, cols) covering the projected points plus a margin; None if off-crop."""
        p = self.project(np.asarray(points_head, dtype=np.float64))
        x0 = max(int(math.floor(p[:, 0].min() - margin_px)), 0)
        x1 = min(int(math.ceil(p[:, 0].max() + margin_px)) + 1, self.size)
        y0 = max(int(math.floor(p[:, 1].min() - margin_px)), 0)
        y1 = min(int(math.ceil(p[:, 1].max() + margin_px)) + 1, self.size)
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
        rt = self.rot.T
        return tuple(_F32(rt[j, 0]) * xs + _F32(rt[j, 1]) * ys + _F32(rt[j, 2]) * z for j in range(3))


def _background(factors: "Factors", size: int) -> np.ndarray:
    """(size, size, 3) float32: a soft two-colour gradient with blurry shapes, from background_seed."""
    rng = np.random.default_rng([int(factors.background_seed), 0xBAC6])
    hue = rng.uniform(0, 180)
    sat = rng.uniform(20, 150)
    val = rng.uniform(60, 235)
    base = np.array([[[hue, sat, val], [(hue + rng.uniform(-40, 40)) % 180, sat * rng.uniform(0.5, 1.2), val * rng.uniform(0.5, 1.1)]]], dtype=np.uint8)
    colours = cv2.cvtColor(np.clip(base, 0, 255).astype(np.uint8), cv2.COLOR_HSV2RGB)[0].astype(_F32) / 255
    angle = rng.uniform(0, 2 * math.pi)
    t = np.linspace(-0.5, 0.5, size, dtype=_F32)
    ramp = np.clip(0.5 + _F32(math.cos(angle)) * t[None, :] + _F32(math.sin(angle)) * t[:, None], 0, 1)
    image = colours[0] + (colours[1] - colours[0]) * ramp[..., None]
    blobs = rng.uniform(-1, 1, (6, 6, 3)).astype(_F32) * _F32(rng.uniform(0.03, 0.12))
    image += cv2.resize(blobs, (size, size), interpolation=cv2.INTER_CUBIC)
    return image


def _hair_mask(identity: "Identity", u0, u1, u2, strands: np.ndarray) -> np.ndarray:
    """Where the hair shell carries hair, 0..1, at normalised shell coordinates (unit sphere)."""
    style = identity.hair_style
    horiz = np.sqrt(u0 * u0 + u2 * u2) + _F32(1e-6)
    c = u2 / horiz  # cos of the angle round the head: 1 in front, -1 at the back
    front = np.clip(c, 0, 1) ** 2
    back = np.clip(-c, 0, 1)
    side = _F32(1) - front - back
    level_front = identity.hairline
    level_side, level_back = {
        "bald": (0.05, -0.35), "buzz": (-0.05, -0.45), "short": (-0.05, -0.5), "fringe": (-0.15, -0.55),
        "bob": (-0.75, -0.9), "long": (-1.2, -1.2),
    }[style]
    if style == "fringe":  # bangs: the front hairline comes down in the middle
        level_front = level_front - 0.45 * np.exp(-((u0 / _F32(0.55)) ** 2))
    elif style in ("bald", "buzz", "short"):  # receding temples
        level_front = level_front + identity.temple_recess * u0 * u0
    threshold = front * level_front + side * _F32(level_side) + back * _F32(level_back) + _F32(0.035) * strands
    mask = _smoothstep(-0.02, 0.03, u1 - threshold)
    if style == "bald":  # hair only in a band round the back and sides
        mask = mask * _smoothstep(0.02, -0.06, u1 - _F32(0.25) - _F32(0.3) * back)
    if identity.hair_part != 0 and style in ("short", "bob", "long"):  # a parting line on top, in front
        mask = mask * (_F32(1) - _F32(0.8) * np.exp(-(((u0 - _F32(identity.hair_part)) / _F32(0.025)) ** 2)) * _smoothstep(0.3, 0.6, u1) * np.clip(u2 * 3, 0, 1))
    return mask


def render_face(identity: "Identity", factors: "Factors", size: int = 128, with_mask: bool = False) -> FaceRender:
    """Render one aligned face crop of ``identity`` under ``factors``.

    The result is a pure function of (identity, factors, size): render identity B with the
    factors of an image of identity A and you get the true answer of a perfect swap A -> B
    (same pose, expression, light, background, noise and compression). Bit-for-bit identical
    on one machine; the image is uint8 RGB (size, size, 3), see FaceRender.
    """
    size = check_size(size)
    head = _head(identity)
    frame = _Frame(head, factors, size)
    tex = _textures(identity.texture_seed)
    eye3 = np.eye(3)

    # ---- geometry: the face (cranium + jaw + nose + ears), hair shell, neck, hair mass
    face = _blend_union(frame.cast(head.cranium_center, head.cranium_axes), frame.cast(head.jaw_center, head.jaw_axes), 0.05)
    nose_points = np.array([head.nose_center]) + np.array([[sx, sy, 0] for sx in (-0.35, 0.35) for sy in (-0.55, 0.5)])
    block = frame.box(nose_points, 2)
    if block is not None:
        nose = frame.cast(head.nose_center, head.nose_axes, np.array(head.nose_rot), block)
        for sign in (-1, 1):
            nose = _blend_union(nose, frame.cast((sign * head.wing_center[0],) + head.wing_center[1:], head.wing_axes, None, block), 0.02)
        _paste(face, nose, *block, 0.025)
    has_ears = identity.hair_style not in ("bob", "long")
    if has_ears:
        for sign in (-1, 1):
            center = (sign * head.ear_center[0],) + head.ear_center[1:]
            corners = np.array(center) + np.array([[sx * 0.15, sy * 0.3, 0] for sx in (-1, 1) for sy in (-1, 1)])
            block = frame.box(corners, 2)
            if block is not None:
                _paste(face, frame.cast(center, head.ear_axes, None, block), *block, 0.04)

    hx, hy, hz = frame.head_points(face.front)  # head-space point of each face pixel
    # shading
    light = _light_direction(factors)
    half = light + np.array([0.0, 0.0, 1.0])
    half /= np.linalg.norm(half)
    n0, n1, n2 = face.normal
    lambert = n0 * _F32(light[0]) + n1 * _F32(light[1]) + n2 * _F32(light[2])
    strength = _F32(factors.light_strength)
    shade = _F32(_AMBIENT) + _F32(0.12) * n1 + strength * np.clip((lambert + _F32(0.25)) * _F32(0.8), 0, 1)
    spec_dot = np.clip(n0 * _F32(half[0]) + n1 * _F32(half[1]) + n2 * _F32(half[2]), 0, 1)
    spec = spec_dot ** 16 * strength

    # ---- albedo of the skin with pores and blotches (texture fixed to the face surface)
    texel = _F32(size / 128 * 0.0)  # pores are fixed to the face, not to the pixel grid
    del texel
    pores = _lookup(tex["pores"], hx * _F32(110), hy * _F32(110))
    blotch = _lookup(tex["blotch"], hx * _F32(30) + _F32(17), hy * _F32(30) + _F32(5))
    skin = np.asarray(identity.skin_rgb, dtype=_F32)
    albedo = np.empty((size, size, 3), dtype=_F32)
    texture = _F32(1) + _F32(0.05) * pores + _F32(0.035) * blotch
    albedo[:] = skin
    albedo *= texture[..., None]
    gloss = np.full((size, size), _F32(0.10))  # specular weight per pixel
    # cheeks flush a little, eye sockets and the sides of the nose lie in soft shadow
    blush = np.exp(-(((np.abs(hx) - _F32(0.48)) / _F32(0.2)) ** 2 + ((hy + _F32(0.38)) / _F32(0.18)) ** 2))
    albedo += (np.array([0.10, -0.03, -0.02], dtype=_F32) * _F32(identity.blush))[None, None, :] * blush[..., None]
    socket = np.exp(-(((np.abs(hx) - _F32(head.eye_x)) / _F32(0.22)) ** 2 + ((hy - _F32(0.03)) / _F32(0.14)) ** 2))
    albedo *= (_F32(1) - _F32(0.16) * socket)[..., None]

    frontness = hz - _F32(head.cranium_center[2])
    front = _smoothstep(0.0, 0.25, frontness)
    if identity.beard != "none":
        _paint_beard(identity, factors, albedo, gloss, hx, hy, front, tex)
    _paint_eyes(identity, factors, frame, head, albedo, gloss, hx, hy, hz, front, tex)
    _paint_brows(identity, factors, frame, head, albedo, hx, hy, front, tex)
    _paint_mouth(identity, factors, frame, head, albedo, gloss, hx, hy, front, tex)
    _paint_nostrils(head, frame, albedo, hx, hy, front)
    if identity.glasses:
        _paint_glasses(identity, frame, head, albedo, gloss, hx, hy, hz, tex)

    face_rgb = albedo * shade[..., None] + (spec * gloss)[..., None]

    # ---- hair shell: hair seen from outside (in front of the face) and from inside (behind it)
    shell = frame.cast(head.shell_center, head.shell_axes, normals=True)
    inv_axes = [_F32(1 / a) for a in head.shell_axes]
    sx, sy, sz = frame.head_points(shell.front)
    su = [(sx - _F32(head.shell_center[0])) * inv_axes[0], (sy - _F32(head.shell_center[1])) * inv_axes[1], (sz - _F32(head.shell_center[2])) * inv_axes[2]]
    around = np.arctan2(su[0], su[2])
    strands = _lookup(tex["strands"], around * _F32(48), su[1] * _F32(40))
    hair_front = shell.cover * _hair_mask(identity, su[0], su[1], su[2], strands) * _smoothstep(-0.03, 0.0, shell.front - face.front)
    hair_colour = np.asarray(identity.hair_rgb, dtype=_F32)
    hair_rgb = _shade_hair(hair_colour, shell.normal, light, half, strength, strands, su[1])

    bx, by, bz = frame.head_points(shell.back)
    bu = [(bx - _F32(head.shell_center[0])) * inv_axes[0], (by - _F32(head.shell_center[1])) * inv_axes[1], (bz - _F32(head.shell_center[2])) * inv_axes[2]]
    back_strands = _lookup(tex["strands"], np.arctan2(bu[0], bu[2]) * _F32(48), bu[1] * _F32(40))
    hair_back = shell.cover * _hair_mask(identity, bu[0], bu[1], bu[2], back_strands)
    hair_back_rgb = hair_colour * (_F32(0.35) + _F32(0.08) * back_strands)[..., None]

    neck = frame.cast(head.neck_center, head.neck_axes)
    neck_shade = _F32(_AMBIENT) * _F32(0.8) + strength * np.clip(neck.normal[0] * _F32(light[0]) + neck.normal[1] * _F32(light[1]) + neck.normal[2] * _F32(light[2]), 0, 1) * _F32(0.7)
    neck_alpha = neck.cover * _smoothstep(1.2, 0.9, frame.head_points(neck.front)[1] - _F32(head.neck_center[1]))

    image = _background(factors, size)
    if head.mass_center is not None:
        mass = frame.cast(head.mass_center, head.mass_axes)
        mass_strands = _lookup(tex["strands"], frame.xs * _F32(40) + frame.ys * _F32(0), frame.ys * _F32(10) + frame.xs * _F32(0))
        mass_rgb = _shade_hair(hair_colour, mass.normal, light, half, strength, mass_strands, _F32(0)) * _F32(0.8)
        _lerp3(image, mass_rgb, mass.cover)
    _lerp3(image, hair_back_rgb, hair_back)
    _lerp3(image, (skin * _F32(0.92))[None, None, :] * neck_shade[..., None], neck_alpha)
    _lerp3(image, face_rgb, face.cover)
    _lerp3(image, hair_rgb, hair_front)

    # ---- camera: noise, 8-bit, JPEG
    if factors.noise > 0:
        rng = np.random.default_rng([int(factors.noise_seed), 0xC0FFEE])
        r0, c0 = (int(v) for v in rng.integers(0, 512 - size + 1, 2))
        image += _noise_bank()[r0:r0 + size, c0:c0 + size] * _F32(factors.noise)
    out = (np.clip(image, 0, 1) * _F32(255) + _F32(0.5)).astype(np.uint8)
    if factors.jpeg_quality and int(factors.jpeg_quality) < 100 + 1:
        ok, encoded = cv2.imencode(".jpg", out[:, :, ::-1], [cv2.IMWRITE_JPEG_QUALITY, int(factors.jpeg_quality)])
        out = cv2.imdecode(encoded, cv2.IMREAD_COLOR)[:, :, ::-1].copy()

    landmarks = frame.project(_landmarks_head(identity, factors, head)).astype(_F32)
    result = FaceRender(image=out, landmarks=landmarks)
    if with_mask:
        result.mask = face.cover * _smoothstep(0.0, 0.15, frontness) * (_F32(1) - hair_front)
        alpha = np.maximum(np.maximum(face.cover, neck_alpha), np.maximum(hair_front, hair_back))
        if head.mass_center is not None:
            alpha = np.maximum(alpha, mass.cover)
        result.alpha = alpha
    return result


def _light_direction(factors: "Factors") -> np.ndarray:
    az, el = math.radians(factors.light_azimuth), math.radians(factors.light_elevation)
    return np.array([math.sin(az) * math.cos(el), math.sin(el), math.cos(az) * math.cos(el)])


def _shade_hair(colour, normal, light, half, strength, strands, v) -> np.ndarray:
    n0, n1, n2 = normal
    lambert = np.clip(n0 * _F32(light[0]) + n1 * _F32(light[1]) + n2 * _F32(light[2]), 0, 1)
    shade = _F32(_AMBIENT * 0.8) + strength * lambert * _F32(0.75)
    fibre = _F32(0.62) + _F32(0.22) * strands
    spec = np.clip(n0 * _F32(half[0]) + n1 * _F32(half[1]) + n2 * _F32(half[2]), 0, 1) ** 10 * strength * _F32(0.22) * np.clip(_F32(0.6) + _F32(0.5) * strands, 0, 1.5)
    return colour * (shade * fibre)[..., None] + spec[..., None]


def _paint_beard(identity, factors, albedo, gloss, hx, hy, front, tex) -> None:
    mouth = _mouth_shape(identity, factors)
    my = _F32(mouth["y"])
    strands = _lookup(tex["strands"], hx * _F32(140), hy * _F32(25))
    below_cheeks = _smoothstep(-0.12, -0.30, hy)  # under the cheekbones
    style = identity.beard
    if style == "moustache":
        region = np.exp(-((hx / _F32(mouth["half_width"] * 1.1)) ** 4)) * _smoothstep(0.0, 0.02, hy - my - _F32(mouth["upper"])) * _smoothstep(0.13, 0.08, hy - my - _F32(mouth["upper"]))
    elif style == "goatee":
        around = np.exp(-((hx / _F32(mouth["half_width"] * 1.2)) ** 4))
        region = around * (_smoothstep(0.0, 0.02, hy - my - _F32(mouth["upper"])) * _smoothstep(0.12, 0.07, hy - my - _F32(mouth["upper"])) + _smoothstep(-0.08, -0.14, hy - my))
    else:  # stubble, full: the whole lower face
        region = below_cheeks * _smoothstep(0.15, 0.0, hy - my - _F32(0.3) + _F32(0.35) * np.abs(hx))
    region = np.clip(region, 0, 1) * front
    density = _F32(0.42) if style == "stubble" else _F32(0.92)
    cover = region * np.clip(density + _F32(0.25) * strands, 0, 1)
    colour = np.asarray(identity.hair_rgb, dtype=_F32) * (_F32(0.75) + _F32(0.2) * strands)[..., None]
    _lerp3(albedo, colour, cover)
    gloss *= _F32(1) - _F32(0.7) * cover


def _paint_eyes(identity, factors, frame, head, albedo, gloss, hx, hy, hz, front, tex) -> None:
    half_w, open_h = identity.eye_width, identity.eye_height
    tilt = math.radians(identity.eye_tilt)
    blink = float(np.clip(factors.blink, 0, 1))
    for sign in (-1, 1):
        cx = sign * head.eye_x
        corners = np.array([[cx + dx * (half_w + 0.08), _EYE_Y + dy * 0.16, head.eye_z] for dx in (-1, 1) for dy in (-1, 1)])
        block = frame.box(corners, 2)
        if block is None:
            continue
        r, c = block
        x = (hx[r, c] - _F32(cx)) * _F32(sign)  # toward the temple is +x for both eyes
        y = hy[r, c] - _F32(_EYE_Y)
        y = y - _F32(math.tan(tilt)) * x  # canthal tilt: outer corner higher
        ex = x / _F32(half_w)
        shape = np.clip(_F32(1) - ex * ex, 0, 1)
        # lids: a parabola above (asymmetric: fuller toward the inner corner), a flatter one below
        top_open = _F32(open_h) * shape * (_F32(1) - _F32(0.15) * ex)
        bottom = -_F32(0.55 * open_h) * shape
        top = bottom + (top_open - bottom) * _F32(1 - blink)
        inside = _smoothstep(-0.006, 0.004, top - y) * _smoothstep(-0.006, 0.004, y - bottom) * (np.abs(ex) < 1)
        inside = inside * front[r, c]
        # eyeball: sclera shaded toward the corners, iris with radial fibres, pupil, catchlight
        gaze_x = float(np.clip(factors.gaze_x, -1, 1)) * 0.42 * half_w * sign
        gaze_y = float(np.clip(factors.gaze_y, -1, 1)) * 0.4 * open_h
        ix, iy = x - _F32(gaze_x), y - _F32(gaze_y)
        radius = _F32(identity.iris_size)
        dist = np.sqrt(ix * ix + iy * iy)
        sclera = np.asarray(identity.sclera_rgb, dtype=_F32) * (_F32(1) - _F32(0.35) * ex * ex)[..., None]
        angle = np.arctan2(iy, ix)
        fibres = _lookup(tex["strands"], angle * _F32(30), dist * _F32(400))
        iris = np.asarray(identity.iris_rgb, dtype=_F32) * (_F32(0.8) + _F32(0.18) * fibres + _F32(0.35) * (dist / radius))[..., None]
        limbus = _smoothstep(0.75, 1.0, dist / radius)
        iris *= (_F32(1) - _F32(0.5) * limbus)[..., None]
        eye_rgb = sclera.copy()
        _lerp3(eye_rgb, iris, _smoothstep(1.05, 0.95, dist / radius))
        _lerp3(eye_rgb, np.array([0.03, 0.03, 0.035], dtype=_F32), _smoothstep(0.46, 0.38, dist / radius))
        # the upper lid casts a shadow on the eyeball
        lid_shadow = _smoothstep(_F32(0.6 * open_h), 0.0, top - y)
        eye_rgb *= (_F32(0.55) + _F32(0.45) * (_F32(1) - lid_shadow))[..., None]
        catch = np.exp(-(((ix + _F32(0.25) * radius) ** 2 + (iy - _F32(0.3) * radius) ** 2) / (_F32(0.2) * radius) ** 2))
        eye_rgb += _F32(0.6) * catch[..., None]
        block_albedo = albedo[r, c]
        # lid edge and lashes: a dark band along the upper lid, thicker at the outer end
        lash_width = _F32(0.012 + 0.012 * identity.lashes) * (_F32(0.6) + _F32(0.6) * np.clip(ex + 0.5, 0, 1))
        lash_band = _smoothstep(0.0, 0.004, y - top + _F32(0.004)) * _smoothstep(lash_width, 0.0, y - top) * (np.abs(ex) < 1.08)
        lash_comb = _F32(0.75) + _F32(0.25) * np.cos(ex * _F32(60))
        lash_alpha = lash_band * lash_comb * front[r, c]
        # lid crease above the eye, lower lid line
        crease_y = top_open * _F32(0.7) + _F32(0.045) + _F32(0.01 * identity.brow_height)
        crease = np.exp(-(((y - crease_y) / _F32(0.012)) ** 2)) * shape * _F32(1 - 0.6 * blink)
        lower_line = np.exp(-(((y - bottom + _F32(0.006)) / _F32(0.008)) ** 2)) * shape
        block_albedo *= (_F32(1) - _F32(0.22) * crease * front[r, c] - _F32(0.12) * lower_line * front[r, c])[..., None]
        _lerp3(block_albedo, eye_rgb, inside)
        _lerp3(block_albedo, np.array([0.05, 0.04, 0.04], dtype=_F32), lash_alpha)
        gloss[r, c] += _F32(0.5) * inside


def _paint_brows(identity, factors, frame, head, albedo, hx, hy, front, tex) -> None:
    by = _brow_y(identity, factors)
    half_len = identity.brow_length
    for sign in (-1, 1):
        cx = sign * (head.eye_x + 0.02)
        corners = np.array([[cx + dx * (half_len + 0.05), by + dy * 0.12, head.eye_z] for dx in (-1, 1) for dy in (-1, 1)])
        block = frame.box(corners, 2)
        if block is None:
            continue
        r, c = block
        x = (hx[r, c] - _F32(cx)) * _F32(sign)
        t = x / _F32(half_len)  # -1 inner end .. 1 outer end
        centre_y = _F32(by) + _F32(identity.brow_arch) * (_F32(1) - (t - _F32(0.2)) ** 2) - _F32(0.03) * np.clip(t, 0, 1) ** 2
        thickness = _F32(identity.brow_thickness) * (_F32(1.1) - _F32(0.5) * np.clip(t, 0, 1)) * (_F32(0.6) + _F32(0.4) * np.clip(t + 1, 0, 1))
        dy = np.abs(hy[r, c] - centre_y)
        strands = _lookup(tex["strands"], hy[r, c] * _F32(300) + x * _F32(60), x * _F32(30))
        alpha = _smoothstep(1.0, 0.6, dy / thickness) * _smoothstep(1.05, 0.9, np.abs(t)) * np.clip(_F32(0.8) + _F32(0.35) * strands, 0, 1)
        alpha = alpha * front[r, c]
        colour = np.asarray(identity.brow_rgb, dtype=_F32) * (_F32(0.9) + _F32(0.15) * strands)[..., None]
        _lerp3(albedo[r, c], colour, alpha)


def _paint_mouth(identity, factors, frame, head, albedo, gloss, hx, hy, front, tex) -> None:
    m = _mouth_shape(identity, factors)
    w = m["half_width"]
    corners = np.array([[dx * (w + 0.07), m["y"] + dy, head.eye_z - 0.2] for dx in (-1, 1) for dy in (-m["gap"] - m["lower"] - 0.08, m["upper"] + 0.1 + m["corner_lift"])])
    block = frame.box(corners, 2)
    if block is None:
        return
    r, c = block
    x, y = hx[r, c], hy[r, c] - _F32(m["y"])
    t = x / _F32(w)
    inside_w = np.clip(_F32(1) - t * t, 0, 1)
    line = _F32(m["corner_lift"]) * t * t  # the line between the lips: corners lift with a smile
    gap = _F32(m["gap"]) * inside_w ** _F32(0.7)
    upper_edge = line + _F32(0.3) * gap
    lower_edge = line - _F32(0.7) * gap
    bow = _F32(0.018) * np.exp(-((t / _F32(0.18)) ** 2))  # cupid's bow dip at the top of the upper lip
    upper_top = upper_edge + _F32(m["upper"]) * np.sqrt(inside_w) - bow + _F32(0.012) * np.exp(-(((np.abs(t) - _F32(0.3)) / _F32(0.2)) ** 2))
    lower_bottom = lower_edge - _F32(m["lower"]) * np.sqrt(inside_w)
    soft = 0.006
    upper = _smoothstep(-soft, soft, upper_top - y) * _smoothstep(-soft, soft, y - upper_edge)
    lower = _smoothstep(-soft, soft, y - lower_bottom) * _smoothstep(-soft, soft, lower_edge - y)
    opening = _smoothstep(-soft, soft, upper_edge - y) * _smoothstep(-soft, soft, y - lower_edge) * (gap > 0.002)
    lip_lines = _lookup(tex["strands"], x * _F32(500), y * _F32(40))  # fine vertical creases
    lip_rgb = np.asarray(identity.lip_rgb, dtype=_F32) * (_F32(0.93) + _F32(0.05) * lip_lines)[..., None]
    lower_rgb = lip_rgb * _F32(1.08)
    fr = front[r, c]
    block_albedo = albedo[r, c]
    # inside the mouth: dark, with the upper teeth showing below the upper lip
    teeth = _smoothstep(0.0, 0.006, y - upper_edge + _F32(0.045)) * _smoothstep(-0.1, 0.0, -np.abs(t) + _F32(0.7))
    gaps_between = _F32(1) - _F32(0.25) * np.exp(-((np.sin(x * _F32(70)) / _F32(0.12)) ** 2))
    inner = np.array([0.18, 0.05, 0.06], dtype=_F32) + (np.array([0.86, 0.83, 0.76], dtype=_F32) - np.array([0.18, 0.05, 0.06], dtype=_F32)) * (teeth * gaps_between)[..., None]
    _lerp3(block_albedo, inner, opening * fr)
    _lerp3(block_albedo, lip_rgb, upper * fr)
    _lerp3(block_albedo, lower_rgb, lower * fr)
    # the line where closed lips meet, and the corners
    seam = np.exp(-(((y - line) / _F32(0.007)) ** 2)) * inside_w * (gap < 0.01)
    corner_dots = np.exp(-(((np.abs(t) - _F32(1)) / _F32(0.06)) ** 2 + ((y - line) / _F32(0.02)) ** 2))
    block_albedo *= (_F32(1) - (_F32(0.4) * seam + _F32(0.25) * corner_dots) * fr)[..., None]
    gloss[r, c] += _F32(0.35) * lower * fr + _F32(0.15) * upper * fr


def _paint_nostrils(head, frame, albedo, hx, hy, front) -> None:
    cy = _NOSE_Y - 0.07
    wx = head.wing_center[0] * 0.55
    corners = np.array([[dx * (wx + 0.06), cy + dy * 0.05, head.eye_z] for dx in (-1, 1) for dy in (-1, 1)])
    block = frame.box(corners, 2)
    if block is None:
        return
    r, c = block
    dark = np.exp(-(((np.abs(hx[r, c]) - _F32(wx)) / _F32(0.035)) ** 2 + ((hy[r, c] - _F32(cy)) / _F32(0.018)) ** 2))
    albedo[r, c] *= (_F32(1) - _F32(0.55) * dark * front[r, c])[..., None]


def _paint_glasses(identity, frame, head, albedo, gloss, hx, hy, hz, tex) -> None:
    rw, rh = identity.eye_width + 0.07, identity.eye_height + 0.07
    p = _F32(identity.glasses_squareness)
    thick = _F32(0.012 + 0.012 * identity.glasses_thickness)
    frame_rgb = np.asarray(identity.glasses_rgb, dtype=_F32)
    lens_cy = _EYE_Y - 0.01
    corners = np.array([[dx * 1.05, lens_cy + dy * (rh + 0.04), head.eye_z] for dx in (-1, 1) for dy in (-1, 1)])
    block = frame.box(corners, 3)
    if block is None:
        return
    r, c = block
    x, y = hx[r, c], hy[r, c] - _F32(lens_cy)
    alpha = np.zeros_like(x)
    lens = np.zeros_like(x)
    for sign in (-1, 1):
        lx = (x - _F32(sign * head.eye_x)) / _F32(rw)
        ly = y / _F32(rh)
        radius = (np.abs(lx) ** p + np.abs(ly) ** p) ** (_F32(1) / p)
        ring = _smoothstep(thick * 2.5, thick * 1.5, np.abs(radius - _F32(1)) * _F32(rw))
        alpha = np.maximum(alpha, ring)
        lens = np.maximum(lens, _smoothstep(1.0, 0.95, radius))
        # temple arm from the outer edge of the frame back toward the ear
        arm = _smoothstep(0.0, 0.01, (x - _F32(sign * (head.eye_x + rw * 0.95))) * _F32(sign)) * _smoothstep(thick * 1.2, thick * 0.6, np.abs(y - _F32(0.35 * rh)))
        alpha = np.maximum(alpha, arm * _smoothstep(-0.1, 0.1, hz[r, c] - _F32(head.cranium_center[2])))
    bridge_inner = head.eye_x - rw * 0.95
    bridge = _smoothstep(_F32(bridge_inner) + _F32(0.01), _F32(bridge_inner) - _F32(0.01), np.abs(x)) * _smoothstep(thick * 1.3, thick * 0.7, np.abs(y - _F32(0.3 * rh)))
    alpha = np.maximum(alpha, bridge)
    block_albedo = albedo[r, c]
    # lenses: a faint tint and a diagonal reflection streak
    streak = _smoothstep(0.05, 0.0, np.abs((x - y) % _F32(0.5) - _F32(0.25)) - _F32(0.03)) * _F32(0.1)
    _lerp3(block_albedo, np.array([0.85, 0.9, 0.95], dtype=_F32), lens * (_F32(0.06) + streak))
    _lerp3(block_albedo, frame_rgb, alpha)
    gloss[r, c] += _F32(0.6) * alpha + _F32(0.3) * lens

"""Alignment: turn a found face into a square, level crop, and back again.

Every crop is made by one similarity transform (rotation, uniform scale, shift), a 2x3 matrix
``transform`` that maps frame pixels to crop pixels. Its ``inverse`` maps crop pixels back to the
frame, so a swapped face can be pasted where the original was (``paste_back``).

Two framings (``CROPS``):
- ``swap``: tight around the face (brows to chin), 64-256 px, what the face-swap autoencoder
  learns from.
- ``mesonet``: 256 px and looser, the whole face with some margin, like the Viola-Jones crops
  the MesoNet authors fed their detector.

With eyes only (the OpenCV backend) the transform puts the two eye centres level at the crop's
eye targets. With 68 landmarks whose eyes are their contours' means (face-alignment) it is the robust
similarity fit (``fit_similarity``) from the landmarks to ``MEAN_FACE_68`` placed in the crop;
with eyes moved to the iris (dlib, ``eyes="landmarks-iris"``) it is the two eyes again.
"""

from __future__ import annotations

from dataclasses import dataclass

import cv2
import numpy as np

from deepfake_edu.data.twins_render import EYE_LEFT, EYE_RIGHT
from deepfake_edu.errors import LabError
from deepfake_edu.faces.backends.base import Face


@dataclass(frozen=True)
class CropSpec:
    """How a crop frames the face: where the eye centres land, as fractions of the crop side."""

    name: str
    eye_y: float  # height of the eye line, fraction of the crop side from the top
    eye_gap: float  # distance between the eye centres, fraction of the crop side
    min_size: int  # smallest allowed crop side, pixels
    max_size: int  # largest allowed crop side, pixels
    default_size: int  # crop side when none is asked for, pixels

    def eye_targets(self, size: int) -> np.ndarray:
        """(2, 2) crop pixels of the left and right eye centres for a crop ``size`` pixels wide."""
        half = self.eye_gap / 2
        return np.array([[0.5 - half, self.eye_y], [0.5 + half, self.eye_y]], dtype=np.float64) * size


CROPS = {
    # The eye-to-chin distance is about 1.2 eye gaps, so with the eyes 42% of the side apart and
    # 38% down, the chin lands near 88%: a tight crop of the inner face, as face-swap models use.
    "swap": CropSpec("swap", eye_y=0.38, eye_gap=0.42, min_size=64, max_size=256, default_size=128),
    # A looser frame: the eyes 30% of the side apart leave the forehead, chin and cheeks inside.
    "mesonet": CropSpec("mesonet", eye_y=0.42, eye_gap=0.30, min_size=256, max_size=256, default_size=256),
}


def crop_spec(kind: str, size: int | None = None) -> tuple[CropSpec, int]:
    """The framing called ``kind`` and a checked crop side."""
    if kind not in CROPS:
        raise LabError(f"unknown crop {kind!r}: use one of {', '.join(CROPS)}")
    spec = CROPS[kind]
    size = spec.default_size if size is None else int(size)
    if not spec.min_size <= size <= spec.max_size:
        raise LabError(f"a {kind} crop is {spec.min_size}-{spec.max_size} pixels wide, not {size}: choose a size in that range")
    return spec, size


def _mean_face_68() -> np.ndarray:
    """A 68-point mean face (iBUG 300-W numbering), in units of the eye gap, eye midpoint at 0.

    Built from plain face proportions (an ellipse for the jaw, arcs for the brows, almond eyes,
    a nose line, two mouth rings), not copied from a data set. The eye centres (means of points
    36-41 and 42-47) sit at exactly (-0.5, 0) and (0.5, 0), so both backends aim at the same
    eye targets.
    """
    points = []
    for t in np.linspace(-0.1, np.pi + 0.1, 17):  # 0-16 jaw, from the image's left ear round the chin
        points.append((-0.95 * np.cos(t), 0.15 + 1.15 * np.sin(t)))
    for side in (-1, 1):  # 17-21 left brow (outer to inner), 22-26 right brow (inner to outer)
        xs = np.linspace(-0.85, -0.15, 5) if side < 0 else np.linspace(0.15, 0.85, 5)
        for x in xs:
            centre = 0.5 * side
            points.append((x, -0.32 - 0.08 * (1 - ((x - centre) / 0.4) ** 2)))
    for y in np.linspace(0.0, 0.45, 4):  # 27-30 nose bridge to tip
        points.append((0.0, y))
    for x in np.linspace(-0.2, 0.2, 5):  # 31-35 nostrils
        points.append((x, 0.6 + 0.05 * (1 - (x / 0.2) ** 2)))
    eye = [(-0.15, 0.0), (-0.05, -0.06), (0.05, -0.06), (0.15, 0.0), (0.05, 0.06), (-0.05, 0.06)]
    for x, y in eye:  # 36-41 left eye, from its outer corner, clockwise
        points.append((-0.5 + x, y))
    for x, y in eye:  # 42-47 right eye, from its inner corner, clockwise
        points.append((0.5 + x, y))
    # y grows downwards: the upper lip (49-53, 61-63) has the smaller y, hence the minus sign.
    for t in np.linspace(np.pi, -np.pi, 13)[:-1]:  # 48-59 outer lips, from the left corner, clockwise
        points.append((0.42 * np.cos(t), 0.95 - 0.16 * np.sin(t)))
    for t in np.linspace(np.pi, -np.pi, 9)[:-1]:  # 60-67 inner lips, from the left corner, clockwise
        points.append((0.3 * np.cos(t), 0.95 - 0.05 * np.sin(t)))
    return np.array(points, dtype=np.float64)


MEAN_FACE_68 = _mean_face_68()  # (68, 2)


def fit_similarity(source: np.ndarray, target: np.ndarray) -> np.ndarray:
    """The similarity (rotation, uniform scale, shift) that best maps ``source`` onto ``target``.

    ``source`` and ``target`` are (N, 2) pixel points, N >= 2; returns the 2x3 matrix M with
    ``target ~= source @ M[:, :2].T + M[:, 2]``. OpenCV's least-median fit
    (``estimateAffinePartial2D`` with LMEDS, refined on its inliers): on 68 landmarks with
    detector-like noise it lands the eyes as closely as a least-squares (Umeyama) fit, and with a
    few landmarks on the wrong feature it stays within 0.4% of the eye gap where least squares
    drifts 3-7% (scripts/umeyama_vs_opencv.py). Two points give the exact similarity.
    """
    source = np.asarray(source, dtype=np.float64)
    target = np.asarray(target, dtype=np.float64)
    if source.shape != target.shape or source.ndim != 2 or source.shape[1] != 2 or source.shape[0] < 2:
        raise ValueError("fit_similarity needs two (N, 2) point sets of the same shape, N >= 2")
    matrix, _ = cv2.estimateAffinePartial2D(source, target, method=cv2.LMEDS)
    if matrix is None:
        raise LabError("the landmarks are degenerate (all at one place): no face alignment is possible")
    return matrix


def invert_affine(matrix: np.ndarray) -> np.ndarray:
    """Inverse of a 2x3 affine matrix, as 2x3."""
    return cv2.invertAffineTransform(np.asarray(matrix, dtype=np.float64))


def apply_affine(matrix: np.ndarray, points: np.ndarray) -> np.ndarray:
    """Map (N, 2) points through a 2x3 matrix."""
    points = np.asarray(points, dtype=np.float64).reshape(-1, 2)
    return points @ np.asarray(matrix)[:, :2].T + np.asarray(matrix)[:, 2]


def turn_whole(image: np.ndarray, degrees: float) -> tuple[np.ndarray, np.ndarray]:
    """``image`` turned ``degrees`` anticlockwise about its centre, on a canvas just big enough to
    hold all of it (edges repeated into the corners), and the 2x3 matrix from image to canvas pixels."""
    height, width = image.shape[:2]
    matrix = cv2.getRotationMatrix2D((width / 2, height / 2), degrees, 1.0)
    cos, sin = abs(matrix[0, 0]), abs(matrix[0, 1])
    canvas = (int(np.ceil(width * cos + height * sin)), int(np.ceil(width * sin + height * cos)))
    matrix[:, 2] += ((canvas[0] - width) / 2, (canvas[1] - height) / 2)
    return cv2.warpAffine(image, matrix, canvas, flags=cv2.INTER_LINEAR, borderMode=cv2.BORDER_REPLICATE), matrix


def face_transform(face: Face, spec: CropSpec, size: int) -> np.ndarray:
    """The 2x3 frame -> crop matrix for ``face`` framed as ``spec`` at ``size`` pixels."""
    targets = spec.eye_targets(size)
    # Eyes moved to the iris (dlib's "landmarks-iris") are placed exactly: on the hand-labelled
    # photos they put 35 of 40 swap crops within 3%, where the fit of the same dlib landmarks to
    # MEAN_FACE_68 (a hand-drawn mean face, not a measured one) put 17.
    if face.landmarks is not None and len(face.landmarks) == 68 and face.eyes == "landmarks":
        gap = targets[1, 0] - targets[0, 0]
        placed = MEAN_FACE_68 * gap + targets.mean(axis=0)
        return fit_similarity(face.landmarks, placed)
    return fit_similarity(np.array([face.left_eye, face.right_eye]), targets)


@dataclass
class AlignedCrop:
    """A square face crop and the transforms between it and its frame."""

    image: np.ndarray  # uint8 RGB (size, size, 3)
    transform: np.ndarray  # 2x3 float64, frame pixels -> crop pixels
    inverse: np.ndarray  # 2x3 float64, crop pixels -> frame pixels (``to_frame``)
    kind: str  # "swap" or "mesonet"
    face: Face  # what was found in the frame

    @property
    def size(self) -> int:
        return int(self.image.shape[0])

    @property
    def to_frame(self) -> np.ndarray:
        """2x3 crop -> frame matrix, the one ``paste_back`` uses."""
        return self.inverse

    def eye_positions(self) -> np.ndarray:
        """(2, 2) where the frame's eye centres land in the crop."""
        return apply_affine(self.transform, [self.face.left_eye, self.face.right_eye])

    def mask(self, feather: float = 0.08) -> np.ndarray:
        """float32 (size, size) in [0, 1]: an ellipse over the face, soft at its edge.

        The ellipse covers brows to chin for the swap framing; ``feather`` is the width of the
        soft edge as a fraction of the crop side.
        """
        spec = CROPS[self.kind]
        size = self.size
        centre = (size * 0.5, size * (spec.eye_y + 0.55 * spec.eye_gap))
        axes = (size * spec.eye_gap * 0.95, size * spec.eye_gap * 1.2)
        mask = np.zeros((size, size), np.float32)
        cv2.ellipse(mask, (int(round(centre[0])), int(round(centre[1]))), (int(axes[0]), int(axes[1])), 0, 0, 360, 1.0, -1)
        blur = max(1, int(round(feather * size)) | 1)
        return cv2.GaussianBlur(mask, (blur, blur), 0)


def align_face(frame: np.ndarray, face: Face, kind: str = "swap", size: int | None = None) -> AlignedCrop:
    """Cut ``face`` out of uint8 RGB ``frame`` as a level, square crop (see ``CROPS``)."""
    spec, size = crop_spec(kind, size)
    transform = face_transform(face, spec, size)
    image = cv2.warpAffine(frame, transform, (size, size), flags=cv2.INTER_LINEAR, borderMode=cv2.BORDER_REFLECT101)
    return AlignedCrop(image=image, transform=transform, inverse=invert_affine(transform), kind=spec.name, face=face)


# The MesoNet authors' crop (their pipeline.py, read for its geometry): centred between the nose's
# tip and bridge, turned so that the line from the eyes' midpoint to the mouth's is upright, and
# AUTHORS_SIDE_FACTOR times the larger of the eye gap and the eyes-to-mouth distance wide
# (their K = 2.2, then l_factor = 1.3).
AUTHORS_CROP = "authors"
AUTHORS_SIDE_FACTOR = 2.2 * 1.3
# iBUG 68-point indices (dlib's order): the eyes, the nose bridge and tip, the upper and lower lip.
_EYE_LEFT, _EYE_RIGHT = slice(36, 42), slice(42, 48)
_NOSE_BRIDGE, _NOSE_TIP = slice(27, 31), slice(31, 36)
_UPPER_LIP = [48, 49, 50, 51, 52, 53, 54, 60, 61, 62, 63, 64]
_LOWER_LIP = [54, 55, 56, 57, 58, 59, 48, 64, 65, 66, 67, 60]


def authors_transform(landmarks: np.ndarray, size: int = 256) -> np.ndarray:
    """The 2x3 frame -> crop matrix of the MesoNet authors' crop, from 68 landmarks (68, 2) in
    frame pixels (x, y), for a crop ``size`` pixels wide."""
    points = np.asarray(landmarks, dtype=np.float64)
    if points.shape != (68, 2):
        raise LabError("the MesoNet authors' crop needs 68 landmarks: use the dlib backend (pip install 'deepfake-edu[faces]')")
    eye_left, eye_right = points[_EYE_LEFT].mean(axis=0), points[_EYE_RIGHT].mean(axis=0)
    eyes = (eye_left + eye_right) / 2
    mouth = (points[_UPPER_LIP].mean(axis=0) + points[_LOWER_LIP].mean(axis=0)) / 2
    centre = (points[_NOSE_BRIDGE].mean(axis=0) + points[_NOSE_TIP].mean(axis=0)) / 2
    side = AUTHORS_SIDE_FACTOR * max(np.linalg.norm(eye_right - eye_left), np.linalg.norm(mouth - eyes))
    down = (mouth - eyes) / max(np.linalg.norm(mouth - eyes), 1e-9)  # the face's own "down", made the crop's
    across = np.array([down[1], -down[0]])  # its left-to-right, a quarter turn from down
    scale = size / max(side, 1e-9)
    rows = [across * scale, down * scale]
    return np.array([[*row, size / 2 - float(row @ centre)] for row in rows], dtype=np.float64)


def align_authors(frame: np.ndarray, face: Face, size: int = 256) -> AlignedCrop:
    """``face`` cut out of uint8 RGB ``frame`` as the MesoNet authors cut theirs (``authors_transform``);
    a one-line LabError without 68 landmarks. The crop's ``kind`` is "mesonet" (its mask and framing
    are close to the lab's MesoNet crop)."""
    if face.landmarks is None or len(face.landmarks) != 68:
        raise LabError("the MesoNet authors' crop needs 68 landmarks: use the dlib backend (pip install 'deepfake-edu[faces]')")
    transform = authors_transform(face.landmarks, size)
    image = cv2.warpAffine(frame, transform, (size, size), flags=cv2.INTER_LINEAR, borderMode=cv2.BORDER_REFLECT101)
    return AlignedCrop(image=image, transform=transform, inverse=invert_affine(transform), kind="mesonet", face=face)


def paste_back(frame: np.ndarray, crop: np.ndarray, transform: np.ndarray, mask: np.ndarray | None = None,
               blend: str = "feather") -> np.ndarray:
    """Put ``crop`` (uint8 RGB, square) back into a copy of ``frame`` where it was cut from.

    ``transform`` is the crop's frame -> crop matrix (``AlignedCrop.transform``). ``mask`` is
    float (size, size) in [0, 1] (``AlignedCrop.mask()``, or the swap's soft face mask); without
    one the whole square is pasted. blend: "feather" (alpha through the mask) or "seamless"
    (OpenCV's Poisson cloning, ``cv2.seamlessClone``; where the face touches the frame's edge it
    falls back to feathering). Returns uint8 RGB (H, W, 3).
    """
    if blend not in ("feather", "seamless"):
        raise LabError(f"unknown blend {blend!r}: use feather or seamless")
    height, width = frame.shape[:2]
    inverse = invert_affine(transform)
    # The crop's edge is repeated outward so that the soft edge of the mask never blends in black.
    warped = cv2.warpAffine(crop, inverse, (width, height), flags=cv2.INTER_LINEAR, borderMode=cv2.BORDER_REFLECT)
    if mask is None:
        mask = np.ones(crop.shape[:2], np.float32)
    alpha = frame_alpha(mask, transform, (height, width))
    if blend == "seamless":
        hard = (alpha > 0.5).astype(np.uint8) * 255
        ys, xs = np.nonzero(hard)
        if len(xs) and xs.min() > 1 and ys.min() > 1 and xs.max() < width - 2 and ys.max() < height - 2:
            centre = (int((xs.min() + xs.max() + 1) // 2), int((ys.min() + ys.max() + 1) // 2))
            try:
                bgr = cv2.seamlessClone(np.ascontiguousarray(warped[..., ::-1]), np.ascontiguousarray(frame[..., ::-1]), hard, centre, cv2.NORMAL_CLONE)
                return np.ascontiguousarray(bgr[..., ::-1])
            except cv2.error:
                pass
    alpha = np.clip(alpha, 0, 1)[..., None]
    blended = frame.astype(np.float32) * (1 - alpha) + warped.astype(np.float32) * alpha
    return np.clip(np.round(blended), 0, 255).astype(np.uint8)


def frame_alpha(mask: np.ndarray, transform: np.ndarray, frame_shape: tuple[int, ...]) -> np.ndarray:
    """float32 (H, W): a crop's mask (float (size, size), 0..1) warped into the frame, 0 outside
    the crop; how much of each frame pixel ``paste_back`` takes from the crop (feather blend).
    ``transform`` is the crop's frame -> crop matrix; ``frame_shape`` starts with (H, W)."""
    height, width = frame_shape[:2]
    return cv2.warpAffine(np.asarray(mask, np.float32), invert_affine(transform), (width, height), flags=cv2.INTER_LINEAR,
                          borderMode=cv2.BORDER_CONSTANT, borderValue=0)


def paste_scale(transform: np.ndarray) -> float:
    """Frame pixels per crop pixel of a paste (the inverse of the crop's scale): ~2.9 when a
    64 px swap crop goes back into a 256 px twins frame."""
    return float(1 / np.sqrt(abs(np.linalg.det(np.asarray(transform, np.float64)[:, :2]))))


# --- the swap framing of the synthetic twins -----------------------------------------------------
# A twins picture shows the whole head, its eyes always where the renderer puts them, so one
# fixed transform cuts its swap crop: training, the true answers, conversion and the lessons all
# use it (``twins_transform``), so that every face-swap model sees one framing.

SWAP_FRAMING = "swap"  # what every face-swap model sees; checkpoints record it as "framing"
TWINS_EYES = (EYE_LEFT, EYE_RIGHT)  # a twins picture's eye centres, fractions of its side, image-left first


def eyes_transform(eye_left, eye_right, size: int) -> np.ndarray:
    """2x3 similarity (rotation, uniform scale, shift) from frame pixels to a ``size`` px swap
    crop that puts the eyes (frame pixels, image-left eye first) where the swap framing wants them."""
    return fit_similarity(np.array([eye_left, eye_right], np.float64), CROPS[SWAP_FRAMING].eye_targets(size))


def warp_crop(frame: np.ndarray, transform: np.ndarray, size: int) -> np.ndarray:
    """uint8 (size, size, C) cut from ``frame`` by the 2x3 ``transform`` (frame -> crop pixels).

    A shrinking transform first resizes the frame with pixel averaging, so a big picture does
    not alias into a small crop (a bilinear warp alone skips pixels).
    """
    transform = np.asarray(transform, np.float64)
    scale = float(np.sqrt(abs(np.linalg.det(transform[:, :2]))))
    if scale < 0.9:
        height, width = frame.shape[:2]
        small = (max(1, round(width * scale)), max(1, round(height * scale)))
        frame = cv2.resize(frame, small, interpolation=cv2.INTER_AREA)
        # A pixel centre x of the small frame sits at (x + 0.5) * ratio - 0.5 in the big one.
        ratio = np.array([width / small[0], height / small[1]])
        transform = np.hstack([transform[:, :2] * ratio, (transform[:, 2] + transform[:, :2] @ (0.5 * ratio - 0.5))[:, None]])
    return cv2.warpAffine(frame, transform, (size, size), flags=cv2.INTER_LINEAR, borderMode=cv2.BORDER_REFLECT)


def align_by_eyes(frame: np.ndarray, eye_left: tuple[float, float], eye_right: tuple[float, float], size: int) -> tuple[np.ndarray, np.ndarray]:
    """Swap crop (size, size, 3) with the eyes (frame pixels; image-left eye first) where the
    training crops have them; returns (crop, transform frame -> crop)."""
    transform = eyes_transform(eye_left, eye_right, size)
    return warp_crop(frame, transform, size), transform


def twins_transform(side: int, size: int) -> np.ndarray:
    """2x3 transform from a square twins picture ``side`` px wide to its ``size`` px swap crop."""
    (left_x, left_y), (right_x, right_y) = TWINS_EYES
    return eyes_transform((left_x * side, left_y * side), (right_x * side, right_y * side), size)


def twins_crops(pictures: np.ndarray, size: int) -> np.ndarray:
    """uint8 (N, size, size, 3): the swap crops of square twins pictures uint8 (N, S, S, 3)."""
    transform = twins_transform(pictures.shape[1], size)
    return np.stack([warp_crop(picture, transform, size) for picture in pictures])

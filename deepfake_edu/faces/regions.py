"""Face regions from landmarks: the one place that turns landmarks into masks of eyes, mouth,
nose, cheeks, brows and background.

Three kinds of mask, for three uses:

- ``region_masks(landmarks, size)``: bool masks of eyes, mouth, nose, cheeks and background that
  do not overlap, shaped by the head's roll; what occlusion studies hide one at a time
  (``forensics.occlusion``) and what Grad-CAM averages are taken over.
- ``priority_mask(landmarks, size)``: a soft float mask over the eyes and the mouth, where the
  face-swap loss weighs errors more (``swap.train``).
- ``twins_region_box(landmarks, region, size)``: the box round one region of a synthetic twin,
  from the renderer's own landmark names (lesson 1's error per region).

Landmark dict (pixel coordinates (x, y) in the image the masks are for):

    "eye_left", "eye_right"      centres of the eyes (left = smaller x in the image)   required
    "nose_tip"                   tip of the nose                                        required
    "mouth_left", "mouth_right"  corners of the mouth                                   required
    "mouth_center"               centre of the mouth (default: midpoint of the corners) optional
    "chin"                       bottom of the chin                                     required
    "outline"                    (K, 2) points of the jaw line, e.g. the twins'
                                 outline_00.. (widens the default face)                 optional
    "face_mask"                  bool (H, W), True on the face (default: an ellipse
                                 fitted to the landmarks, joined with the outline's hull) optional

``landmarks_from_68(points)`` converts the common 68-point (iBUG) layout to this dict;
``landmarks_from_eyes(left, right)`` estimates it from the eye centres alone.
"""

from __future__ import annotations

from typing import Mapping

import cv2
import numpy as np

from deepfake_edu.data.twins_render import LANDMARK_INDEX
from deepfake_edu.errors import LabError
from deepfake_edu.faces.align import MEAN_FACE_68, apply_affine

REGIONS = ("eyes", "mouth", "nose", "cheeks", "background")  # what region_masks returns
REQUIRED_LANDMARKS = ("eye_left", "eye_right", "nose_tip", "mouth_left", "mouth_right", "chin")


# ---------------------------------------------------------------------- the landmark dict


def _point(landmarks: Mapping, key: str) -> np.ndarray:
    return np.asarray(landmarks[key], np.float64).reshape(2)


def landmarks_from_68(points) -> dict:
    """68-point iBUG landmarks (68, 2) (x, y) -> the landmark dict of this module."""
    p = np.asarray(points, np.float64)
    if p.shape != (68, 2):
        raise LabError(f"expected 68 (x, y) landmarks, got shape {p.shape}")
    first, second = p[36:42].mean(0), p[42:48].mean(0)
    left, right = (first, second) if first[0] <= second[0] else (second, first)
    return {
        "eye_left": tuple(left),
        "eye_right": tuple(right),
        "nose_tip": tuple(p[30]),
        "mouth_left": tuple(p[48]),
        "mouth_right": tuple(p[54]),
        "mouth_center": tuple(p[[51, 57, 62, 66]].mean(0)),
        "chin": tuple(p[8]),
    }


def landmarks_from_eyes(left_eye, right_eye) -> dict:
    """Estimate the landmark dict from the two eye centres alone (what the OpenCV backend finds).

    The lab's mean face (``faces.align.MEAN_FACE_68``, in eye-gap units) is scaled, rotated and
    placed on the eyes; nose, mouth and chin are where an average face has them, so the masks are
    approximate for unusual faces or strong head turns.
    """
    left, right = np.asarray(left_eye, np.float64), np.asarray(right_eye, np.float64)
    if left[0] > right[0]:
        left, right = right, left
    gap = right - left
    scale = float(np.hypot(*gap))
    if scale < 2:
        raise LabError("the two eye positions are (almost) the same: check the landmarks")
    along = gap / scale
    across = np.array([-along[1], along[0]])  # image "down" for an upright face
    points = (left + right) / 2 + scale * (MEAN_FACE_68[:, :1] * along + MEAN_FACE_68[:, 1:] * across)
    return landmarks_from_68(points)


LANDMARK_KEYS = (*REQUIRED_LANDMARKS, "mouth_center")


def landmarks_from_record(record: Mapping) -> dict | None:
    """The landmark dict of one dataset record, in its crop's pixels; None when it has none.

    Understands: "landmarks" already in this module's format (a dict with "eye_left", ...,
    crop pixels, as the synthetic twins give; their "outline_NN" points become "outline"); "landmarks" as 68 (x, y) frame points plus the
    record's "transform" (frame -> crop, as ``faces extract`` writes); or only "eyes"
    {"left", "right"} plus "transform" (the OpenCV backend), completed by ``landmarks_from_eyes``.
    """
    given = record.get("landmarks")
    if isinstance(given, Mapping):
        found = {key: tuple(np.asarray(given[key], np.float64).reshape(2)) for key in LANDMARK_KEYS if key in given}
        outline = [given[key] for key in sorted(given) if key.startswith("outline_")]
        if outline:
            found["outline"] = np.asarray(outline, np.float64).reshape(-1, 2)
        if "face_mask" in given and given["face_mask"] is not None:
            found["face_mask"] = np.asarray(given["face_mask"], bool)
        return found if all(key in found for key in REQUIRED_LANDMARKS) else None
    transform = record.get("transform")
    if transform is None:
        return None
    transform = np.asarray(transform, np.float64)
    if given is not None and np.asarray(given).shape == (68, 2):
        return landmarks_from_68(apply_affine(transform, np.asarray(given, np.float64)))
    eyes = record.get("eyes")
    if isinstance(eyes, Mapping) and "left" in eyes and "right" in eyes:
        left, right = apply_affine(transform, np.array([eyes["left"], eyes["right"]], np.float64))
        return landmarks_from_eyes(left, right)
    return None


def landmarks_for_crop(crop: np.ndarray) -> dict | None:
    """Find the face in a square crop with the OpenCV backend; its landmark dict, or None if none is found."""
    from deepfake_edu.faces import get_backend

    faces = get_backend("opencv", min_face=max(20, crop.shape[0] // 4)).detect(crop)
    if not faces:
        return None
    face = faces[0]
    if face.landmarks is not None and len(face.landmarks) == 68:
        return landmarks_from_68(face.landmarks)
    return landmarks_from_eyes(face.left_eye, face.right_eye)




# ------------------------------------------------------------ non-overlapping region masks


def _ellipse(shape: tuple[int, int], centre, axes, angle_degrees: float) -> np.ndarray:
    canvas = np.zeros(shape, np.uint8)
    # cv2.ellipse draws with integer geometry; shift=4 gives 1/16-pixel precision
    scale = 16
    cv2.ellipse(
        canvas,
        (int(round(centre[0] * scale)), int(round(centre[1] * scale))),
        (max(1, int(round(axes[0] * scale))), max(1, int(round(axes[1] * scale)))),
        angle_degrees,
        0,
        360,
        1,
        thickness=-1,
        shift=4,
    )
    return canvas.astype(bool)


def region_masks(landmarks: Mapping, size) -> dict[str, np.ndarray]:
    """Bool masks (H, W) of the facial regions: eyes, mouth, nose, cheeks, background.

    size: S (square) or (H, W). Geometry scales with the distance d between the eye centres and
    follows the head's roll (the angle of the eye line):
    eyes = an ellipse 0.8 d x 0.5 d around each eye (brows included);
    mouth = an ellipse through the corners, padded by 0.15 d, 0.45 d tall;
    nose = an ellipse from the eye line to just below the nose tip, 0.45 d wide, minus the eyes;
    cheeks = a disc of radius 0.3 d on each side between eye and mouth corner, outside the others;
    background = outside the face (the given ``face_mask``, else an ellipse fitted to the landmarks
    joined with the convex hull of the ``outline`` when there is one).
    The eyes, mouth, nose and cheeks do not overlap one another.
    """
    missing = [key for key in REQUIRED_LANDMARKS if key not in landmarks]
    if missing:
        raise LabError(f"landmarks lack {', '.join(missing)}: see the landmark format in forensics.explain")
    shape = (int(size), int(size)) if np.isscalar(size) else (int(size[0]), int(size[1]))
    eye_l, eye_r = _point(landmarks, "eye_left"), _point(landmarks, "eye_right")
    nose, chin = _point(landmarks, "nose_tip"), _point(landmarks, "chin")
    mouth_l, mouth_r = _point(landmarks, "mouth_left"), _point(landmarks, "mouth_right")
    mouth_c = _point(landmarks, "mouth_center") if "mouth_center" in landmarks else (mouth_l + mouth_r) / 2
    eye_line = eye_r - eye_l
    d = float(np.hypot(*eye_line))
    if d < 2:
        raise LabError("the two eye landmarks are (almost) at the same place: check the landmarks")
    roll = float(np.degrees(np.arctan2(eye_line[1], eye_line[0])))
    down = np.array([-eye_line[1], eye_line[0]]) / d  # unit vector from the eye line towards the chin
    eye_mid = (eye_l + eye_r) / 2

    eyes = _ellipse(shape, eye_l - 0.05 * d * down, (0.4 * d, 0.25 * d), roll) | _ellipse(shape, eye_r - 0.05 * d * down, (0.4 * d, 0.25 * d), roll)
    mouth_width = float(np.hypot(*(mouth_r - mouth_l)))
    mouth = _ellipse(shape, mouth_c, (mouth_width / 2 + 0.15 * d, 0.225 * d), roll)
    nose_top = eye_mid + 0.1 * d * down
    nose_bottom = nose + 0.1 * d * down
    nose_length = float(np.hypot(*(nose_bottom - nose_top)))
    nose_angle = float(np.degrees(np.arctan2(*(nose_bottom - nose_top)[::-1])))
    nose_mask = _ellipse(shape, (nose_top + nose_bottom) / 2, (nose_length / 2, 0.225 * d), nose_angle) & ~eyes & ~mouth
    cheek_radius = 0.3 * d
    outward = eye_line / d
    cheeks = np.zeros(shape, bool)
    for eye, corner, side in ((eye_l, mouth_l, -1), (eye_r, mouth_r, 1)):
        centre = (eye + corner) / 2 + side * 0.2 * d * outward
        cheeks |= _ellipse(shape, centre, (cheek_radius, cheek_radius), 0.0)
    cheeks &= ~(eyes | mouth | nose_mask)

    if landmarks.get("face_mask") is not None:
        face = np.asarray(landmarks["face_mask"], bool)
        if face.shape != shape:
            raise LabError(f"face_mask is {face.shape}, the masks are asked for {shape}")
    else:
        chin_distance = float(np.dot(chin - eye_mid, down))
        centre = eye_mid + 0.3 * chin_distance * down
        face = _ellipse(shape, centre, (1.0 * d, 0.75 * chin_distance), roll)
        if landmarks.get("outline") is not None:  # a jaw outline: its hull, plus the ellipse for the forehead
            hull = cv2.convexHull(np.round(np.asarray(landmarks["outline"], np.float64) * 16).astype(np.int32))
            canvas = np.zeros(shape, np.uint8)
            cv2.fillConvexPoly(canvas, hull, 1, shift=4)
            face |= canvas.astype(bool)
    return {"eyes": eyes, "mouth": mouth, "nose": nose_mask, "cheeks": cheeks, "background": ~face}


# --------------------------------------------------------- the swap loss's eyes and mouth


# Index sets in the common 68-point layout (iBUG 300-W), used when landmarks are a plain list.
_EYES_68 = (list(range(36, 42)), list(range(42, 48)))
_MOUTH_68 = list(range(48, 68))


def _region_polygons(landmarks) -> list[np.ndarray]:
    """Polygons (K, 2) in pixels around each eye and the mouth, from the known landmark layouts.

    Accepts a dict of named points (the twins' {"eye_left": [x, y], "mouth_left": ...} or
    "left_eye"/"right_eye"/"mouth" point lists), a 68-point list, or a 5-point list (eye
    centres, nose, mouth corners).
    """
    polygons: list[np.ndarray] = []
    if isinstance(landmarks, dict):
        groups = (("eye_left", "left_eye"), ("eye_right", "right_eye"), ("mouth", "mouth_left", "mouth_right", "mouth_center", "upper_lip", "lower_lip"))
        for names in groups:
            points = [np.asarray(landmarks[name], dtype=np.float32).reshape(-1, 2) for name in names if name in landmarks]
            if points:
                polygons.append(np.concatenate(points))
        return polygons
    points = np.asarray(landmarks, dtype=np.float32).reshape(-1, 2)
    if len(points) == 68:
        return [points[_EYES_68[0]], points[_EYES_68[1]], points[_MOUTH_68]]
    if len(points) == 5:
        return [points[0:1], points[1:2], points[3:5]]
    return polygons


def priority_mask(landmarks, size: int, radius: float | None = None) -> np.ndarray:
    """float32 (size, size) in [0, 1]: 1 on the eyes and mouth, soft edges, 0 elsewhere.

    ``landmarks`` are pixel coordinates in the crop. Each region is the convex hull of its
    points grown by ``radius`` pixels (default size/16), then blurred.
    """
    radius = size / 16 if radius is None else radius
    mask = np.zeros((size, size), np.float32)
    for polygon in _region_polygons(landmarks):
        if len(polygon) == 0:
            continue
        hull = np.round(cv2.convexHull(polygon.astype(np.float32)).reshape(-1, 1, 2)).astype(np.int32)
        cv2.fillConvexPoly(mask, hull, 1.0)
        # A thick outline grows the hull by ``radius`` (and gives single points and lines an area).
        cv2.polylines(mask, [hull], True, 1.0, thickness=max(1, int(round(2 * radius))))
    kernel = int(radius) * 2 + 1
    return cv2.GaussianBlur(mask, (kernel, kernel), radius / 2) if mask.any() else mask


# ------------------------------------------------------------------ boxes round a twin's parts


# Regions for occlusion studies, built from landmarks: name -> (landmark names, margin as a
# fraction of the distance between the eyes).
TWINS_REGIONS = {
    "eyes": (("eye_left", "eye_right"), 0.32),
    "brows": (("brow_left", "brow_right"), 0.2),
    "nose": (("nose_tip",), 0.3),
    "mouth": (("mouth_left", "mouth_right", "upper_lip", "lower_lip"), 0.18),
    "cheek_left": (("outline_03",), 0.3),
    "cheek_right": (("outline_13",), 0.3),
}


def twins_region_box(landmarks: np.ndarray, region: str, size: int) -> np.ndarray:
    """bool (size, size): the box round a face region ("eyes", "brows", "nose", "mouth",
    "cheek_left", "cheek_right") from landmarks (K, 2), with a margin in proportion to the face.
    Cheek boxes sit between the outline point and the nose."""
    if region not in TWINS_REGIONS:
        raise LabError(f"unknown face region {region!r}: choose one of {', '.join(TWINS_REGIONS)}")
    names, margin_fraction = TWINS_REGIONS[region]
    landmarks = np.asarray(landmarks, dtype=np.float64)
    eye_distance = float(np.linalg.norm(landmarks[LANDMARK_INDEX["eye_right"]] - landmarks[LANDMARK_INDEX["eye_left"]]))
    margin = margin_fraction * max(eye_distance, 1.0)
    points = landmarks[[LANDMARK_INDEX[n] for n in names]]
    if region.startswith("cheek"):  # halfway between the outline and the nose
        points = 0.5 * (points + landmarks[LANDMARK_INDEX["nose_tip"]])
    x0, y0 = np.floor(points.min(axis=0) - margin).astype(int)
    x1, y1 = np.ceil(points.max(axis=0) + margin).astype(int)
    mask = np.zeros((size, size), dtype=bool)
    mask[max(y0, 0):max(y1 + 1, 0), max(x0, 0):max(x1 + 1, 0)] = True
    return mask

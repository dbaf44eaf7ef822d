"""Face regions from landmarks: the one place that turns landmarks into masks of the face, the
eyes, brows, nose, mouth, cheeks and background.

Four kinds of mask, for four uses:

- ``region_masks(landmarks, size)``: bool masks of the regions, which do not overlap, shaped by
  the head's roll; what occlusion studies hide one at a time (``forensics.occlusion``) and what
  Grad-CAM averages are taken over (``forensics.explain.region_heat``).
- ``face_hull_mask(landmarks, size)``: bool, the whole face (forehead included); where a
  swapped real face is pasted back (``swap.convert.face_mask``).
- ``priority_mask(landmarks, size)``: a soft float mask over the eyes, brows and mouth (the eyes
  and mouth of the twins), where the face-swap loss weighs errors more (``swap.train``).
- ``twins_region_box(landmarks, region, size)``: the box round one region of a synthetic twin,
  from the renderer's own landmark names (lesson 1's error per region).

Landmark dict (pixel coordinates (x, y) in the image the masks are for):

    "points_68"                  (68, 2) float, the face's 68 landmarks in the iBUG 300-W
                                 numbering (what dlib and face-alignment give); when
                                 present the regions are drawn from them                 optional
    "eye_left", "eye_right"      centres of the eyes (left = smaller x in the image)   required*
    "nose_tip"                   tip of the nose                                        required*
    "mouth_left", "mouth_right"  corners of the mouth                                   required*
    "mouth_center"               centre of the mouth (default: midpoint of the corners) optional
    "chin"                       bottom of the chin                                     required*
    "outline"                    (K, 2) points of the jaw line, e.g. the twins'
                                 outline_00.. (widens the default face)                 optional
    "face_mask"                  bool (H, W), True on the face (default: the 68-point
                                 hull, else an ellipse fitted to the landmarks, joined
                                 with the outline's hull)                               optional

(*) not needed when "points_68" is given. ``landmarks_from_68(points)`` converts 68 points to
this dict (named points plus "points_68"); ``landmarks_from_record`` and ``landmarks_for_crop``
fill it the same way for extracted real faces. The synthetic twins have no 68 points, and the
OpenCV backend finds only the eyes (``landmarks_from_eyes`` places an average face on them, with
no "points_68"): those faces get the ellipse approximation.
"""

from __future__ import annotations

from typing import Mapping

import cv2
import numpy as np

from deepfake_edu.data.twins_render import LANDMARK_INDEX
from deepfake_edu.errors import LabError
from deepfake_edu.faces.align import MEAN_FACE_68, apply_affine

REGIONS = ("eyes", "mouth", "nose", "cheeks", "background")  # what every face has (region_masks)
REGIONS_68 = ("eyes", "brows", "mouth", "nose", "cheeks", "background")  # a face with 68 points: brows apart from the eyes
REQUIRED_LANDMARKS = ("eye_left", "eye_right", "nose_tip", "mouth_left", "mouth_right", "chin")

# Index sets of the 68-point layout (iBUG 300-W; dlib's shape_predictor_68 numbering).
JAW_68 = list(range(0, 17))  # from the image's left ear round the chin to the right ear
BROWS_68 = (list(range(17, 22)), list(range(22, 27)))  # image-left brow, image-right brow
NOSE_68 = list(range(27, 36))  # bridge 27-30, nostrils 31-35
EYES_68 = (list(range(36, 42)), list(range(42, 48)))  # image-left eye, image-right eye
MOUTH_68 = list(range(48, 60))  # outer lips (60-67, the inner lips, lie inside them)
CHEEKS_68 = ([1, 2, 3, 4, 48, 31, 39, 40, 41, 36], [15, 14, 13, 12, 54, 35, 42, 47, 46, 45])  # jaw, mouth corner, nostril, lower lid

# Sizes of the 68-point regions, as fractions of the distance d between the eye centres (the
# forehead: of the brows-to-chin height). dlib's points lie on the lid edges, along the lower
# edge of the brows and on the lips' outline, so each hull is grown a little to take in the
# lashes, the whole brow and the lips' edge.
FOREHEAD = 0.3  # the face hull reaches this share of the brows-to-chin height above the brows
EYE_GROWTH = 0.1  # eyes: hull of the 6 lid points grown by 0.1 d
BROW_GROWTH = 0.08
NOSE_GROWTH = 0.08
MOUTH_GROWTH = 0.06
OUTSIDE_MARGIN = 0.5  # landmarks further than this share of the image side outside it are refused
MIN_FACE_AREA = 0.3  # a face hull smaller than 0.3 d^2 (a real face's is about 2.7 d^2) is degenerate


# ---------------------------------------------------------------------- the landmark dict


def _point(landmarks: Mapping, key: str) -> np.ndarray:
    return np.asarray(landmarks[key], np.float64).reshape(2)


def _shape_of(size) -> tuple[int, int]:
    return (int(size), int(size)) if np.isscalar(size) else (int(size[0]), int(size[1]))


def _check_inside(points: np.ndarray, shape: tuple[int, int], what: str) -> None:
    height, width = shape
    margin = OUTSIDE_MARGIN * max(height, width)
    low, high = points.min(0), points.max(0)
    if low[0] < -margin or low[1] < -margin or high[0] > width + margin or high[1] > height + margin:
        raise LabError(
            f"{what} lie outside the {width}x{height} image (x {low[0]:.0f}..{high[0]:.0f}, y {low[1]:.0f}..{high[1]:.0f}):"
            " give them in the pixels of the picture the masks are for (crop, not frame, pixels)"
        )


def check_points_68(points, size=None) -> np.ndarray:
    """68 landmarks as float64 (68, 2) (x, y), checked; a one-line ``LabError`` when they are bad.

    Refused: another shape, NaN or infinite values, and with ``size`` (S or (H, W)) points more
    than half the image side outside it, two eyes at (almost) one place, or a face whose
    jaw-and-brows hull is (almost) flat (under ``MIN_FACE_AREA`` d^2, d the eye gap).
    """
    try:
        p = np.array(points, np.float64)
    except (TypeError, ValueError):
        raise LabError("68 landmarks must be numbers, (68, 2) (x, y) pixels") from None
    if p.shape != (68, 2):
        raise LabError(f"expected 68 (x, y) landmarks, got shape {p.shape}")
    if not np.isfinite(p).all():
        raise LabError(f"{int((~np.isfinite(p)).any(1).sum())} of the 68 landmarks are NaN or infinite: the face was not found properly")
    if size is not None:
        _check_inside(p, _shape_of(size), "the 68 landmarks")
        gap = float(np.hypot(*(p[EYES_68[1]].mean(0) - p[EYES_68[0]].mean(0))))
        if gap < 2:
            raise LabError("the two eyes of the 68 landmarks are (almost) at the same place: check the landmarks")
        area = cv2.contourArea(cv2.convexHull(p[JAW_68 + BROWS_68[0] + BROWS_68[1]].astype(np.float32)))
        if area < MIN_FACE_AREA * gap**2:
            raise LabError(f"the 68 landmarks make a degenerate face (jaw-and-brows area {area:.1f} px^2 for eyes {gap:.1f} px apart)")
    return p


def _named_from_68(p: np.ndarray) -> dict:
    first, second = p[EYES_68[0]].mean(0), p[EYES_68[1]].mean(0)
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


def landmarks_from_68(points) -> dict:
    """68-point iBUG landmarks (68, 2) (x, y) pixels -> the landmark dict of this module: the
    named points and "points_68" (a float64 (68, 2) copy), so the regions follow the 68 points."""
    p = check_points_68(points)
    return {**_named_from_68(p), "points_68": p}


def landmarks_from_eyes(left_eye, right_eye) -> dict:
    """Estimate the landmark dict from the two eye centres alone (what the OpenCV backend finds).

    The lab's mean face (``faces.align.MEAN_FACE_68``, in eye-gap units) is scaled, rotated and
    placed on the eyes; nose, mouth and chin are where an average face has them, so the masks are
    approximate for unusual faces or strong head turns. The estimate gives named points only (no
    "points_68"): its regions are the ellipse approximation, not an average face's polygons.
    """
    left, right = np.asarray(left_eye, np.float64), np.asarray(right_eye, np.float64)
    if left[0] > right[0]:
        left, right = right, left
    gap = right - left
    scale = float(np.hypot(*gap))
    if not np.isfinite(scale) or scale < 2:
        raise LabError("the two eye positions are (almost) the same, or not numbers: check the landmarks")
    along = gap / scale
    across = np.array([-along[1], along[0]])  # image "down" for an upright face
    points = (left + right) / 2 + scale * (MEAN_FACE_68[:, :1] * along + MEAN_FACE_68[:, 1:] * across)
    return _named_from_68(points)


LANDMARK_KEYS = (*REQUIRED_LANDMARKS, "mouth_center")


def landmarks_from_record(record: Mapping) -> dict | None:
    """The landmark dict of one dataset record, in its crop's pixels; None when it has none.

    Understands: "landmarks" already in this module's format (a dict with "eye_left", ...,
    crop pixels, as the synthetic twins give; their "outline_NN" points become "outline", a
    "points_68" is kept); "landmarks" as 68 (x, y) frame points plus the record's "transform"
    (frame -> crop, as ``faces extract`` writes with the dlib backend): named points and
    "points_68" in crop pixels; or only "eyes" {"left", "right"} plus "transform" (the OpenCV
    backend), completed by ``landmarks_from_eyes``.
    """
    given = record.get("landmarks")
    if isinstance(given, Mapping):
        found = {key: tuple(np.asarray(given[key], np.float64).reshape(2)) for key in LANDMARK_KEYS if key in given}
        outline = [given[key] for key in sorted(given) if key.startswith("outline_")]
        if outline:
            found["outline"] = np.asarray(outline, np.float64).reshape(-1, 2)
        if "face_mask" in given and given["face_mask"] is not None:
            found["face_mask"] = np.asarray(given["face_mask"], bool)
        if given.get("points_68") is not None:
            return {**found, **landmarks_from_68(given["points_68"])}
        return found if all(key in found for key in REQUIRED_LANDMARKS) else None
    transform = record.get("transform")
    if transform is None:
        return None
    transform = np.asarray(transform, np.float64)
    if given is not None and np.asarray(given).shape == (68, 2):
        return landmarks_from_68(apply_affine(transform, check_points_68(given)))
    eyes = record.get("eyes")
    if isinstance(eyes, Mapping) and "left" in eyes and "right" in eyes:
        left, right = apply_affine(transform, np.array([eyes["left"], eyes["right"]], np.float64))
        return landmarks_from_eyes(left, right)
    return None


def landmarks_for_crop(crop: np.ndarray) -> dict | None:
    """Find the face in a square crop (uint8 (S, S, 3)); its landmark dict, or None if none is found.

    The default backend looks first (``get_backend("auto")``: dlib where installed, whose 68
    points give the dict a "points_68"); when it finds nothing, or is OpenCV itself, OpenCV's
    face and eyes give the eyes-only estimate (``landmarks_from_eyes``). The largest face wins.
    """
    from deepfake_edu.faces import get_backend
    from deepfake_edu.faces.backends import choose_auto

    min_face = max(20, crop.shape[0] // 4)
    names = [choose_auto()]
    if names[0] != "opencv":
        names.append("opencv")
    for name in names:
        faces = get_backend(name, min_face=min_face).detect(crop)
        if not faces:
            continue
        face = max(faces, key=lambda f: f.area)
        if face.landmarks is not None and len(face.landmarks) == 68:
            return landmarks_from_68(face.landmarks)
        return landmarks_from_eyes(face.left_eye, face.right_eye)
    return None


def scale_landmarks(landmarks: Mapping, factor: float) -> dict:
    """The landmark dict of the same picture resized by ``factor`` (every point times factor; a
    "face_mask" is resized to match, nearest neighbour)."""
    scaled: dict = {}
    for key, value in landmarks.items():
        if value is None:
            continue
        if key == "face_mask":
            mask = np.asarray(value, np.uint8)
            height, width = (int(round(side * factor)) for side in mask.shape)
            scaled[key] = cv2.resize(mask, (width, height), interpolation=cv2.INTER_NEAREST).astype(bool)
        elif key in ("outline", "points_68"):
            scaled[key] = np.asarray(value, np.float64) * factor
        else:
            scaled[key] = tuple(np.asarray(value, np.float64).reshape(2) * factor)
    return scaled


def points_68_of(landmarks) -> np.ndarray | None:
    """The 68 points carried by a landmark dict ("points_68") or given as a (68, 2) array/list; None otherwise."""
    if isinstance(landmarks, Mapping):
        points = landmarks.get("points_68")
        return None if points is None else check_points_68(points)
    if landmarks is not None and np.asarray(landmarks, dtype=object).shape == (68, 2):
        return check_points_68(landmarks)
    return None


# ----------------------------------------------------------------------- drawing polygons


def _fill_hull(shape: tuple[int, int], points, grow: float = 0.0) -> np.ndarray:
    """bool (H, W): the convex hull of ``points`` (K, 2) pixels, grown by ``grow`` pixels."""
    canvas = np.zeros(shape, np.uint8)
    # 1/16-pixel precision (shift=4), so that small crops keep the polygons' shape
    hull = cv2.convexHull(np.round(np.asarray(points, np.float64) * 16).astype(np.int32).reshape(-1, 1, 2))
    cv2.fillConvexPoly(canvas, hull, 1, shift=4)
    if grow > 0:  # a thick outline of width 2 * grow grows the hull by ``grow``
        cv2.polylines(canvas, [hull], True, 1, thickness=max(1, int(round(2 * grow))), shift=4)
    return canvas.astype(bool)


def _geometry_68(p: np.ndarray) -> tuple[float, np.ndarray]:
    """(eye gap d in pixels, unit vector from the eye line towards the chin) of 68 points."""
    eye_line = p[EYES_68[1]].mean(0) - p[EYES_68[0]].mean(0)  # image-left eye to image-right eye
    d = float(np.hypot(*eye_line))
    return d, np.array([-eye_line[1], eye_line[0]]) / d


def _face_hull_68(p: np.ndarray, shape: tuple[int, int]) -> np.ndarray:
    d, down = _geometry_68(p)
    brows = p[BROWS_68[0] + BROWS_68[1]]
    height = float(np.dot(p[8] - brows.mean(0), down))  # brows to chin, along the face
    if height < 0.5 * d:
        raise LabError(f"the chin of the 68 landmarks is not below the brows (brows-to-chin {height:.1f} px, eyes {d:.1f} px apart)")
    forehead = brows - FOREHEAD * height * down
    return _fill_hull(shape, np.concatenate([p[JAW_68], brows, forehead]))


def face_hull_mask(landmarks, size) -> np.ndarray:
    """bool (H, W): the whole face, True inside.

    With 68 points (a dict's "points_68", or a (68, 2) array): the convex hull of the jaw (0-16)
    and the brows (17-26), the brows also lifted by ``FOREHEAD`` of the brows-to-chin height
    (perpendicular to the eye line, so it follows the roll) to take in the forehead. Without
    them: what ``region_masks`` calls the face (a given "face_mask", else the ellipse).
    size: S (square) or (H, W).
    """
    shape = _shape_of(size)
    if isinstance(landmarks, Mapping) and landmarks.get("points_68") is None:
        return ~region_masks(landmarks, shape)["background"]
    points = landmarks["points_68"] if isinstance(landmarks, Mapping) else landmarks
    return _face_hull_68(check_points_68(points, shape), shape)


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


def _given_face(landmarks: Mapping, shape: tuple[int, int]) -> np.ndarray | None:
    if landmarks.get("face_mask") is None:
        return None
    face = np.asarray(landmarks["face_mask"], bool)
    if face.shape != shape:
        raise LabError(f"face_mask is {face.shape}, the masks are asked for {shape}")
    return face


def _region_masks_68(landmarks: Mapping, p: np.ndarray, shape: tuple[int, int]) -> dict[str, np.ndarray]:
    d, _ = _geometry_68(p)
    face = _given_face(landmarks, shape)
    if face is None:
        face = _face_hull_68(p, shape)
    eyes = (_fill_hull(shape, p[EYES_68[0]], EYE_GROWTH * d) | _fill_hull(shape, p[EYES_68[1]], EYE_GROWTH * d)) & face
    taken = eyes.copy()
    brows = (_fill_hull(shape, p[BROWS_68[0]], BROW_GROWTH * d) | _fill_hull(shape, p[BROWS_68[1]], BROW_GROWTH * d)) & face & ~taken
    taken |= brows
    mouth = _fill_hull(shape, p[MOUTH_68], MOUTH_GROWTH * d) & face & ~taken
    taken |= mouth
    nose = _fill_hull(shape, p[NOSE_68], NOSE_GROWTH * d) & face & ~taken
    taken |= nose
    cheeks = (_fill_hull(shape, p[CHEEKS_68[0]]) | _fill_hull(shape, p[CHEEKS_68[1]])) & face & ~taken
    return {"eyes": eyes, "brows": brows, "mouth": mouth, "nose": nose, "cheeks": cheeks, "background": ~face}


def region_masks(landmarks: Mapping, size) -> dict[str, np.ndarray]:
    """Bool masks (H, W) of the facial regions; size: S (square) or (H, W).

    With "points_68" (a real face found by dlib or face-alignment) the masks follow the 68
    points' polygons, and the keys are ``REGIONS_68``: eyes = the hull of each eye's lid points
    (36-41, 42-47) grown by ``EYE_GROWTH`` d (d = the eye gap); brows = each brow's hull (17-21,
    22-26) grown by ``BROW_GROWTH`` d; mouth = the outer lips' hull (48-59); nose = the hull of
    the bridge and nostrils (27-35); cheeks = between the lower lid, the jaw, the nostril and
    the mouth corner; background = outside the face (a given ``face_mask``, else
    ``face_hull_mask``'s hull, forehead included). Each region is cut to the face, and where two
    meet the earlier in that list keeps the pixels.

    Without them (the twins, OpenCV's eyes-only faces) the keys are ``REGIONS`` and the masks an
    ellipse approximation that scales with d and follows the head's roll (the eye line's angle):
    eyes = an ellipse 0.8 d x 0.5 d around each eye (brows included);
    mouth = an ellipse through the corners, padded by 0.15 d, 0.45 d tall;
    nose = an ellipse from the eye line to just below the nose tip, 0.45 d wide, minus the eyes;
    cheeks = a disc of radius 0.3 d on each side between eye and mouth corner, outside the others;
    background = outside the face (the given ``face_mask``, else an ellipse fitted to the landmarks
    joined with the convex hull of the ``outline`` when there is one).
    Either way the face regions (all but the background) do not overlap one another.
    Bad landmarks (missing, NaN, far outside the image, degenerate) raise a one-line ``LabError``.
    """
    if not isinstance(landmarks, Mapping):
        raise LabError(f"give the landmarks as a dict (see faces.regions), not {type(landmarks).__name__}")
    shape = _shape_of(size)
    if landmarks.get("points_68") is not None:
        return _region_masks_68(landmarks, check_points_68(landmarks["points_68"], shape), shape)
    missing = [key for key in REQUIRED_LANDMARKS if key not in landmarks]
    if missing:
        raise LabError(f"landmarks lack {', '.join(missing)}: see the landmark format in faces.regions")
    named = {key: _point(landmarks, key) for key in (*REQUIRED_LANDMARKS, "mouth_center") if key in landmarks}
    stacked = np.array(list(named.values()))
    if not np.isfinite(stacked).all():
        raise LabError(f"landmarks {', '.join(k for k, v in named.items() if not np.isfinite(v).all())} are NaN or infinite")
    _check_inside(stacked, shape, "the landmarks")
    eye_l, eye_r = named["eye_left"], named["eye_right"]
    nose, chin = named["nose_tip"], named["chin"]
    mouth_l, mouth_r = named["mouth_left"], named["mouth_right"]
    mouth_c = named.get("mouth_center", (mouth_l + mouth_r) / 2)
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

    face = _given_face(landmarks, shape)
    if face is None:
        chin_distance = float(np.dot(chin - eye_mid, down))
        centre = eye_mid + 0.3 * chin_distance * down
        face = _ellipse(shape, centre, (1.0 * d, 0.75 * chin_distance), roll)
        if landmarks.get("outline") is not None:  # a jaw outline: its hull, plus the ellipse for the forehead
            face |= _fill_hull(shape, landmarks["outline"])
    return {"eyes": eyes, "mouth": mouth, "nose": nose_mask, "cheeks": cheeks, "background": ~face}


# --------------------------------------------------------- the swap loss's eyes and mouth


def _region_polygons(landmarks) -> list[np.ndarray]:
    """Polygons (K, 2) in pixels round the parts the swap loss weighs more, from the known layouts.

    68 points (a (68, 2) list, or a dict's "points_68"): each eye, each brow and the outer lips.
    A dict of named points (the twins' {"eye_left": [x, y], "mouth_left": ...} or
    "left_eye"/"right_eye"/"mouth" point lists): each eye and the mouth. A 5-point list (eye
    centres, nose, mouth corners): the eyes and the mouth.
    """
    points_68 = points_68_of(landmarks)
    if points_68 is not None:
        return [points_68[indices] for indices in (*EYES_68, *BROWS_68, MOUTH_68)]
    polygons: list[np.ndarray] = []
    if isinstance(landmarks, Mapping):
        groups = (("eye_left", "left_eye"), ("eye_right", "right_eye"), ("mouth", "mouth_left", "mouth_right", "mouth_center", "upper_lip", "lower_lip"))
        for names in groups:
            points = [np.asarray(landmarks[name], dtype=np.float32).reshape(-1, 2) for name in names if name in landmarks]
            if points:
                polygons.append(np.concatenate(points))
        return polygons
    points = np.asarray(landmarks, dtype=np.float32).reshape(-1, 2)
    if len(points) == 5:
        return [points[0:1], points[1:2], points[3:5]]
    return polygons


def priority_mask(landmarks, size: int, radius: float | None = None) -> np.ndarray:
    """float32 (size, size) in [0, 1]: 1 on the eyes and mouth (and brows, with 68 points), soft
    edges, 0 elsewhere.

    ``landmarks`` are pixel coordinates in the crop (see ``_region_polygons`` for the layouts).
    Each region is the convex hull of its points grown by ``radius`` pixels (default size/16),
    then blurred. 68 points that are bad (NaN, far outside the crop, degenerate) raise ``LabError``.
    """
    if points_68_of(landmarks) is not None:
        check_points_68(points_68_of(landmarks), size)
    radius = size / 16 if radius is None else radius
    mask = np.zeros((size, size), np.float32)
    for polygon in _region_polygons(landmarks):
        if len(polygon) == 0:
            continue
        if not np.isfinite(polygon).all():
            raise LabError("the landmarks of the swap loss's mask are NaN or infinite")
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

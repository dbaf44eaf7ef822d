"""The default backend: OpenCV's Haar cascades (Viola-Jones), offline, no downloads.

Faces come from the frontal-face cascade ("alt": on messi5.jpg the "default" cascade also fires
on the shirt; on 100 LFW faces and 100 LFW non-faces both find 97-99 and 0), run on a grey copy of the frame shrunk to at most
``detect_width`` pixels wide (detection cost grows with the pixel count, and a classroom video's
faces are large). The cascade was trained on upright faces and misses most heads tilted 15
degrees; when it finds no face, it looks again on the frame turned by +15 and then -15 degrees
(``FACE_TURNS``), and keeps a face found that way only if the eye cascade also finds both of its
eyes (on a microscope photo of cells, a turned search found one "face", without eyes).

Eyes come from the eye cascade, run on the upper part of each face box resampled to a fixed
width (so a small face's eyes are big enough for the cascade's 20 px window). The eye cascade
was trained on upright eyes: on a head tilted 15 degrees it often pairs one eye with the other
eyebrow. So the face is also searched turned by +-10 and +-20 degrees, and the pair that comes
out most level wins (a tilted head looks upright when turned back by its tilt). When no angle
gives one plausible pair (closed eyes, glasses, a turned head), the eyes are estimated from the
box and the face says so (``eyes="box-estimate"``). Each eye is then moved to its iris centre
(``eye_centre``).
"""

from __future__ import annotations

import cv2
import numpy as np

from deepfake_edu.faces.align import turn_whole
from deepfake_edu.faces.backends.base import Face

# Where the eyes sit inside a frontal-face Haar box ("alt" cascade), as fractions of its width (x from
# the box's left, y from its top): the median of the eye cascade's pairs on 64 faces (62 of the 100
# upscaled LFW faces, astronaut, messi5), spread about 0.03 of the box width.
BOX_EYE_X = (0.30, 0.665)
BOX_EYE_Y = 0.38

EYE_SEARCH_HEIGHT = 0.62  # the eye cascade searches the top 62% of the face box
EYE_SEARCH_WIDTH = 160  # pixels: face boxes are resampled to this width before looking for eyes
# Turns (degrees, anticlockwise) under which the eye cascade looks, in order. The search stops at
# the first pair flatter than LEVEL_ENOUGH (a slope of 0.09 is about 5 degrees): an upright face
# costs one turn. On the labelled photos (faces.ground_truth) the swap crops within 3% went from 26
# of 30 (no turns) to 28 (+-10) to 29 (+-10 and +-20), and no eye is left on an eyebrow.
EYE_SEARCH_TURNS = (0.0, -10.0, 10.0, -20.0, 20.0)
LEVEL_ENOUGH = 0.09
EYE_SCALE_STEP = 1.1  # step between the eye sizes the cascade tries
# Turns (degrees) of the whole frame under which faces are looked for when none is found upright.
# On the labelled photos and their +-8/+-15 degree rotations: 30 of 40 faces found upright, 38
# of 40 with these turns.
FACE_TURNS = (15.0, -15.0)


class OpenCVBackend:
    """Haar cascade faces and eyes. ``min_face`` is in frame pixels."""

    name = "opencv"

    def __init__(
        self, detect_width: int = 640, min_face: int = 40, min_neighbors: int = 4, scale_factor: float = 1.1, refine_eyes: bool = True, turned_faces: bool = True
    ):
        self.detect_width = detect_width  # pixels: larger frames are shrunk to this width to find faces
        self.min_face = min_face  # frame pixels: smaller faces are not searched for
        self.min_neighbors = min_neighbors  # overlapping hits a face needs: higher means fewer false faces
        self.scale_factor = scale_factor  # step between searched face sizes: larger is faster, coarser
        self.refine_eyes = refine_eyes  # move each eye to its iris centre (eye_centre.iris_centre)
        self.turned_faces = turned_faces  # no upright face: look again on the frame turned (FACE_TURNS)
        self.face_cascade = _cascade("haarcascade_frontalface_alt.xml")
        self.eye_cascade = _cascade("haarcascade_eye.xml")

    def detect(self, frame: np.ndarray) -> list[Face]:
        grey = cv2.cvtColor(frame, cv2.COLOR_RGB2GRAY)
        boxes = self.detect_boxes(grey)
        if boxes:
            irises = iris_contrast(frame) if self.refine_eyes else None
            return [self.locate_eyes(grey, box, irises) for box in boxes]
        for degrees in FACE_TURNS if self.turned_faces else ():
            boxes = self.detect_turned_boxes(grey, degrees)
            if not boxes:
                continue
            irises = iris_contrast(frame) if self.refine_eyes else None
            faces = [self.locate_eyes(grey, box, irises, turn=degrees) for box in boxes]
            faces = [face for face in faces if face.eyes == "cascade"]
            if faces:
                return faces
        return []

    def detect_turned_boxes(self, grey: np.ndarray, degrees: float) -> list[tuple[tuple[float, float, float, float], float]]:
        """``detect_boxes`` on the frame turned by ``degrees`` (anticlockwise, on a canvas that holds
        all of it); each box comes back as the same-sized upright box round its centre in the frame."""
        turned, matrix = turn_whole(grey, degrees)
        back = cv2.invertAffineTransform(matrix)
        boxes = []
        for (x, y, w, h), score in self.detect_boxes(turned):
            centre_x, centre_y = back @ (x + w / 2, y + h / 2, 1.0)
            boxes.append(((float(centre_x - w / 2), float(centre_y - h / 2), w, h), score))
        return boxes

    def detect_boxes(self, grey: np.ndarray) -> list[tuple[tuple[float, float, float, float], float]]:
        """Face boxes (x, y, w, h) in full-frame pixels with their neighbour counts, largest first."""
        scale = min(1.0, self.detect_width / grey.shape[1])
        small = grey if scale == 1.0 else cv2.resize(grey, None, fx=scale, fy=scale, interpolation=cv2.INTER_AREA)
        small = cv2.equalizeHist(small)
        min_side = max(20, int(round(self.min_face * scale)))
        rects, neighbours = self.face_cascade.detectMultiScale2(
            small, scaleFactor=self.scale_factor, minNeighbors=self.min_neighbors, minSize=(min_side, min_side)
        )
        found = [
            (tuple(float(v) / scale for v in rect), float(weight))
            for rect, weight in zip(np.asarray(rects).reshape(-1, 4), np.asarray(neighbours).reshape(-1))
        ]
        found.sort(key=lambda item: -item[0][2] * item[0][3])
        return _drop_nested(found)

    def locate_eyes(self, grey: np.ndarray, found: tuple[tuple[float, float, float, float], float], irises: np.ndarray | None = None, turn: float = 0.0) -> Face:
        """The face in ``found`` (box, neighbours) with its eyes; ``irises`` is what refinement reads
        (``iris_contrast`` of the frame; ``grey`` when None); ``turn`` (degrees) is the frame turn
        under which the face was found, where its eye search starts."""
        box, score = found
        x, y, w, h = box
        pair = self.cascade_eye_pair(grey, box, turn)
        if pair is None:
            left = (x + BOX_EYE_X[0] * w, y + BOX_EYE_Y * w)
            right = (x + BOX_EYE_X[1] * w, y + BOX_EYE_Y * w)
            method = "box-estimate"
        else:
            left, right = pair
            method = "cascade"
        if self.refine_eyes:
            left, right = refine_eye_pair(grey if irises is None else irises, left, right, searched_wide=method == "box-estimate")
        return Face(box=box, left_eye=left, right_eye=right, eyes=method, backend=self.name, score=score)

    def cascade_eye_pair(self, grey: np.ndarray, box, turn: float = 0.0) -> list[tuple[float, float]] | None:
        """The eye cascade's most level (left, right) eye pair in frame pixels over the turns
        ``turn + EYE_SEARCH_TURNS``, or None when no turn gives a plausible pair."""
        x, y, w, h = box
        if w < 20:
            return None
        side, rows = EYE_SEARCH_WIDTH, int(EYE_SEARCH_WIDTH * EYE_SEARCH_HEIGHT)
        centre = (x + w / 2, y + h / 2)
        best_slope, best_pair = None, None
        for degrees in (turn + extra for extra in EYE_SEARCH_TURNS):
            # Frame -> search window: turn about the box centre, scale the box to ``side`` pixels,
            # and put the box's top at the window's top. Outside the frame the edge is repeated.
            matrix = cv2.getRotationMatrix2D(centre, degrees, side / w)
            matrix[:, 2] += (side / 2 - centre[0], side / 2 - centre[1])
            window = cv2.warpAffine(grey, matrix, (side, rows), flags=cv2.INTER_LINEAR, borderMode=cv2.BORDER_REPLICATE)
            # The window as it is, then with its contrast stretched: each finds eyes the other misses.
            for attempt in (window, cv2.equalizeHist(window)):
                hits = self.eye_cascade.detectMultiScale(attempt, scaleFactor=EYE_SCALE_STEP, minNeighbors=3, minSize=(side // 14, side // 14), maxSize=(side // 2, side // 2))
                pair = _best_eye_pair(np.asarray(hits).reshape(-1, 4), side)
                if pair is not None:
                    break
            if pair is None:
                continue
            slope = abs(pair[1][1] - pair[0][1]) / (pair[1][0] - pair[0][0])
            if best_slope is None or slope < best_slope:
                back = cv2.invertAffineTransform(matrix)
                best_slope, best_pair = slope, [tuple(back @ (px, py, 1.0)) for px, py in pair]
            if best_slope < LEVEL_ENOUGH:
                break
        return best_pair


def iris_contrast(frame: np.ndarray) -> np.ndarray:
    """uint8 (H, W): brightness plus 3x redness (YCrCb's Cr above neutral), what the iris search reads.

    A light grey-blue iris can be no darker than the lid crease above it, and then the search
    climbs to the crease. But an iris of any colour is less red than skin, while a crease or a lash
    shadow is skin: adding redness lifts them and leaves the iris dark. A grey photo is unchanged.
    Weight 3: on the labelled photos 3-7 all put 29 of 30 swap crops within 3% (0: 25), and 3
    gave the lowest median error.
    """
    luma_red_blue = cv2.cvtColor(frame, cv2.COLOR_RGB2YCrCb).astype(np.float32)
    lifted = luma_red_blue[..., 0] + 3.0 * (luma_red_blue[..., 1] - 128.0)
    return np.clip(lifted, 0, 255).astype(np.uint8)


# Eye refinement windows, in eye gaps: a cascade eye is within about 0.1 gap of the pupil, a box
# estimate within about 0.2, so the box estimate gets the wider window.
REFINE_WINDOW = (0.2, 0.14)  # half width, half height round a cascade eye
REFINE_WINDOW_WIDE = (0.3, 0.18)  # the same round a box estimate
REFINE_MAX_MOVE = 0.15  # a refined eye further than this (in gaps) is a brow or lash line: keep the guess


def refine_eye_pair(grey: np.ndarray, left, right, searched_wide: bool = False):
    """Each eye moved to the iris centre found near it; an eye the search cannot place stays put.

    ``grey`` is uint8 (H, W): the grey frame or, better, its ``iris_contrast``.
    """
    from deepfake_edu.faces.eye_centre import iris_centre

    gap = float(np.hypot(right[0] - left[0], right[1] - left[1]))
    half_width, half_height = REFINE_WINDOW_WIDE if searched_wide else REFINE_WINDOW
    refined = []
    for eye in (left, right):
        found = iris_centre(grey, eye, half_width * gap, half_height * gap, dark_weight=0.5)
        if found is not None and np.hypot(found[0][0] - eye[0], found[0][1] - eye[1]) <= REFINE_MAX_MOVE * gap * (1.5 if searched_wide else 1.0):
            refined.append(found[0])
        else:
            refined.append(tuple(eye))
    return refined[0], refined[1]


def _cascade(file_name: str) -> cv2.CascadeClassifier:
    cascade = cv2.CascadeClassifier(cv2.data.haarcascades + file_name)
    if cascade.empty():  # only a broken OpenCV install gets here
        raise RuntimeError(f"OpenCV's {file_name} is missing from {cv2.data.haarcascades}; reinstall opencv-python")
    return cascade


def _drop_nested(found: list) -> list:
    """Drop boxes that mostly lie inside a larger one (the cascade often fires on part of a face)."""
    kept: list = []
    for box, score in found:
        if all(_overlap_of_smaller(box, other) < 0.4 for other, _ in kept):
            kept.append((box, score))
    return kept


def _overlap_of_smaller(a, b) -> float:
    ix = max(0.0, min(a[0] + a[2], b[0] + b[2]) - max(a[0], b[0]))
    iy = max(0.0, min(a[1] + a[3], b[1] + b[3]) - max(a[1], b[1]))
    return ix * iy / min(a[2] * a[3], b[2] * b[3])


def _best_eye_pair(eyes: np.ndarray, side: int) -> list[tuple[float, float]] | None:
    """The most plausible (left, right) eye centres among cascade hits in a face ROI ``side`` wide.

    Plausible: one eye in each half, about the same size, nearly level, 25-65% of the face apart.
    Among plausible pairs the most level one wins.
    """
    centres = [(ex + ew / 2, ey + eh / 2, ew) for ex, ey, ew, eh in eyes]
    best, best_tilt = None, None
    for lx, ly, lw in centres:
        if lx >= side / 2:
            continue
        for rx, ry, rw in centres:
            if rx < side / 2:
                continue
            gap = rx - lx
            tilt = abs(ry - ly) / gap if gap > 0 else 1.0
            if not 0.25 * side <= gap <= 0.65 * side or tilt > 0.3 or max(lw, rw) > 1.8 * min(lw, rw):
                continue
            if best_tilt is None or tilt < best_tilt:
                best, best_tilt = [(lx, ly), (rx, ry)], tilt
    return best

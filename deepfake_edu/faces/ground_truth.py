"""Alignment against hand-labelled eyes: where do the real pupils land in the aligned crop?

``deepfake_edu/faces/eye_labels.json`` holds eye centres labelled by hand on photos that ship with
installed packages (scikit-image's astronaut, matplotlib's grace_hopper, and with Debian's
opencv-doc: messi5.jpg, face_swapped.jpg and four Megamind.avi frames). Each photo is also
rotated by a known angle (``ROTATIONS``) and its labels moved by the same matrix, exactly.

For each, the backend finds the face, ``align_face`` cuts a crop, the crop's ``transform`` maps
the *labelled* eyes into the crop, and the error is how far they land from the crop's eye
targets, as a fraction of the crop width (the larger of the two eyes). Unlike re-running a
detector on the crop, this does not trust the detector to judge itself.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from deepfake_edu.errors import LabError

LABELS = Path(__file__).with_name("eye_labels.json")
ROTATIONS = (0.0, -15.0, -8.0, 8.0, 15.0)  # degrees, anticlockwise as OpenCV counts them


@dataclass
class LabelledPhoto:
    """One photo with its hand-labelled eye centres."""

    name: str  # e.g. "astronaut" or "megamind50 rotated +8 deg"
    image: np.ndarray  # uint8 RGB (H, W, 3)
    eyes: np.ndarray  # (2, 2) frame pixels: the image's left eye, then its right eye
    degrees: float  # rotation applied to the original photo


def _load_source(source: str, frame: int | None) -> np.ndarray | None:
    """uint8 RGB image for a label's ``source``; None when that package file is not installed."""
    from deepfake_edu.data.images import read_image
    from deepfake_edu.data.video import VideoReader

    if source == "skimage.data.astronaut()":
        import skimage.data

        return skimage.data.astronaut()
    if source.startswith("matplotlib "):
        import matplotlib.cbook

        return read_image(matplotlib.cbook.get_sample_data(source.split("sample_data/")[1], asfileobj=False))
    path = Path(source)
    if not path.exists():
        return None
    if frame is None:
        return read_image(path)
    try:
        with VideoReader(path) as video:
            return video.frame_at(frame)
    except LabError:  # installed but not decodable here: counted as missing, like a frame that fails
        return None


def rotate_photo(image: np.ndarray, eyes: np.ndarray, degrees: float) -> tuple[np.ndarray, np.ndarray]:
    """Rotate ``image`` about its centre on a canvas that holds all of it; move ``eyes`` (N, 2) along."""
    from deepfake_edu.faces.align import apply_affine, turn_whole

    rotated, matrix = turn_whole(image, degrees)
    return rotated, apply_affine(matrix, eyes)


def labelled_photos(labels: Path = LABELS, rotations=ROTATIONS) -> tuple[list[LabelledPhoto], list[str]]:
    """Every labelled photo that is installed, in each rotation; and the names of those missing."""
    if not labels.exists():
        raise LabError(f"the eye labels {labels} are missing: reinstall deepfake-edu (the file ships inside the package)")
    photos, missing = [], []
    for entry in json.loads(labels.read_text())["faces"]:
        image = _load_source(entry["source"], entry.get("frame"))
        if image is None:
            missing.append(entry["name"])
            continue
        eyes = np.array([entry["left_eye"], entry["right_eye"]], dtype=np.float64)
        for degrees in rotations:
            if degrees == 0:
                photos.append(LabelledPhoto(entry["name"], image, eyes, 0.0))
            else:
                rotated, moved = rotate_photo(image, eyes, degrees)
                photos.append(LabelledPhoto(f"{entry['name']} rotated {degrees:+.0f} deg", rotated, moved, float(degrees)))
    return photos, missing


def face_at(faces: list, eyes: np.ndarray):
    """The found face whose box holds the middle of the labelled eyes, or None."""
    middle = eyes.mean(axis=0)
    for face in faces:
        x, y, w, h = face.box
        if x <= middle[0] <= x + w and y <= middle[1] <= y + h:
            return face
    return None


def label_error(crop, eyes: np.ndarray) -> float:
    """Largest distance from a labelled eye, mapped into ``crop``, to its target, / crop width."""
    from deepfake_edu.faces.align import CROPS, apply_affine

    landed = apply_affine(crop.transform, eyes)
    targets = CROPS[crop.kind].eye_targets(crop.size)
    return float(np.linalg.norm(landed - targets, axis=1).max() / crop.size)


def eye_error_px(face, eyes: np.ndarray) -> float:
    """Largest distance from a found eye centre to its labelled one, in frame pixels."""
    found = np.array([face.left_eye, face.right_eye], dtype=np.float64)
    return float(np.linalg.norm(found - eyes, axis=1).max())


def eye_gap_error(face, eyes: np.ndarray) -> float:
    """Largest distance from a found eye centre to its labelled one, / the labelled eye gap."""
    return eye_error_px(face, eyes) / float(np.linalg.norm(eyes[1] - eyes[0]))


def measure_label_errors(backend, photos: list[LabelledPhoto], crops=(("swap", 128), ("mesonet", 256))) -> list[dict]:
    """One row per photo: how the eyes were found, the found eyes' error / the eye gap, and the error
    of each crop (None: face not found)."""
    from deepfake_edu.faces.align import align_face

    rows = []
    for photo in photos:
        face = face_at(backend.detect(photo.image), photo.eyes)
        row = {"photo": photo.name, "degrees": photo.degrees, "eyes": None if face is None else face.eyes}
        row["eye_gap_error"] = None if face is None else round(eye_gap_error(face, photo.eyes), 4)
        # In pixels too: the labels are good to about 1 px, and 3% of a 45 px eye gap is 1.4 px.
        row["eye_gap_px"] = round(float(np.linalg.norm(photo.eyes[1] - photo.eyes[0])), 1)
        row["eye_error_px"] = None if face is None else round(eye_error_px(face, photo.eyes), 2)
        for kind, size in crops:
            row[f"{kind}_{size}"] = None if face is None else round(label_error(align_face(photo.image, face, kind, size), photo.eyes), 4)
        rows.append(row)
    return rows

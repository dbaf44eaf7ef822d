"""From photos, videos or webcam frames to a dataset of aligned face crops, with consent.

    extract_faces(source)            -> Extraction (crops + manifest records + counts), no files
    save_extraction(name, result, consent=...)  -> datasets/<name>/ (data.dataset format)
    extract_dataset(source, name, consent=...)  both, refusing a real person's face without consent

A source is an image file, a folder of images, a video file, or any iterator of uint8 RGB frames
(``frames_from_camera`` gives the webcam's). Video frames are sampled every ``every`` frames,
up to ``max_frames`` sampled frames, and followed by ``track.FaceTracker`` so each track is one
person. Every face found is kept or dropped for one reason, and counted (``Extraction.counts``,
``DROP_REASONS``): too small, cut by the frame's edge (more than ``max_outside`` of the face
region outside the frame), turned to the side (``turn`` of its landmarks over ``max_turn``),
blurred (low variance of the Laplacian), a near-duplicate (changed less than
``duplicate_distance`` grey levels since the previous kept crop of its track), or, with
``keep``, not among the ``keep`` most varied crops of its track; frames with no face at all are
counted too.

A still person barely changes between frames: an 8-second webcam clip kept 47 crops of 216
faces under the near-duplicate rule. ``keep=N`` replaces that rule: every usable face is a
candidate and N are chosen one at a time, each the candidate least like every crop chosen so far
(farthest-point sampling on 32 px grey thumbnails, the rule's own distance), so the kept crops
cover the poses and expressions of the clip, not its first seconds.
"""

from __future__ import annotations

import datetime as _dt
import getpass
import re
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Iterable, Iterator

import cv2
import numpy as np

from deepfake_edu.data.images import IMAGE_SUFFIXES, read_image
from deepfake_edu.data.video import VIDEO_SUFFIXES, VideoReader
from deepfake_edu.errors import LabError
from deepfake_edu.faces.align import AlignedCrop, align_face, crop_spec
from deepfake_edu.faces.backends import get_backend
from deepfake_edu.faces.backends.base import FaceBackend
from deepfake_edu.faces.track import FaceTracker

NAME_PATTERN = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.-]{0,63}$")
MIN_CONSENT_CHARS = 10  # "yes" is not a record of who agreed to what


@dataclass
class ExtractOptions:
    """How faces are found, framed and filtered."""

    backend: str = "auto"  # "auto" (dlib where installed, else OpenCV), "dlib", "opencv" or "face-alignment"
    crop: str = "swap"  # "swap" (tight, 64-256 px) or "mesonet" (loose, 256 px)
    size: int | None = None  # crop side in pixels; None: the crop's default (128 or 256)
    every: int = 1  # keep every k-th video frame
    max_frames: int | None = None  # stop after this many sampled frames (None: the whole video)
    all_faces: bool = False  # keep every person, not only the largest face / main track
    detect_every: int = 2  # run the detector on every n-th sampled frame, track in between
    min_face: int = 40  # faces narrower than this many frame pixels are dropped as tiny
    min_sharpness: float = 20.0  # variance of the Laplacian of the 128-px grey crop; below: blurred
    duplicate_distance: float = 1.5  # mean absolute grey difference (0-255) at 32 px from the track's last kept crop; below: duplicate (`--min-change`)
    keep: int | None = None  # keep the N most varied usable crops of each track instead of the near-duplicate rule (None: the rule)
    max_turn: float = 0.8  # largest ``turn`` (0 frontal, 1 full profile) of a face with 68 landmarks; above: turned to the side
    max_outside: float = 0.03  # largest share (0-1) of the crop's face region that may lie outside the frame; above: cut by the edge


@dataclass
class Extraction:
    """What ``extract_faces`` found: crops with their manifest records, and counts."""

    crops: list[np.ndarray]  # uint8 RGB (size, size, 3) each
    records: list[dict]  # one per crop, ready for a manifest (no "identity" yet: see save)
    source: str
    options: ExtractOptions
    counts: dict = field(default_factory=dict)  # frames_read, faces_seen, no_face, dropped_* (DROP_REASONS), eyes_estimated, tracks
    skipped_files: list[str] = field(default_factory=list)  # unreadable images in a folder

    def variety(self) -> float | None:
        """Median, over the kept crops, of the mean absolute grey difference (0-255, 32 px thumbnails)
        to the most similar OTHER kept crop: how different the kept faces are. None for one crop."""
        return crop_variety(self.crops)

    def dropped_summary(self) -> str:
        """Why faces were dropped, one phrase per reason, e.g. "12 frames with no face, 169 near-duplicates"."""
        return dropped_summary(self.counts, self.options)


# counts key -> how a summary says it (with the option that changes it)
DROP_REASONS = {
    "no_face": "frames with no face",
    "dropped_tiny": "too small",
    "dropped_edge": "cut by the frame's edge",
    "dropped_profile": "turned to the side",
    "dropped_blurred": "blurred",
    "dropped_duplicate": "near-duplicates",
    "dropped_similar": "less varied than the kept ones",
    "dropped_other_people": "of other people",
}


def dropped_summary(counts: dict, options: "ExtractOptions | None" = None) -> str:
    """One phrase per reason that dropped something ("none dropped" when nothing was)."""
    options = options or ExtractOptions()
    detail = {
        "dropped_tiny": f" (under {options.min_face} px)",
        "dropped_edge": f" (over {options.max_outside:.0%} outside)",
        "dropped_profile": f" (turn over {options.max_turn:g})",
        "dropped_duplicate": f" (changed under {options.duplicate_distance:g} grey levels)",
        "dropped_similar": f" (--keep {options.keep})" if options.keep else "",
    }
    parts = [f"{counts[key]} {text}{detail.get(key, '')}" for key, text in DROP_REASONS.items() if counts.get(key)]
    return ", ".join(parts) if parts else "none dropped"


def face_turn(landmarks: np.ndarray) -> float:
    """How far a face is turned to the side, from its (68, 2) landmarks: 0 frontal, 1 full profile.

    Along the eye line, the nose tip (point 30) lies between the two cheek contours (points 1 and
    15); |left - right| / (left + right) of its distances to them grows as the head turns. Seen on
    the shared real videos: 0.1 or less facing the camera, about 0.5 for a head turned about 30
    degrees; a profile puts the nose on the near cheek's contour (1).
    """
    points = np.asarray(landmarks, np.float64)
    left_eye, right_eye = points[36:42].mean(axis=0), points[42:48].mean(axis=0)
    along = right_eye - left_eye
    norm = float(np.linalg.norm(along))
    if norm < 1e-6:
        return 1.0
    along /= norm
    nose, left, right = (float(np.dot(points[i] - left_eye, along)) for i in (30, 1, 15))
    to_left, to_right = max(nose - left, 0.0), max(right - nose, 0.0)
    total = to_left + to_right
    return 1.0 if total < 1e-6 else abs(to_left - to_right) / total


def share_outside(transform_inverse: np.ndarray, kind: str, size: int, frame_shape: tuple[int, ...]) -> float:
    """Share (0-1) of a crop's face region (``AlignedCrop.mask``'s ellipse, on a 24 x 24 grid)
    that falls outside the frame: a face cut by the frame's edge has part of its crop made up."""
    points = _face_grid(kind, size)
    frame_points = points @ np.asarray(transform_inverse)[:, :2].T + np.asarray(transform_inverse)[:, 2]
    height, width = frame_shape[:2]
    inside = (frame_points[:, 0] >= 0) & (frame_points[:, 0] <= width - 1) & (frame_points[:, 1] >= 0) & (frame_points[:, 1] <= height - 1)
    return float(1.0 - inside.mean())


_GRIDS: dict = {}


def _face_grid(kind: str, size: int) -> np.ndarray:
    """(K, 2) crop pixels on a 24 x 24 grid inside the face ellipse of ``AlignedCrop.mask``."""
    if (kind, size) not in _GRIDS:
        from deepfake_edu.faces.align import CROPS

        spec = CROPS[kind]
        centre = np.array([0.5, spec.eye_y + 0.55 * spec.eye_gap]) * size
        axes = np.array([spec.eye_gap * 0.95, spec.eye_gap * 1.2]) * size
        xs, ys = np.meshgrid(np.linspace(0, size - 1, 24), np.linspace(0, size - 1, 24))
        grid = np.stack([xs.ravel(), ys.ravel()], axis=1)
        _GRIDS[(kind, size)] = grid[(((grid - centre) / axes) ** 2).sum(axis=1) <= 1.0]
    return _GRIDS[(kind, size)]


def crop_variety(crops: list[np.ndarray]) -> float | None:
    """Median nearest-other distance of ``crops`` (uint8 RGB), in the near-duplicate rule's units."""
    if len(crops) < 2:
        return None
    thumbs = np.stack([_thumbnail(crop).ravel() for crop in crops])
    nearest = np.full(len(thumbs), np.inf, np.float32)
    for start in range(0, len(thumbs), 256):  # blocks keep the distance matrix small
        block = np.abs(thumbs[start : start + 256, None, :] - thumbs[None, :, :]).mean(axis=2)
        for row in range(len(block)):
            block[row, start + row] = np.inf
        nearest[start : start + 256] = block.min(axis=1)
    return float(np.median(nearest))


def most_varied(thumbs: np.ndarray, count: int) -> list[int]:
    """Indices (ascending) of ``count`` rows of ``thumbs`` (float (M, D)) chosen by farthest-point
    sampling: the first row, then each time the row whose mean absolute difference to its nearest
    chosen row is largest (ties: the earliest)."""
    total = len(thumbs)
    if count >= total:
        return list(range(total))
    chosen = [0]
    nearest = np.abs(thumbs - thumbs[0]).mean(axis=1)
    nearest[0] = -1.0
    for _ in range(count - 1):
        pick = int(np.argmax(nearest))
        chosen.append(pick)
        nearest = np.minimum(nearest, np.abs(thumbs - thumbs[pick]).mean(axis=1))
        nearest[chosen] = -1.0
    return sorted(chosen)


def sharpness(image: np.ndarray) -> float:
    """Variance of the Laplacian of the grey image resized to 128 px: low means blurred."""
    grey = cv2.cvtColor(image, cv2.COLOR_RGB2GRAY)
    grey = cv2.resize(grey, (128, 128), interpolation=cv2.INTER_AREA)
    return float(cv2.Laplacian(grey, cv2.CV_64F).var())


def _thumbnail(image: np.ndarray) -> np.ndarray:
    return cv2.resize(cv2.cvtColor(image, cv2.COLOR_RGB2GRAY), (32, 32), interpolation=cv2.INTER_AREA).astype(np.float32)


def frames_from_video(path: str | Path, every: int = 1, max_frames: int | None = None) -> Iterator[tuple[int, np.ndarray]]:
    """(frame index, uint8 RGB frame) for every ``every``-th frame, at most ``max_frames`` of them.

    The file is opened and its first frame read at once, so a bad file fails here, not later.
    """
    return VideoReader(path).sampled(every, max_frames)


def frames_from_camera(camera: int = 0, every: int = 1, max_frames: int = 300) -> Iterator[tuple[int, np.ndarray]]:
    """(frame index, uint8 RGB frame) from a webcam, every ``every``-th, ``max_frames`` at most."""
    return VideoReader(camera).sampled(every, max_frames)


def _frames_from_iterable(frames: Iterable, every: int, max_frames: int | None) -> Iterator[tuple[int, np.ndarray]]:
    sampled = 0
    for index, frame in enumerate(frames):
        if index % every:
            continue
        if frame.ndim != 3 or frame.shape[2] != 3 or frame.dtype != np.uint8:
            raise LabError(f"frame {index} is not a uint8 RGB (H, W, 3) image")
        yield index, frame
        sampled += 1
        if max_frames is not None and sampled >= max_frames:
            return


class _Collector:
    """Aligns faces, applies the quality filters and keeps the records and counts."""

    def __init__(self, options: ExtractOptions):
        self.options = options
        self.spec, self.size = crop_spec(options.crop, options.size)
        self.crops: list[np.ndarray] = []
        self.records: list[dict] = []
        self.last_kept: dict = {}
        self.thumbs: list[np.ndarray] = []  # (1024,) float32 grey thumbnail of each crop, for ``keep``
        self.counts = {"frames_read": 0, "faces_seen": 0, "no_face": 0, "dropped_tiny": 0, "dropped_edge": 0, "dropped_profile": 0,
                       "dropped_blurred": 0, "dropped_duplicate": 0, "dropped_similar": 0, "eyes_estimated": 0}

    def add(self, frame: np.ndarray, face, track, base_record: dict) -> None:
        self.counts["faces_seen"] += 1
        if min(face.box[2], face.box[3]) < self.options.min_face:
            self.counts["dropped_tiny"] += 1
            return
        crop: AlignedCrop = align_face(frame, face, self.options.crop, self.size)
        outside = share_outside(crop.inverse, crop.kind, self.size, frame.shape)
        if outside > self.options.max_outside:
            self.counts["dropped_edge"] += 1
            return
        turn = face_turn(face.landmarks) if face.landmarks is not None and len(face.landmarks) == 68 else None
        if turn is not None and turn > self.options.max_turn:
            self.counts["dropped_profile"] += 1
            return
        sharp = sharpness(crop.image)
        if sharp < self.options.min_sharpness:
            self.counts["dropped_blurred"] += 1
            return
        thumb = _thumbnail(crop.image)
        if self.options.keep is None:
            previous = self.last_kept.get(track)
            if previous is not None and float(np.abs(thumb - previous).mean()) < self.options.duplicate_distance:
                self.counts["dropped_duplicate"] += 1
                return
            self.last_kept[track] = thumb
        else:
            self.thumbs.append(thumb.ravel())
        self.counts["eyes_estimated"] += face.eyes == "box-estimate"
        if turn is not None:
            base_record = {**base_record, "turn": round(turn, 3)}
        self.crops.append(crop.image)
        self.records.append(
            {
                **base_record,
                **face.to_record(),
                "track": track,
                "crop": crop.kind,
                "transform": np.round(crop.transform, 6).tolist(),
                "inverse": np.round(crop.inverse, 6).tolist(),
                "sharpness": round(sharp, 1),
            }
        )

    def keep_most_varied(self) -> None:
        """With ``options.keep``: of each track's crops, keep the ``keep`` most varied (``most_varied``)."""
        if self.options.keep is None or not self.records:
            return
        by_track: dict = {}
        for index, record in enumerate(self.records):
            by_track.setdefault(record["track"], []).append(index)
        thumbs = np.stack(self.thumbs)
        kept = sorted(indices[i] for indices in by_track.values() for i in most_varied(thumbs[indices], self.options.keep))
        self.counts["dropped_similar"] += len(self.records) - len(kept)
        self.crops = [self.crops[i] for i in kept]
        self.records = [self.records[i] for i in kept]
        self.thumbs = [self.thumbs[i] for i in kept]

    def keep_main_track(self) -> None:
        """Keep only the track with the largest total face area (the main person)."""
        area: dict = {}
        for record in self.records:
            area[record["track"]] = area.get(record["track"], 0.0) + record["box"][2] * record["box"][3]
        if len(area) > 1:
            main = max(area, key=area.get)
            kept = [i for i, r in enumerate(self.records) if r["track"] == main]
            self.counts["dropped_other_people"] = len(self.records) - len(kept)
            self.crops, self.records = [self.crops[i] for i in kept], [self.records[i] for i in kept]
            if self.thumbs:
                self.thumbs = [self.thumbs[i] for i in kept]


def _image_files(folder: Path) -> list[Path]:
    return sorted(p for p in folder.iterdir() if p.is_file() and p.suffix.lower() in IMAGE_SUFFIXES)


def extract_faces(
    source: str | Path | Iterable[np.ndarray],
    options: ExtractOptions | None = None,
    backend: FaceBackend | None = None,
    source_label: str | None = None,
    progress: bool = False,
) -> Extraction:
    """Find, align and filter the faces in ``source`` (see the module docstring); writes nothing.

    ``backend`` overrides ``options.backend`` (pass one to reuse it). Raises a one-line LabError
    for a missing or unreadable source, or when no usable face is found.
    """
    options = options or ExtractOptions()
    if options.every < 1:
        raise LabError(f"--every must be 1 or more, not {options.every}")
    if options.max_frames is not None and options.max_frames < 1:
        raise LabError(f"--max-frames must be 1 or more, not {options.max_frames}")
    if options.keep is not None and options.keep < 1:
        raise LabError(f"--keep must be 1 or more, not {options.keep}")
    collector = _Collector(options)
    skipped: list[str] = []
    path = None if not isinstance(source, (str, Path)) else Path(source)
    if path is not None and not path.exists():
        raise LabError(f"no such file or folder: {path} (check the path)")
    if path is not None and path.is_file() and path.suffix.lower() not in IMAGE_SUFFIXES + VIDEO_SUFFIXES:
        raise LabError(f"{path} is neither an image ({', '.join(IMAGE_SUFFIXES)}) nor a video ({', '.join(VIDEO_SUFFIXES)})")
    label = source_label or (str(path) if path is not None else "frames")

    if path is not None and (path.is_dir() or path.suffix.lower() in IMAGE_SUFFIXES):
        files = _image_files(path) if path.is_dir() else [path]
        if not files:
            raise LabError(f"{path} holds no images ({', '.join(IMAGE_SUFFIXES)}): choose a folder of photos")
        images = ((index, file) for index, file in enumerate(files))
        # Faces down to half of min_face are looked for, so that a face too small is reported as
        # such (and dropped), not as "no face".
        photo_backend = backend or get_backend(options.backend, min_face=max(16, options.min_face // 2))
        for index, file in _progress(images, progress, len(files), "photos"):
            try:
                frame = read_image(file)
            except LabError:
                if not path.is_dir():  # the one picture given (a pipe or a device included): say what is wrong with it
                    raise
                skipped.append(file.name)
                continue
            collector.counts["frames_read"] += 1
            faces = photo_backend.detect(frame)
            collector.counts["no_face"] += not faces
            for number, face in enumerate(faces if options.all_faces else faces[:1]):
                track = f"photo{index}-face{number}" if options.all_faces else None
                collector.add(frame, face, track, {"source": str(file), "frame": index})
    else:
        if path is not None:
            frames = frames_from_video(path, options.every, options.max_frames)
        else:
            frames = _frames_from_iterable(source, options.every, options.max_frames)
        tracker = FaceTracker(backend or get_backend(options.backend, min_face=options.min_face), detect_every=options.detect_every)
        for index, frame in _progress(frames, progress, options.max_frames, "frames"):
            collector.counts["frames_read"] += 1
            followed = tracker.update(frame)
            collector.counts["no_face"] += not followed
            for track, face in followed:
                collector.add(frame, face, track, {"source": label, "frame": index})
        if not options.all_faces:
            collector.keep_main_track()
    collector.keep_most_varied()

    collector.counts["tracks"] = len({r["track"] for r in collector.records})
    if not collector.records:
        raise LabError(_no_usable_face(label, collector.counts, options, is_photo=path is not None and path.is_file() and path.suffix.lower() in IMAGE_SUFFIXES))
    return Extraction(collector.crops, collector.records, label, options, collector.counts, skipped)


def _no_usable_face(label: str, counts: dict, options: ExtractOptions, is_photo: bool) -> str:
    """The one line that says why nothing was kept, and what to do about the main reason."""
    advice = {
        "dropped_tiny": f"move closer, use a larger picture, or lower --min-face (now {options.min_face} px)",
        "dropped_edge": "keep the whole face inside the picture, with some room round it",
        "dropped_profile": "face the camera: a face seen from the side cannot be aligned by its eyes",
        "dropped_blurred": "use a sharp, well-lit picture (hold still, more light)",
    }
    if not counts["faces_seen"]:
        where = "the picture" if is_photo else f"any of {counts['frames_read']} frames"
        return (f"no face found in {where} of {label}: use a well-lit picture of a face looking at the camera "
                f"(a face seen from the side or under {max(16, options.min_face // 2) if is_photo else options.min_face} px is not found); nothing was written")
    main = max((key for key in advice if counts.get(key)), key=lambda key: counts[key], default=None)
    what = dropped_summary({k: v for k, v in counts.items() if k != "no_face"}, options)
    return f"no usable face in {label} ({what}): {advice.get(main, 'use a sharp, well-lit picture of a face looking at the camera')}; nothing was written"


def _progress(iterable, enabled: bool, total, unit: str):
    if not enabled:
        return iterable
    from tqdm import tqdm

    return tqdm(iterable, total=total, unit=unit, desc="finding faces")


def consent_record(consent: str, source: str, name: str) -> dict:
    """The consent.json of a real person's dataset; refuses an empty or token note."""
    note = (consent or "").strip()
    if len(note) < MIN_CONSENT_CHARS:
        raise LabError(
            'record consent first: add --consent "who agreed, when, to what" (e.g. "Sam, 2025-03-02, class face-swap lab only"); see datasets/REAL_FACES.md'
        )
    try:
        recorded_by = getpass.getuser()
    except Exception:  # no user name in some containers
        recorded_by = "unknown"
    return {
        "consent": note,
        "dataset": name,
        "source": source,
        "recorded": _dt.datetime.now(_dt.timezone.utc).isoformat(timespec="seconds"),
        "recorded_by": recorded_by,
        "use": "this classroom lab: training and testing face-swap and detector models on this computer",
        "withdraw": f"deepfake-edu forget {name} deletes this dataset and every model and output made from it",
    }


def check_dataset_name(name: str) -> None:
    if not NAME_PATTERN.match(name or ""):
        raise LabError(f"bad dataset name {name!r}: use letters, digits, '-', '_' or '.' (up to 64), e.g. --name sam")


def save_extraction(name: str, extraction: Extraction, consent: dict, root: str | Path | None = None):
    """Write ``extraction`` as datasets/<name>/ (or ``root``); returns the data.dataset.Dataset."""
    from deepfake_edu.data.dataset import write_dataset
    from deepfake_edu.paths import datasets_dir

    check_dataset_name(name)
    root = Path(root) if root is not None else datasets_dir() / name
    spec, size = crop_spec(extraction.options.crop, extraction.options.size)
    items = []
    for crop, record in zip(extraction.crops, extraction.records):
        identity = name if not extraction.options.all_faces or record["track"] is None else f"{name}-{_track_label(record['track'])}"
        items.append((crop, {"identity": identity, **record}))
    info = {
        "name": name,
        "kind": "real-faces",
        "size": size,
        "crop": spec.name,
        "eye_targets": spec.eye_targets(size).round(2).tolist(),
        "source": extraction.source,
        "options": asdict(extraction.options),
        "counts": extraction.counts,
        "skipped_files": extraction.skipped_files,
    }
    return write_dataset(root, info, items, consent=consent)


def _track_label(track) -> str:
    return f"track{track}" if isinstance(track, int) else str(track)


def extract_dataset(
    source,
    name: str,
    consent: str | None,
    options: ExtractOptions | None = None,
    overwrite: bool = False,
    progress: bool = False,
    source_label: str | None = None,
):
    """Extract the faces in ``source`` into datasets/<name>/ with a consent record.

    Refuses before reading anything when the consent note is missing, the name is bad, or the
    dataset exists (unless ``overwrite``). Returns (Dataset, Extraction).
    """
    from deepfake_edu.paths import datasets_dir

    check_dataset_name(name)
    label = source_label or (str(source) if isinstance(source, (str, Path)) else "frames")
    consent_json = consent_record(consent, label, name)
    if (datasets_dir() / name).exists() and not overwrite:
        raise LabError(f"dataset {name!r} already exists: choose another --name, add --overwrite, or run `deepfake-edu forget {name}`")
    extraction = extract_faces(source, options, source_label=label, progress=progress)
    return save_extraction(name, extraction, consent_json), extraction

"""From photos, videos or webcam frames to a dataset of aligned face crops, with consent.

    extract_faces(source)            -> Extraction (crops + manifest records + counts), no files
    save_extraction(name, result, consent=...)  -> datasets/<name>/ (data.dataset format)
    extract_dataset(source, name, consent=...)  both, refusing a real person's face without consent

A source is an image file, a folder of images, a video file, or any iterator of uint8 RGB frames
(``frames_from_camera`` gives the webcam's). Video frames are sampled every ``every`` frames,
up to ``max_frames`` sampled frames, and followed by ``track.FaceTracker`` so each track is one
person. Faces that are tiny, blurred (low variance of the Laplacian) or near-duplicates of the
previous kept crop of their track are dropped and counted.
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
    duplicate_distance: float = 1.5  # mean absolute grey difference (0-255) at 32 px; below: duplicate


@dataclass
class Extraction:
    """What ``extract_faces`` found: crops with their manifest records, and counts."""

    crops: list[np.ndarray]  # uint8 RGB (size, size, 3) each
    records: list[dict]  # one per crop, ready for a manifest (no "identity" yet: see save)
    source: str
    options: ExtractOptions
    counts: dict = field(default_factory=dict)  # frames_read, faces_seen, dropped_*, eyes_estimated, tracks
    skipped_files: list[str] = field(default_factory=list)  # unreadable images in a folder


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
        self.counts = {"frames_read": 0, "faces_seen": 0, "dropped_tiny": 0, "dropped_blurred": 0, "dropped_duplicate": 0, "eyes_estimated": 0}

    def add(self, frame: np.ndarray, face, track, base_record: dict) -> None:
        self.counts["faces_seen"] += 1
        if min(face.box[2], face.box[3]) < self.options.min_face:
            self.counts["dropped_tiny"] += 1
            return
        crop: AlignedCrop = align_face(frame, face, self.options.crop, self.size)
        sharp = sharpness(crop.image)
        if sharp < self.options.min_sharpness:
            self.counts["dropped_blurred"] += 1
            return
        thumb = _thumbnail(crop.image)
        previous = self.last_kept.get(track)
        if previous is not None and float(np.abs(thumb - previous).mean()) < self.options.duplicate_distance:
            self.counts["dropped_duplicate"] += 1
            return
        self.last_kept[track] = thumb
        self.counts["eyes_estimated"] += face.eyes == "box-estimate"
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

    def keep_main_track(self) -> None:
        """Keep only the track with the largest total face area (the main person)."""
        area: dict = {}
        for record in self.records:
            area[record["track"]] = area.get(record["track"], 0.0) + record["box"][2] * record["box"][3]
        if len(area) > 1:
            main = max(area, key=area.get)
            kept = [(c, r) for c, r in zip(self.crops, self.records) if r["track"] == main]
            self.counts["dropped_other_people"] = len(self.records) - len(kept)
            self.crops, self.records = [c for c, _ in kept], [r for _, r in kept]


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
        photo_backend = backend or get_backend(options.backend, min_face=options.min_face)
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
            for track, face in tracker.update(frame):
                collector.add(frame, face, track, {"source": label, "frame": index})
        if not options.all_faces:
            collector.keep_main_track()

    collector.counts["tracks"] = len({r["track"] for r in collector.records})
    if not collector.records:
        counts = collector.counts
        why = (
            f"{counts['dropped_tiny']} too small, {counts['dropped_blurred']} blurred"
            if counts["faces_seen"]
            else "no face detected"
        )
        raise LabError(f"no usable face in {label} ({why}): use a sharp, well-lit photo or video with a face looking at the camera")
    return Extraction(collector.crops, collector.records, label, options, collector.counts, skipped)


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

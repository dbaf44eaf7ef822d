"""Real-versus-fake face sets, the input of every detector in the lab.

Three layouts are accepted:
- a folder with ``real/`` and ``fake/`` subfolders of images (how most public sets are laid out);
- the MesoNet authors' layout: a folder with ``real/`` and ``df/`` (their Deepfake set) or
  ``f2f/`` (Face2Face) subfolders, e.g. their ``test_images/``; every fake folder present counts
  as fake (the record's ``"label_folder"`` says which one a face came from);
- a lab dataset (``data.dataset``) whose records carry ``"label": "real" | "fake"``, like the
  built-in twins set made by ``detect.twins_set``.

Labels follow the lab's convention: 1 = fake, 0 = real (the authors' own code read the folders
alphabetically, so for them df = 0 and real = 1: their network outputs P(real)).

In a folder layout, a file that cannot be read as an image (corrupt, empty, too large, a pipe)
is skipped and listed in ``RealFakeSet.skipped``; a folder with nothing readable is a one-line
error. Faces are resized to ``size`` as they are read, so memory holds only the resized set.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path

import cv2
import numpy as np

from deepfake_edu.data.images import IMAGE_SUFFIXES, read_image
from deepfake_edu.errors import LabError

REAL_FOLDER = "real"
FAKE_FOLDERS = ("fake", "df", "f2f")  # the lab's name, then the MesoNet authors' (Deepfake, Face2Face)
MAX_SET_BYTES = 4_000_000_000  # faces held in memory at once: about 20,000 at 256 px
CLIP_KEY = "clip"  # a record's video or clip id, when the set knows which frames belong together


@dataclass
class RealFakeSet:
    """uint8 RGB faces (N, S, S, 3), labels (N,) with 1 = fake, and per-face metadata.

    layout: how the set was read ("real/ and fake/", "the MesoNet authors' real/ and df/", "lab
    dataset NAME"); skipped: (file, why) for each image file of a folder that could not be read.
    """

    images: np.ndarray
    labels: np.ndarray
    records: list[dict]
    layout: str = ""
    skipped: list[tuple[str, str]] = field(default_factory=list)

    def subset(self, mask: np.ndarray) -> "RealFakeSet":
        index = np.flatnonzero(mask)
        return RealFakeSet(self.images[index], self.labels[index], [self.records[i] for i in index], self.layout)

    def split_by_identity(self, held_out: list[str]) -> tuple["RealFakeSet", "RealFakeSet"]:
        """(train, test) where test holds every face whose identity is in ``held_out``."""
        test = np.array([r.get("identity") in held_out for r in self.records])
        return self.subset(~test), self.subset(test)

    def video_ids(self) -> tuple[list[str] | None, str]:
        """(one video id per face, or None, and a line that says how faces were grouped).

        A face's video is its record's ``"clip"`` when every record carries one; else, when every
        record carries an ``"identity"`` (the lab's datasets: the twins' frames of one person),
        the frames of one identity and one label form one video. The label is part of the id, so
        a video never mixes real and fake frames. Otherwise (a folder of images) there are no
        videos: None, with the reason, and the video AUC is not available rather than invented.
        """
        records = self.records
        if not records:
            return None, "no faces"
        label_of = {0: "real", 1: "fake"}
        if all(CLIP_KEY in r for r in records):
            ids = [f"{r[CLIP_KEY]}/{label_of.get(int(y), y)}" for r, y in zip(records, self.labels)]
            return ids, f"by the records' {CLIP_KEY!r} ids"
        if all("identity" in r for r in records):
            ids = [f"{r['identity']}/{label_of.get(int(y), y)}" for r, y in zip(records, self.labels)]
            return ids, "frames of one identity and one label form one video (the records carry no clip id)"
        return None, "not available: the faces carry no clip or identity, so which frames form one video is unknown"


def _resize(image: np.ndarray, size: int | None) -> np.ndarray:
    if size is None or image.shape[:2] == (size, size):
        return image
    return cv2.resize(image, (size, size), interpolation=cv2.INTER_AREA if image.shape[0] > size else cv2.INTER_LINEAR)


def folder_layout(path: str | os.PathLike) -> tuple[Path | None, list[Path]] | None:
    """(the real/ folder or None, the fake folders present) when ``path`` holds real/ or one of
    fake/, df/, f2f/; None when it holds none of them (it may be a lab dataset)."""
    path = Path(path)
    real = path / REAL_FOLDER
    fakes = [path / name for name in FAKE_FOLDERS if (path / name).is_dir()]
    if not real.is_dir() and not fakes:
        return None
    return (real if real.is_dir() else None), fakes


def _image_files(folder: Path) -> list[Path]:
    try:
        return sorted(p for p in folder.iterdir() if p.suffix.lower() in IMAGE_SUFFIXES and not p.is_dir())
    except OSError as error:
        raise LabError(f"cannot list {folder} ({error.strerror}): check that the folder is readable") from None


class _Collector:
    """Faces gathered one at a time into a preallocated array when their size is known (bounded
    memory: never a list of full-size pictures), else into a list stacked at the end."""

    def __init__(self, expected: int, size: int | None, where: Path):
        if size is not None and expected * size * size * 3 > MAX_SET_BYTES:
            raise LabError(f"{where} holds {expected} faces, {expected * size * size * 3 / 1e9:.0f} GB at {size} px: more than the lab "
                           f"holds at once ({MAX_SET_BYTES / 1e9:.0f} GB); measure a part of it (a folder with fewer images)")
        self.size = size
        self.array = np.empty((expected, size, size, 3), np.uint8) if size is not None else None
        self.items: list[np.ndarray] = []
        self.count = 0

    def add(self, image: np.ndarray) -> None:
        image = _resize(image, self.size)
        if self.array is not None:
            self.array[self.count] = image
        else:
            self.items.append(image)
        self.count += 1

    def stack(self) -> np.ndarray:
        if self.array is not None:
            return self.array if self.count == len(self.array) else self.array[: self.count].copy()
        return np.stack(self.items)  # ValueError when the pictures differ in size (callers say so)


def _load_folders(path: Path, real: Path | None, fakes: list[Path], size: int | None, limit: int | None) -> RealFakeSet:
    if real is None:
        raise LabError(f"{path} has {', '.join(f.name + '/' for f in fakes)} but no real/ folder: add real/ with real faces")
    if not fakes:
        raise LabError(f"{path} has real/ but no fake/ folder (nor the MesoNet authors' df/ or f2f/): add fake/ with fake faces")
    folders = [(real, 0), *((f, 1) for f in fakes)]
    listed = [(folder, label, _image_files(folder)[:limit]) for folder, label in folders]
    faces = _Collector(sum(len(files) for _, _, files in listed), size, path)
    labels, records, skipped = [], [], []
    for folder, label, files in listed:
        for file in files:
            try:
                image = read_image(file)
            except LabError as error:
                skipped.append((str(file), str(error)))
                continue
            faces.add(image)
            labels.append(label)
            records.append({"file": str(file), "label": "fake" if label else "real", "label_folder": folder.name})
    for label, where in ((0, [real]), (1, fakes)):
        if label not in labels:
            unread = sum(len(files) for folder, _, files in listed if folder in where)
            why = f" ({unread} image file{'s' * (unread != 1)} could not be read)" if unread else ""
            shown = " and ".join(str(f) for f in where)
            raise LabError(f"{shown} hold{'s' * (len(where) == 1)} no readable images{why}: put face crops (PNG, JPEG, ...) there")
    names = " and ".join(f.name + "/" for f in fakes)
    layout = "real/ and fake/" if [f.name for f in fakes] == ["fake"] else f"the MesoNet authors' real/ and {names}"
    return RealFakeSet(faces.stack(), np.array(labels, np.int64), records, layout, skipped)


def load_real_fake(path: str | os.PathLike, size: int | None = 256, limit: int | None = None) -> RealFakeSet:
    """Read a real/fake set from any of the three layouts; images resized to ``size`` when given.

    ``limit`` caps the images read per subfolder (folders) or the records (lab dataset)."""
    path = Path(path)
    found = folder_layout(path)
    if found is not None:
        return _load_folders(path, *found, size, limit)

    from deepfake_edu.data.dataset import load_dataset

    if not (path / "dataset.json").exists():
        raise LabError(f"{path} is neither a folder with real/ and fake/ subfolders (or the MesoNet authors' real/ and df/ or f2f/) "
                       f"nor a lab dataset: check the path")
    dataset = load_dataset(path)
    records = [r for r in dataset.records if r.get("label") in ("real", "fake")][:limit]
    if not records:
        raise LabError(f"dataset {dataset.name!r} has no records labelled real or fake")
    faces = _Collector(len(records), size, path)
    for record in records:
        faces.add(dataset.image(record))
    labels = np.array([1 if r["label"] == "fake" else 0 for r in records], np.int64)
    return RealFakeSet(faces.stack(), labels, records, f"lab dataset {dataset.name!r}")

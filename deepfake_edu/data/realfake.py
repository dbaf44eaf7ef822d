"""Real-versus-fake face sets, the input of every detector in the lab.

Two layouts are accepted:
- a folder with ``real/`` and ``fake/`` subfolders of images (how the MesoNet authors and most
  public sets are laid out);
- a lab dataset (``data.dataset``) whose records carry ``"label": "real" | "fake"``, like the
  built-in twins set made by ``detect.realfake``.

Labels follow the lab's convention: 1 = fake, 0 = real.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

import cv2
import numpy as np

from deepfake_edu.data.images import IMAGE_SUFFIXES, read_image
from deepfake_edu.errors import LabError


@dataclass
class RealFakeSet:
    """uint8 RGB faces (N, S, S, 3), labels (N,) with 1 = fake, and per-face metadata."""

    images: np.ndarray
    labels: np.ndarray
    records: list[dict]

    def subset(self, mask: np.ndarray) -> "RealFakeSet":
        index = np.flatnonzero(mask)
        return RealFakeSet(self.images[index], self.labels[index], [self.records[i] for i in index])

    def split_by_identity(self, held_out: list[str]) -> tuple["RealFakeSet", "RealFakeSet"]:
        """(train, test) where test holds every face whose identity is in ``held_out``."""
        test = np.array([r.get("identity") in held_out for r in self.records])
        return self.subset(~test), self.subset(test)


def _resize(image: np.ndarray, size: int | None) -> np.ndarray:
    if size is None or image.shape[:2] == (size, size):
        return image
    return cv2.resize(image, (size, size), interpolation=cv2.INTER_AREA if image.shape[0] > size else cv2.INTER_LINEAR)


def load_real_fake(path: str | os.PathLike, size: int | None = 256, limit: int | None = None) -> RealFakeSet:
    """Read a real/fake set from either layout; images resized to ``size`` when given."""
    path = Path(path)
    if (path / "real").is_dir() and (path / "fake").is_dir():
        images, labels, records = [], [], []
        for label_name, label in (("real", 0), ("fake", 1)):
            files = sorted(p for p in (path / label_name).iterdir() if p.suffix.lower() in IMAGE_SUFFIXES)[:limit]
            for file in files:
                images.append(_resize(read_image(file), size))
                labels.append(label)
                records.append({"file": str(file), "label": label_name})
        if not images:
            raise LabError(f"{path}/real and {path}/fake hold no images")
        if len(set(labels)) < 2:
            raise LabError(f"{path} needs images in both real/ and fake/")
        return RealFakeSet(np.stack(images), np.array(labels, np.int64), records)

    from deepfake_edu.data.dataset import load_dataset

    if not (path / "dataset.json").exists():
        raise LabError(f"{path} is neither a folder with real/ and fake/ subfolders nor a lab dataset: check the path")
    dataset = load_dataset(path)
    records = [r for r in dataset.records if r.get("label") in ("real", "fake")][:limit]
    if not records:
        raise LabError(f"dataset {dataset.name!r} has no records labelled real or fake")
    images = np.stack([_resize(dataset.image(r), size) for r in records])
    labels = np.array([1 if r["label"] == "fake" else 0 for r in records], np.int64)
    return RealFakeSet(images, labels, records)

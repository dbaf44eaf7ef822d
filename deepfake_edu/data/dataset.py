"""The lab's dataset format, shared by the synthetic twins and real-face extraction.

    datasets/<name>/
        dataset.json     what the set is: {"format", "name", "kind", "size", "count",
                         "identities", "created", "generator" | "source", ...}
        consent.json     for real people only: who agreed, when, to what (see faces)
        manifest.jsonl   one JSON record per crop: {"file", "identity", ...}; twins add
                         "factors" and "seed"; real faces add "source", "frame", "box",
                         "landmarks", "transform", "backend", "track"
        images/          the crops, PNG, uint8 RGB, square, dataset.json's "size" pixels

A dataset is written into a temporary folder and renamed into place when complete
(``write_dataset``), so a crash never leaves half a dataset behind.
"""

from __future__ import annotations

import datetime as _dt
import json
import os
from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path
from typing import Iterable

import numpy as np

from deepfake_edu.data.images import read_image, write_image
from deepfake_edu.errors import LabError
from deepfake_edu.fileio import atomic_dir

FORMAT = "deepfake-edu-dataset/1"


@dataclass
class Dataset:
    """A dataset on disk: its description and manifest records, images read on demand."""

    root: Path
    info: dict
    records: list[dict]
    consent: dict | None = None
    _cache: dict = field(default_factory=dict, repr=False)

    @property
    def name(self) -> str:
        return self.info["name"]

    @property
    def size(self) -> int:
        return int(self.info["size"])

    def identities(self) -> list[str]:
        return sorted({r["identity"] for r in self.records})

    def by_identity(self) -> dict[str, list[dict]]:
        groups: dict[str, list[dict]] = defaultdict(list)
        for record in self.records:
            groups[record["identity"]].append(record)
        return dict(groups)

    def image(self, record: dict) -> np.ndarray:
        """uint8 RGB (size, size, 3) of one record."""
        return read_image(self.root / record["file"])

    def images(self, identity: str | None = None, limit: int | None = None) -> np.ndarray:
        """uint8 RGB (N, size, size, 3) of one identity (or all), in manifest order; cached."""
        key = (identity, limit)
        if key not in self._cache:
            chosen = [r for r in self.records if identity is None or r["identity"] == identity][:limit]
            if not chosen:
                raise LabError(f"dataset {self.name!r} has no images of {identity!r}; it has {', '.join(self.identities())}")
            self._cache[key] = np.stack([self.image(r) for r in chosen])
        return self._cache[key]


def load_dataset(path_or_name: str | os.PathLike) -> Dataset:
    """Open a dataset by folder path or by name under datasets/."""
    from deepfake_edu.paths import datasets_dir

    root = Path(path_or_name)
    if not (root / "dataset.json").exists() and (datasets_dir() / str(path_or_name) / "dataset.json").exists():
        root = datasets_dir() / str(path_or_name)
    if not (root / "dataset.json").exists():
        raise LabError(
            f"no dataset at {root}: make one with `deepfake-edu twins --out {root}` or "
            f"`deepfake-edu faces extract SOURCE --name NAME`"
        )
    info = json.loads((root / "dataset.json").read_text())
    if info.get("format") != FORMAT:
        raise LabError(f"{root} is not a deepfake-edu dataset (format {info.get('format')!r})")
    records = [json.loads(line) for line in (root / "manifest.jsonl").read_text().splitlines() if line.strip()]
    consent_path = root / "consent.json"
    consent = json.loads(consent_path.read_text()) if consent_path.exists() else None
    return Dataset(root=root, info=info, records=records, consent=consent)


def write_dataset(
    root: str | os.PathLike,
    info: dict,
    items: Iterable[tuple[np.ndarray, dict]],
    consent: dict | None = None,
    image_format: str = "png",
) -> Dataset:
    """Write (image, record) pairs as a dataset at ``root``, atomically.

    ``info`` needs "name", "kind" and "size"; "format", "count", "identities" and "created"
    are filled in. Each record gets its "file"; records must carry "identity".
    """
    root = Path(root)
    records: list[dict] = []
    with atomic_dir(root, marker="dataset.json") as tmp:
        (tmp / "images").mkdir()
        for index, (image, record) in enumerate(items):
            if "identity" not in record:
                raise ValueError("every dataset record needs an 'identity'")
            relative = f"images/{index:06d}.{image_format}"
            write_image(tmp / relative, image)
            records.append({"file": relative, **record})
        info = {
            "format": FORMAT,
            **info,
            "count": len(records),
            "identities": sorted({r["identity"] for r in records}),
            "created": _dt.datetime.now(_dt.timezone.utc).isoformat(timespec="seconds"),
        }
        (tmp / "dataset.json").write_text(json.dumps(info, indent=2))
        (tmp / "manifest.jsonl").write_text("".join(json.dumps(r) + "\n" for r in records))
        if consent is not None:
            (tmp / "consent.json").write_text(json.dumps(consent, indent=2))
    return load_dataset(root)

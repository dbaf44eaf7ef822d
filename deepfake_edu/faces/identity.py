"""Whose face is it: dlib's 128-d identity embedding as a measure of a real-face fake.

A twins fake has a true answer to compare with; a fake of real people has none. What it can be
asked is whose face it shows: its identity embedding (dlib's ResNet, ``face_embedding`` of the
dlib backend) against the mean embedding of each person's training faces.

    from deepfake_edu.faces.identity import embed_crops, dataset_mean_embedding, identity_report
    source = dataset_mean_embedding("sam")            # float32 (128,), cached beside the dataset
    target = dataset_mean_embedding("alex")
    report = identity_report(fake_crops, source, target, names=("sam", "alex"))
    print(report.summary())                          # distances, share of frames closer to alex

Every face is measured the same way, from a crop in the faces module's "swap" framing (eyes 42%
of the side apart, 38% down: what extraction writes and what a swap pastes): the crop is resized
to ``EMBED_SIDE`` px, its edges mirrored outwards by ``EMBED_PAD`` px (dlib's 150 px chip reaches
past a tight crop; black there would change the vector), and dlib's 5-point predictor places the
face in the box where dlib's own HOG detector puts it in that framing (``CROP_FACE_BOX``).
Measured on 48 crops of the four shared real videos: 0.12-0.24 (mean per video) from the vector
of the same face read from its whole frame with 68 landmarks; crops of one person lie 0.16-0.29
from their own mean; the means of different people 0.55-0.84 apart (0.48 for two clips that may
show one man). dlib's own rule: under about 0.6 is usually the same person (``SAME_PERSON``).

Distances are Euclidean, in the embedding's own units (no scale; two different people: about
0.6 and more). The mean of a dataset uses at most ``MEAN_FACES`` of its crops, spread evenly
over the manifest (about 0.1 s a face on one CPU core).
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from pathlib import Path
from typing import Sequence

import numpy as np

from deepfake_edu.errors import LabError

INSTALL = 'pip install -e ".[faces]" (from a clone; from PyPI: pip install "deepfake-edu[faces]")'
EMBED_SIDE = 256  # pixels: a crop is resized to this before it is measured
EMBED_PAD = 64  # pixels of mirrored edge added round the resized crop (dlib's chip reaches past the crop)
# Where dlib's HOG detector puts its face box inside a swap crop, as fractions of the side
# (x, y, w, h): the mean over 48 crops of the four shared real videos (std 0.07 x, 0.06 y, 0.09 size).
CROP_FACE_BOX = (-0.01, 0.10, 0.98, 0.98)
SAME_PERSON = 0.6  # dlib's threshold: two embeddings closer than this are usually one person
MEAN_FACES = 64  # crops a dataset's mean embedding is taken over (spread over the manifest)
CACHE_NAME = "identity.json"  # the cached means, inside datasets/<name>/ (so `forget` deletes them with it)
CACHE_VERSION = 1  # bump when the way a crop is measured changes: old caches are then ignored


def missing() -> str | None:
    """Why identity cannot be measured here (one line), or None when it can. Imports nothing."""
    from deepfake_edu.faces.backends import dlib_backend

    why = dlib_backend.missing()
    return None if why is None else f"{why.split(':')[0]}: {INSTALL}"


def require_dlib() -> None:
    """A one-line LabError when dlib or its model files are missing."""
    why = missing()
    if why is not None:
        raise LabError(f"identity needs dlib and its face models ({why})")


def embed_crop(crop: np.ndarray) -> np.ndarray:
    """float32 (128,): the identity embedding of one uint8 RGB (S, S, 3) swap-framed crop, any S."""
    import cv2

    from deepfake_edu.faces.backends.dlib_backend import face_embedding

    crop = np.asarray(crop)
    if crop.dtype != np.uint8 or crop.ndim != 3 or crop.shape[2] != 3 or crop.shape[0] != crop.shape[1] or crop.shape[0] < 16:
        raise LabError(f"a face crop to measure is uint8 RGB, square, 16 px or more (S, S, 3), not {crop.dtype} {crop.shape}")
    side = crop.shape[0]
    interpolation = cv2.INTER_CUBIC if side < EMBED_SIDE else cv2.INTER_AREA
    big = cv2.resize(crop, (EMBED_SIDE, EMBED_SIDE), interpolation=interpolation) if side != EMBED_SIDE else crop
    padded = cv2.copyMakeBorder(big, EMBED_PAD, EMBED_PAD, EMBED_PAD, EMBED_PAD, cv2.BORDER_REFLECT101)
    x, y, w, h = CROP_FACE_BOX
    box = (EMBED_PAD + x * EMBED_SIDE, EMBED_PAD + y * EMBED_SIDE, w * EMBED_SIDE, h * EMBED_SIDE)
    return face_embedding(padded, box)


def embed_crops(crops: Sequence[np.ndarray]) -> np.ndarray:
    """float32 (N, 128): ``embed_crop`` of each swap-framed uint8 crop; (0, 128) for none."""
    require_dlib()
    if len(crops) == 0:
        return np.zeros((0, 128), np.float32)
    return np.stack([embed_crop(crop) for crop in crops])


def embed_frames(frames: Sequence[np.ndarray], size: int = 128) -> tuple[np.ndarray, list[int]]:
    """Embeddings of the largest face of each uint8 RGB (H, W, 3) frame, measured as the crops are.

    Faces are found by the dlib backend and cut in the swap framing at ``size`` px. Returns
    (float32 (M, 128), the indices of the M frames in which a face was found).
    """
    from deepfake_edu.faces.align import align_face
    from deepfake_edu.faces.backends import get_backend

    require_dlib()
    finder = get_backend("dlib")
    crops, found = [], []
    for index, frame in enumerate(frames):
        faces = finder.detect(np.asarray(frame))
        if faces:
            crops.append(align_face(np.asarray(frame), faces[0], "swap", size).image)
            found.append(index)
    return embed_crops(crops), found


# --- a dataset's mean --------------------------------------------------------------------------


def _spread(count: int, limit: int) -> np.ndarray:
    """At most ``limit`` indices of ``range(count)``, spread evenly (first and last included)."""
    if count <= limit:
        return np.arange(count)
    return np.unique(np.linspace(0, count - 1, limit).round().astype(int))


def _cacheable(root: Path) -> bool:
    """Means are cached only inside the lab's own datasets folder, where `forget` deletes them
    with the dataset; a dataset elsewhere (someone's folder, a read-only share) is not written."""
    from deepfake_edu.paths import datasets_dir

    try:
        return root.resolve().parent == datasets_dir().resolve()
    except OSError:
        return False


def dataset_mean_embedding(dataset, identity: str | None = None, limit: int = MEAN_FACES, cache: bool = True) -> np.ndarray:
    """float32 (128,): the mean identity embedding of a dataset's crops (of ``identity`` in it, or all).

    ``dataset``: a ``data.dataset.Dataset``, a folder or a name under datasets/. At most ``limit``
    crops are measured, spread over the manifest. With ``cache`` the result is kept in
    ``datasets/<name>/identity.json``, keyed by the manifest's SHA-256, ``limit`` and
    ``CACHE_VERSION`` (a changed dataset is measured again); `forget NAME` deletes the folder and
    the cache with it. Datasets outside the lab's datasets folder are measured but not written to.
    """
    from deepfake_edu.data.dataset import Dataset, load_dataset

    if not isinstance(dataset, Dataset):
        dataset = load_dataset(dataset)
    records = [r for r in dataset.records if identity is None or r.get("identity") == identity]
    if not records:
        raise LabError(f"dataset {dataset.name!r} has no faces of {identity!r}; it has {', '.join(dataset.identities())}")
    key = f"{identity or '*'}|{min(limit, len(records))}|v{CACHE_VERSION}"
    manifest = dataset.root / "manifest.jsonl"
    digest = hashlib.sha256(manifest.read_bytes()).hexdigest() if manifest.is_file() else None
    cache_path = dataset.root / CACHE_NAME
    use_cache = cache and digest is not None and _cacheable(dataset.root)
    stored: dict = {}
    if use_cache and cache_path.is_file():
        try:
            stored = json.loads(cache_path.read_text(encoding="utf-8"))
            entry = stored.get("means", {}).get(key) if isinstance(stored, dict) else None
            if isinstance(entry, dict) and entry.get("manifest_sha256") == digest and len(entry.get("mean", [])) == 128:
                return np.asarray(entry["mean"], np.float32)
        except (OSError, ValueError):
            stored = {}
    require_dlib()
    chosen = [records[i] for i in _spread(len(records), limit)]
    mean = embed_crops([dataset.image(r) for r in chosen]).mean(axis=0).astype(np.float32)
    if use_cache:
        from deepfake_edu.fileio import write_text_atomic

        means = stored.get("means", {}) if isinstance(stored, dict) and isinstance(stored.get("means"), dict) else {}
        means = {k: v for k, v in means.items() if isinstance(v, dict) and v.get("manifest_sha256") == digest}
        means[key] = {"manifest_sha256": digest, "faces": len(chosen), "mean": [round(float(v), 6) for v in mean]}
        try:
            write_text_atomic(cache_path, json.dumps({"what": "mean dlib identity embeddings of this dataset's crops (deepfake_edu.faces.identity)",
                                                      "means": means}, indent=1))
        except OSError:
            pass  # a read-only dataset: measured again next time
    return mean


# --- the report ----------------------------------------------------------------------------------


@dataclass
class IdentityReport:
    """Whose face a fake shows: each measured face's distance to the source and to the target person.

    to_source, to_target: float (N,) Euclidean distances (embedding units) of the N measured fake
    faces to the source's and the target's mean embedding, in the order given. The swap aimed at
    the target: a good fake is closer to the target (share near 1); a fake that kept the source's
    identity is closer to the source (share near 0). ``gap``: the distance between the two means,
    the scale both distances are read against.
    """

    to_source: np.ndarray
    to_target: np.ndarray
    names: tuple[str, str]  # (source, target)
    gap: float

    @property
    def faces(self) -> int:
        return int(len(self.to_target))

    @property
    def mean_to_source(self) -> float:
        return float(np.mean(self.to_source)) if self.faces else float("nan")

    @property
    def mean_to_target(self) -> float:
        return float(np.mean(self.to_target)) if self.faces else float("nan")

    @property
    def share_closer_to_target(self) -> float:
        """Fraction (0-1) of the measured faces nearer the target's mean than the source's."""
        return float(np.mean(self.to_target < self.to_source)) if self.faces else float("nan")

    @property
    def closer_to_target(self) -> int:
        return int(np.sum(self.to_target < self.to_source))

    def summary(self) -> str:
        """One line for a terminal or the demo."""
        source, target = self.names
        return (f"whose face: {self.mean_to_target:.2f} from {target} (target) and {self.mean_to_source:.2f} from {source} (source), "
                f"the two people {self.gap:.2f} apart; {self.closer_to_target} of {self.faces} faces "
                f"({100 * self.share_closer_to_target:.0f}%) closer to {target} "
                f"(dlib identity distance; under {SAME_PERSON} is usually one person)")

    def to_dict(self) -> dict:
        return {
            "source": self.names[0], "target": self.names[1], "faces": self.faces,
            "mean_to_source": round(self.mean_to_source, 4), "mean_to_target": round(self.mean_to_target, 4),
            "share_closer_to_target": round(self.share_closer_to_target, 4), "people_apart": round(self.gap, 4),
            "to_source": [round(float(v), 4) for v in self.to_source], "to_target": [round(float(v), 4) for v in self.to_target],
        }


def identity_report(fake_faces, source_mean: np.ndarray, target_mean: np.ndarray, names: tuple[str, str] = ("source", "target")) -> IdentityReport:
    """Distances of fake faces to the source's and the target's mean embedding (float32 (128,) each).

    ``fake_faces``: swap-framed uint8 crops (a list, or (N, S, S, 3)), or their embeddings, float
    (N, 128). ``names``: (source, target), for the summary.
    """
    source_mean = np.asarray(source_mean, np.float32).reshape(-1)
    target_mean = np.asarray(target_mean, np.float32).reshape(-1)
    if source_mean.shape != (128,) or target_mean.shape != (128,):
        raise LabError("identity_report needs two mean embeddings of 128 numbers each (dataset_mean_embedding gives them)")
    if isinstance(fake_faces, np.ndarray) and fake_faces.ndim == 2 and fake_faces.shape[1] == 128 and fake_faces.dtype != np.uint8:
        embeddings = fake_faces.astype(np.float32)
    else:
        embeddings = embed_crops(list(fake_faces))
    if len(embeddings) == 0:
        raise LabError("no fake face to measure: swap at least one face first")
    return IdentityReport(
        to_source=np.linalg.norm(embeddings - source_mean, axis=1),
        to_target=np.linalg.norm(embeddings - target_mean, axis=1),
        names=(str(names[0]), str(names[1])),
        gap=float(np.linalg.norm(source_mean - target_mean)),
    )


__all__ = [
    "CACHE_NAME", "IdentityReport", "MEAN_FACES", "SAME_PERSON", "dataset_mean_embedding", "embed_crop", "embed_crops",
    "embed_frames", "identity_report", "missing", "require_dlib",
]

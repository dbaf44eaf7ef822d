"""Twins datasets: renders identities x images in a fixed order (in parallel when asked) and
writes them in the lab format (``deepfake_edu.data.dataset``) with each image's record
(identity, seed, factors, landmarks); ``contact_sheet`` lays a set of twins out to look at.
"""

from __future__ import annotations

import os
from dataclasses import asdict
from typing import Iterator, Sequence

import numpy as np

from deepfake_edu.cli_types import max_workers
from deepfake_edu.data.twins_people import Factors, Identity, image_seed, make_identities, sample_factors
from deepfake_edu.data.twins_render import EYE_LEFT, EYE_RIGHT, LANDMARK_NAMES, check_size, render_face
from deepfake_edu.errors import LabError

GENERATOR_NAME = "deepfake_edu.data.twins"  # the public module's name, recorded in every dataset.json
GENERATOR_VERSION = 1  # bump when the same (seed, index, factors) would render differently
MAX_TWINS_FACES = 200_000  # one dataset's faces at most: hours of rendering and GBs of PNGs already


def _render_item(job: tuple) -> tuple[np.ndarray, dict]:
    identity, image_index, seed, size = job
    factor_seed = image_seed(seed, identity.index, image_index)
    factors = sample_factors(factor_seed)
    face = render_face(identity, factors, size)
    record = {
        "identity": identity.name,
        "identity_index": identity.index,
        "image_index": image_index,
        "seed": factor_seed,
        "factors": asdict(factors),
        "landmarks": face.landmarks_dict(),
    }
    return face.image, record


def _single_threaded() -> None:
    """Worker start: one OpenCV thread per process, or the workers fight over the cores."""
    import cv2

    cv2.setNumThreads(1)


def render_pool(workers: int):
    """A pool of ``workers`` rendering processes (a context manager), for ``twins_items(pool=...)``.

    "spawn", not "fork": a process that already runs threads (torch, a web server, Jupyter's
    kernel) can deadlock its forked children on a lock held at the moment of the fork. Starting
    the pool costs about half a second (each process imports numpy and OpenCV)."""
    import multiprocessing

    return multiprocessing.get_context("spawn").Pool(workers, initializer=_single_threaded)


def twins_items(identities: Sequence[Identity], per_identity: int, size: int, seed: int, workers: int = 1, pool=None) -> Iterator[tuple[np.ndarray, dict]]:
    """(image, record) pairs, identity by identity, in a fixed order whatever ``workers`` is.

    pool: a running ``render_pool`` to use (then ``workers`` is ignored); otherwise one is started
    and closed here when workers > 1."""
    jobs = [(identity, image_index, seed, size) for identity in identities for image_index in range(per_identity)]
    if pool is not None:
        yield from pool.imap(_render_item, jobs, chunksize=16)  # imap keeps the input order
        return
    if workers <= 1:
        for job in jobs:
            yield _render_item(job)
        return
    with render_pool(workers) as pool:
        yield from pool.imap(_render_item, jobs, chunksize=16)


def generate_twins_dataset(
    out: str | os.PathLike,
    identities: int = 8,
    per_identity: int = 500,
    size: int = 128,
    seed: int = 0,
    workers: int = 1,
    progress: bool = False,
):
    """Render ``identities`` x ``per_identity`` twins and write them as a lab dataset at ``out``.

    Returns the written ``Dataset``. The result depends only on (identities, per_identity, size,
    seed), not on ``workers``. Records carry "identity" ("twin-00"), "identity_index",
    "image_index", "seed" (of the factors), "factors" (asdict) and "landmarks" ({name: [x, y]}).
    """
    from deepfake_edu.data.dataset import write_dataset

    size = check_size(size)
    if identities < 1:
        raise LabError(f"--identities must be 1 or more, not {identities}")
    if identities > 1000:
        raise LabError(f"--identities must be 1000 or fewer, not {identities}")
    if per_identity < 1:
        raise LabError(f"--per-identity must be 1 or more, not {per_identity}")
    if identities * per_identity > MAX_TWINS_FACES:
        raise LabError(f"--identities x --per-identity must be at most {MAX_TWINS_FACES} faces, not {identities * per_identity}: make fewer")
    if workers < 1 or workers > max_workers():
        raise LabError(f"--workers must be 1-{max_workers()} (this computer's CPUs, at least 4), not {workers}")
    from deepfake_edu.fileio import check_folder_output

    out = check_folder_output(out, marker="dataset.json")  # before rendering: a one-line error, not lost work
    people = make_identities(identities, seed)
    info = {
        "name": out.name,
        "kind": "twins",
        "size": size,
        "generator": {
            "name": GENERATOR_NAME,
            "version": GENERATOR_VERSION,
            "seed": int(seed),
            "identities": identities,
            "per_identity": per_identity,
            "landmark_names": list(LANDMARK_NAMES),
            "eye_left": list(EYE_LEFT),
            "eye_right": list(EYE_RIGHT),
            "people": [asdict(p) for p in people],
        },
        "license": "CC0-1.0: generated images of invented people; no real person is depicted",
        "consent": "not needed: no real person",
    }
    items = twins_items(people, per_identity, size, seed, workers)
    if progress:
        from tqdm import tqdm

        items = tqdm(items, total=identities * per_identity, desc="twins", unit="face")
    return write_dataset(out, info, items)


def contact_sheet(identities: Sequence[Identity], per_identity: int = 6, size: int = 128, seed: int = 0) -> np.ndarray:
    """uint8 RGB (rows * size, per_identity * size, 3): a row of images per twin (the first one
    frontal and neutral), to look at a set of twins."""
    size = check_size(size)
    rows = []
    for identity in identities:
        faces = [render_face(identity, Factors(background_seed=identity.index), size).image]
        faces += [_render_item((identity, image_index, seed, size))[0] for image_index in range(per_identity - 1)]
        rows.append(np.concatenate(faces, axis=1))
    return np.concatenate(rows, axis=0)

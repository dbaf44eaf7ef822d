"""The built-in real-versus-fake set: detection taught without anyone's face.

For each synthetic twin and each of its frames, the set holds the REAL frame (the twin as
rendered) and a FAKE of the same frame: the face swapped by a trained face-swap model (encode,
decode with another person's decoder, match colours, blend back through a soft mask), exactly
as a deepfake is made. Both then go through the same JPEG compression, at one of several
qualities, so that compression cannot tell them apart, only the swap can.

The fakes here carry no visible label or invisible mark: a detector would learn to read the
label instead of the face. They are marked "fake" in the manifest, stay inside datasets/ and are
never written anywhere else; everything the lab writes for people to see or share is marked
(see ``deepfake_edu.provenance``).
"""

from __future__ import annotations

import os
from dataclasses import asdict
from pathlib import Path
from typing import Iterator, Sequence

import numpy as np

from deepfake_edu.data.images import jpeg_roundtrip

DEFAULT_QUALITIES = (95, 75, 50)


def realfake_pairs(
    swap_run: str | os.PathLike,
    identities: Sequence[int] = tuple(range(8)),
    per_identity: int = 60,
    size: int = 256,
    qualities: Sequence[int] = DEFAULT_QUALITIES,
    seed: int = 1,
) -> Iterator[tuple[np.ndarray, dict]]:
    """Yield (image, record) for a real frame then its fake, twin by twin.

    Each twin is swapped to a decoder of the model that is not its own: the twins the model was
    trained on go to the other one, the others (never seen by the model) to decoders in turn.
    The frame's JPEG quality cycles through ``qualities``; real and fake share it.
    """
    from deepfake_edu.data import twins
    from deepfake_edu.swap.convert import FaceSwapper, locator_for
    from deepfake_edu.swap.train import load_swap_model

    model, info = load_swap_model(swap_run)
    trained = info.get("identities", [])
    swappers = {target: FaceSwapper(model, target, locator_for(info, model.config.input_size)) for target in range(len(model.decoders))}
    for identity_index in identities:
        person = twins.make_identity(identity_index)
        own = trained.index(person.name) if person.name in trained else None
        for image_index in range(per_identity):
            factor_seed = twins.image_seed(seed, identity_index, image_index)
            # compression comes after the swap, for real and fake alike
            factors = twins.with_factors(twins.sample_factors(factor_seed), jpeg_quality=0)
            real = twins.render_face(person, factors, size)
            choices = [t for t in range(len(model.decoders)) if t != own]
            target = choices[image_index % len(choices)]
            fake, _ = swappers[target].swap_frame(real.image)
            quality = int(qualities[image_index % len(qualities)])
            common = {
                "identity": person.name,
                "identity_index": identity_index,
                "image_index": image_index,
                "seed": factor_seed,
                "jpeg_quality": quality,
                "factors": asdict(factors),
                "landmarks": real.landmarks_dict(),
            }
            yield jpeg_roundtrip(real.image, quality), {**common, "label": "real"}
            yield jpeg_roundtrip(fake, quality), {**common, "label": "fake", "swapped_to": trained[target] if target < len(trained) else target}


def _one_twins_pairs(job: tuple) -> list[tuple[np.ndarray, dict]]:
    """Every (image, record) of one twin: a worker's job in ``build_twins_realfake``."""
    import torch

    torch.set_num_threads(1)  # one process per core does the sharing
    swap_run, identity_index, per_identity, size, qualities, seed = job
    return list(realfake_pairs(swap_run, [identity_index], per_identity, size, qualities, seed))


def _pairs_in_workers(swap_run, identities, per_identity, size, qualities, seed, workers: int) -> Iterator[tuple[np.ndarray, dict]]:
    """``realfake_pairs`` twin by twin over ``workers`` processes, in the same order and with the
    same pictures (each frame's fake depends only on the twin, the frame and the model)."""
    from deepfake_edu.data.twins_dataset import render_pool

    jobs = [(str(swap_run), int(index), per_identity, size, tuple(qualities), seed) for index in identities]
    with render_pool(workers) as pool:
        for pairs in pool.imap(_one_twins_pairs, jobs):
            yield from pairs


def build_twins_realfake(
    out: str | os.PathLike,
    swap_run: str | os.PathLike,
    identities: Sequence[int] = tuple(range(8)),
    per_identity: int = 60,
    size: int = 256,
    qualities: Sequence[int] = DEFAULT_QUALITIES,
    seed: int = 1,
    progress: bool = False,
    workers: int = 1,
):
    """Write the real-versus-fake twins set at ``out`` (a lab dataset); returns it. ``workers``
    processes share the twins (the result does not depend on how many)."""
    from deepfake_edu.data.dataset import write_dataset
    from deepfake_edu.swap.train import load_swap_model

    _, swap_info = load_swap_model(swap_run)
    if workers > 1 and len(identities) > 1:
        items = _pairs_in_workers(swap_run, identities, per_identity, size, qualities, seed, min(workers, len(identities)))
    else:
        items = realfake_pairs(swap_run, identities, per_identity, size, qualities, seed)
    if progress:
        from tqdm import tqdm

        items = tqdm(items, total=2 * len(identities) * per_identity, desc="real and fake twins", unit="face")
    info = {
        "name": Path(out).name,
        "kind": "realfake",
        "size": size,
        "swap_run": str(swap_run),
        "qualities": list(qualities),
        "seed": seed,
        "license": "CC0-1.0: generated images of invented people; no real person is depicted",
        "consent": "not needed: no real person",
        # a model trained on this set learned from the twins the swap model learned from too
        "learned_from": list(swap_info.get("datasets", [])),
    }
    return write_dataset(out, info, items)


# Ways of making a fake from the same swap model: how the swapped face goes back into the frame.
FAKE_METHODS = {
    "feather+colour": {"blend": "feather", "colour": "reinhard"},  # the lab's default
    "feather": {"blend": "feather", "colour": "none"},  # no colour matching: the decoder's own tones
    "poisson": {"blend": "seamless", "colour": "none"},  # OpenCV's Poisson (seamless) cloning
}


def fake_variants(
    swap_run: str | os.PathLike,
    methods: dict[str, dict] | None = None,
    identities: Sequence[int] = tuple(range(8)),
    per_identity: int = 30,
    size: int = 256,
    quality: int = 75,
    seed: int = 2,
) -> tuple[np.ndarray, dict[str, np.ndarray], list[str]]:
    """Real twins and the same frames faked several ways (``FAKE_METHODS``), all at one JPEG quality.

    Returns (real uint8 (N, S, S, 3), {method: fakes uint8 (N, S, S, 3)}, identity names (N,)).
    """
    from deepfake_edu.data import twins
    from deepfake_edu.swap.convert import FaceSwapper, locator_for
    from deepfake_edu.swap.train import load_swap_model

    methods = methods or FAKE_METHODS
    model, info = load_swap_model(swap_run)
    trained = info.get("identities", [])
    locate = locator_for(info, model.config.input_size)
    swappers = {name: {t: FaceSwapper(model, t, locate, **options) for t in range(len(model.decoders))} for name, options in methods.items()}
    reals, fakes, names = [], {name: [] for name in methods}, []
    for identity_index in identities:
        person = twins.make_identity(identity_index)
        own = trained.index(person.name) if person.name in trained else None
        choices = [t for t in range(len(model.decoders)) if t != own]
        for image_index in range(per_identity):
            factors = twins.with_factors(twins.sample_factors(twins.image_seed(seed, identity_index, image_index)), jpeg_quality=0)
            frame = twins.render_face(person, factors, size).image
            target = choices[image_index % len(choices)]
            reals.append(jpeg_roundtrip(frame, quality))
            names.append(person.name)
            for name in methods:
                fakes[name].append(jpeg_roundtrip(swappers[name][target].swap_frame(frame)[0], quality))
    return np.stack(reals), {name: np.stack(images) for name, images in fakes.items()}, names

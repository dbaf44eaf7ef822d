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


# --- clips: the field's video AUC on the twins --------------------------------------------------

CLIPS_NAME = "twins-clips"  # datasets/: the talking clips of the held-out twins, real and swapped
CLIP_IDENTITIES = (6, 7)  # the twins the lab's detector never saw (paths.LAB_HELD_OUT)
CLIPS_PER_IDENTITY, CLIP_FRAMES_EACH = 8, 12
CLIPS_SEED = 4  # the clips' motion seed (the lab's real/fake set uses 1, the arms race 3)


def realfake_clips(
    swap_run: str | os.PathLike,
    identities: Sequence[int] = CLIP_IDENTITIES,
    clips: int = CLIPS_PER_IDENTITY,
    frames: int = CLIP_FRAMES_EACH,
    size: int = 256,
    qualities: Sequence[int] = DEFAULT_QUALITIES,
    seed: int = CLIPS_SEED,
) -> Iterator[tuple[np.ndarray, dict]]:
    """Yield (image, record) for every frame of real talking clips of the twins (``data.twins_video``:
    smooth pose, blinks, speech) and of the same clips swapped, frame by frame, by ``swap_run``'s
    model (to a decoder not the twin's own). A clip is all real or all fake, and its frames share
    one JPEG quality (cycling through ``qualities`` clip by clip), so only the swap tells them
    apart. Every record carries ``"clip"`` (e.g. ``"twin-06-c03-fake"``): the field's video AUC
    scores each clip by its frames' mean P(fake), over clips that really are clips."""
    from deepfake_edu.data import twins
    from deepfake_edu.data.twins_video import render_video
    from deepfake_edu.errors import LabError
    from deepfake_edu.swap.convert import FaceSwapper, locator_for
    from deepfake_edu.swap.train import load_swap_model

    if not 1 <= int(clips) <= 100 or not 2 <= int(frames) <= 250:
        raise LabError(f"a clip set has 1-100 clips per twin of 2-250 frames each, not {clips} of {frames}")
    model, info = load_swap_model(swap_run)
    trained = info.get("identities", [])
    locate = locator_for(info, model.config.input_size)
    swappers: dict[int, FaceSwapper] = {}
    number = 0
    for identity_index in identities:
        person = twins.make_identity(identity_index)
        own = trained.index(person.name) if person.name in trained else None
        choices = [t for t in range(len(model.decoders)) if t != own]
        for clip in range(int(clips)):
            motion_seed = twins.image_seed(seed, identity_index, clip)
            real_frames, _ = render_video(person, int(frames), size=size, seed=motion_seed)
            target = choices[clip % len(choices)]
            if target not in swappers:
                swappers[target] = FaceSwapper(model, target, locate)
            quality = int(qualities[number % len(qualities)])
            number += 1
            common = {"identity": person.name, "identity_index": identity_index, "motion_seed": motion_seed, "jpeg_quality": quality}
            name = f"{person.name}-c{clip:02d}"
            fakes = []
            for frame in real_frames:
                fake, found = swappers[target].swap_frame(frame)
                if not found:
                    raise LabError(f"the swap model found no face in clip {name}: run `deepfake-edu prepare --force`")
                fakes.append(fake)
            for index, frame in enumerate(real_frames):
                yield jpeg_roundtrip(frame, quality), {**common, "frame": index, "label": "real", "clip": f"{name}-real"}
            swapped_to = trained[target] if target < len(trained) else target
            for index, frame in enumerate(fakes):
                yield jpeg_roundtrip(frame, quality), {**common, "frame": index, "label": "fake", "clip": f"{name}-fake", "swapped_to": swapped_to}


def build_twins_clips(out: str | os.PathLike, swap_run: str | os.PathLike, identities: Sequence[int] = CLIP_IDENTITIES,
                      clips: int = CLIPS_PER_IDENTITY, frames: int = CLIP_FRAMES_EACH, progress: bool = False):
    """Write ``realfake_clips`` as a lab dataset at ``out`` (atomically); returns it. By default
    8 clips of 12 frames for each of twins 06 and 07, real and swapped: 384 faces, 32 clips."""
    from deepfake_edu.data.dataset import write_dataset
    from deepfake_edu.swap.train import load_swap_model

    _, swap_info = load_swap_model(swap_run)
    items = realfake_clips(swap_run, identities, clips, frames)
    if progress:
        from tqdm import tqdm

        items = tqdm(items, total=2 * len(identities) * clips * frames, desc="real and fake clips", unit="face")
    info = {"name": Path(out).name, "kind": "realfake", "size": 256, "swap_run": str(swap_run), "clips_per_identity": clips,
            "frames_per_clip": frames, "seed": CLIPS_SEED, "qualities": list(DEFAULT_QUALITIES),
            "license": "CC0-1.0: generated images of invented people; no real person is depicted",
            "consent": "not needed: no real person", "learned_from": list(swap_info.get("datasets", []))}
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

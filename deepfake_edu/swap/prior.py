"""The face prior: the shared encoder and ONE generic decoder, pretrained on hundreds of invented
twins, so that a new pair starts from "faces in general" instead of from random weights.

DeepFaceLab ships pretrained models for the same reason: most of what a face-swap autoencoder
learns in its first hours (where eyes, nose and mouth sit, how light falls on a head, how a face
turns) is common to every face. A new pair then copies the prior's encoder, gives BOTH its
decoders the generic decoder's weights, and fine-tunes: the decoders only have to learn what
makes each person that person.

    pooled_face_sets(data, size)     every face of a many-people dataset as ONE "generic" person
                                     (``swap.train.train_prior`` trains the encoder and the generic decoder on them)
    prior_problem(config, path)      why a prior cannot start a model of ``config`` (None: it can)
    start_from_prior(model, path)    copy the prior into a new pair's model; returns what to record
    installed_prior()                the lab's installed prior (models/face-prior.json), or None

The lab's own prior is made by ``deepfake-edu zoo train face-prior`` from twins of a seed that no
lesson uses, and ``prepare`` installs it. ``swap train`` starts from it when it is there and fits
the model (same preset, size and bottleneck); ``--from-scratch`` starts from random weights, to
see the difference.
"""

from __future__ import annotations

from pathlib import Path

from deepfake_edu.errors import LabError

# No numpy, OpenCV or torch at import time: the zoo's recipes (read by `deepfake-edu --help`) import this.

GENERIC = "generic"  # the one identity of a prior: every face of its dataset
# The lab's prior learns twins of seed 1, many people with few pictures each; the lessons' twins are
# seed 0, and the pair that measures the prior (``bench swap --only prior``) is seed 2: people
# neither the prior nor any lesson saw.
PRIOR_DATA = {"identities": 400, "per_identity": 16, "size": 128, "seed": 1}
UNSEEN_PAIR_DATA = {"identities": 2, "per_identity": 200, "size": 128, "seed": 2}
# The fields that must agree for the prior's weights to fit a new model (n_identities may differ:
# that is the point; the learning rate and the preset's name are not weights).
SHAPE_FIELDS = ("input_size", "bottleneck", "encoder_filters", "seed_channels", "encoder_upscale", "decoder_filters", "negative_slope")


def pooled_face_sets(data: str, size: int, limit_per_identity: int | None = None):
    """Every face of every identity in dataset ``data`` as one person, ``GENERIC``: a ``FaceSets``
    whose faces are uint8 (N, size, size, 3) in the swap framing, with their eyes-and-mouth masks."""
    import numpy as np

    from deepfake_edu.data.dataset import load_dataset
    from deepfake_edu.swap.facesets import FaceSets, load_face_sets

    dataset = load_dataset(data)
    people = dataset.identities()
    if len(people) < 2:
        raise LabError(f"a face prior learns many people; {data} has {len(people)}: render more twins (`deepfake-edu data twins --identities 300`)")
    sets = load_face_sets([data], people, size, limit_per_identity)
    masks = None if sets.masks is None else [np.concatenate(sets.masks)]
    records = [record for person in sets.records for record in person]
    return FaceSets([GENERIC], [np.concatenate(sets.faces)], masks, sets.datasets, [records], sets.dataset_infos[:1])


def prior_problem(config, prior_info: dict) -> str | None:
    """Why the prior whose checkpoint JSON is ``prior_info`` cannot start a model of ``config``
    (a ``SwapConfig``); None when its weights fit."""
    from dataclasses import asdict

    if prior_info.get("model") != "faceswap" or prior_info.get("identities") != [GENERIC]:
        return "it is not a face prior (one shared encoder and one generic decoder)"
    theirs, ours = prior_info.get("config") or {}, asdict(config)
    different = [name for name in SHAPE_FIELDS if _plain(theirs.get(name)) != _plain(ours.get(name))]
    if different:
        described = ", ".join(f"{name} {_plain(theirs.get(name))} (this model: {_plain(ours.get(name))})" for name in different)
        return f"its shape differs: {described}"
    return None


def _plain(value):
    return list(value) if isinstance(value, (list, tuple)) else value


def start_from_prior(model, path: str | Path, decoders: bool = True) -> dict:
    """Load the prior at ``path`` into ``model`` (a ``FaceSwapModel`` of any number of people):
    the encoder as it is and, with ``decoders``, the generic decoder into every decoder (else the
    decoders keep their random weights). Returns what a checkpoint records of it: {"path",
    "sha256", "steps", "shipped", "decoders"}. A prior that does not fit is a one-line LabError
    that says how to go on."""
    from deepfake_edu.training.checkpoint import load_model_file

    tensors, info = load_model_file(path)
    problem = prior_problem(model.config, info)
    if problem is not None:
        raise LabError(f"the face prior {path} cannot start this model: {problem}; add --from-scratch, or use the classroom preset at 64 px")
    state = {key.removeprefix("model/"): value.float() for key, value in tensors.items() if key.startswith("model/")}
    encoder = {key.removeprefix("encoder."): value for key, value in state.items() if key.startswith("encoder.")}
    decoder = {key.removeprefix("decoders.0."): value for key, value in state.items() if key.startswith("decoders.0.")}
    model.encoder.load_state_dict(encoder)
    for each in model.decoders if decoders else []:
        each.load_state_dict(decoder)
    progress = info.get("progress") if isinstance(info.get("progress"), dict) else {}
    return {"path": str(path), "sha256": info.get("sha256"), "steps": progress.get("step"), "shipped": info.get("shipped"),
            "decoders": bool(decoders)}


def installed_prior() -> Path | None:
    """The face prior ``prepare`` installs into the lab home (models/face-prior.json), or None."""
    from deepfake_edu.paths import LAB_PRIOR, models_dir

    path = models_dir() / f"{LAB_PRIOR}.json"
    return path if path.is_file() else None

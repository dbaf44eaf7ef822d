"""The model zoo: trained models that ship with the lab, each with a card that says how it was made.

A shipped model is three files in ``deepfake_edu/zoo/models/``:

    NAME.safetensors   the weights, without optimizer state (half precision where the card
                       shows that costs nothing measurable)
    NAME.json          the checkpoint's JSON in the lab's format (model, config, datasets, history):
                       ``registry.load_model`` reads the pair like any checkpoint
    NAME.card.json     the model card: recipe, data and its seed, steps, wall time, the machine it
                       was trained on, the quality measured there, and the SHA-256 of the weights

Every shipped model is made by a recipe of ``deepfake_edu.zoo.recipes`` and remade by
``deepfake-edu zoo train NAME --ship`` (from a source checkout). Remake rarely: every new weight
file grows the repository for good.

The lab installs shipped models into its home (``install``) so that a first launch loads models
instead of training them on a busy laptop; the labs that train still train, and compare their
result with the shipped model's card. ``forget`` never touches this folder: shipped models learned
only invented twins.
"""

from __future__ import annotations

import json
import os
import shutil
from pathlib import Path

from deepfake_edu.errors import LabError

MODELS_DIR = Path(__file__).resolve().parent / "models"
CARD_SUFFIX = ".card.json"
MAX_FILE_MB = 10.0  # each shipped weight file stays under this
MAX_TOTAL_MB = 40.0  # and all of them together under this


def _sha256(path: Path) -> str:
    from deepfake_edu.training.checkpoint import file_sha256

    return file_sha256(path)


def shipped_names(models_dir: Path | None = None) -> list[str]:
    """Names of the models that ship with this copy of the lab (those with a card), sorted."""
    folder = models_dir or MODELS_DIR
    if not folder.is_dir():
        return []
    return sorted(path.name[: -len(CARD_SUFFIX)] for path in folder.glob(f"*{CARD_SUFFIX}"))


def card(name: str, models_dir: Path | None = None) -> dict:
    """The card of shipped model ``name``; one-line LabError when there is none."""
    path = (models_dir or MODELS_DIR) / f"{name}{CARD_SUFFIX}"
    if not path.is_file():
        known = ", ".join(shipped_names(models_dir)) or "none"
        raise LabError(f"no shipped model named {name!r} (shipped: {known}): see `deepfake-edu zoo list`")
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as error:
        raise LabError(f"{path} is not a readable card ({type(error).__name__}): reinstall deepfake-edu or run `git checkout {path.name}`") from None
    if not isinstance(data, dict):
        raise LabError(f"{path} is not a card (not a JSON object): reinstall deepfake-edu")
    return data


def weights_path(name: str, models_dir: Path | None = None) -> Path:
    return (models_dir or MODELS_DIR) / f"{name}.safetensors"


def checkpoint_path(name: str, models_dir: Path | None = None) -> Path:
    return (models_dir or MODELS_DIR) / f"{name}.json"


def verify(name: str, models_dir: Path | None = None) -> dict:
    """Check the weights of ``name`` against the SHA-256 on its card; returns the card."""
    info = card(name, models_dir)
    path = weights_path(name, models_dir)
    if not path.is_file():
        raise LabError(f"shipped model {name!r} has a card but no weights at {path}: reinstall deepfake-edu")
    if _sha256(path) != info.get("sha256"):
        raise LabError(f"{path} does not match its card's SHA-256 (damaged or replaced): reinstall deepfake-edu, "
                       f"or remake it with `deepfake-edu zoo train {name} --ship`")
    return info


def available(name: str, models_dir: Path | None = None) -> bool:
    """Whether ``name`` ships with this copy and its weights match its card."""
    try:
        verify(name, models_dir)
    except LabError:
        return False
    return True


def install(name: str, dest_stem: str | os.PathLike, extra_info: dict | None = None, models_dir: Path | None = None) -> Path:
    """Copy shipped model ``name`` to ``dest_stem``.json/.safetensors (a checkpoint pair in the
    lab's format, e.g. ``runs/swap-lab/checkpoints/step-00012000``); returns the JSON path.

    The JSON gains ``"shipped": name`` and ``extra_info``; the weights are copied byte for byte
    (written to a temporary name and renamed, so a kill leaves no torn file)."""
    from deepfake_edu.fileio import atomic_path, write_text_atomic

    info = verify(name, models_dir)
    source_json = checkpoint_path(name, models_dir)
    checkpoint = json.loads(source_json.read_text(encoding="utf-8"))
    dest_stem = Path(dest_stem)
    dest_stem.parent.mkdir(parents=True, exist_ok=True)
    tensors = dest_stem.with_name(dest_stem.name + ".safetensors")
    with atomic_path(tensors) as tmp:
        shutil.copyfile(weights_path(name, models_dir), tmp)
    checkpoint.update({"tensors": tensors.name, "sha256": info["sha256"], "shipped": name, **(extra_info or {})})
    json_path = dest_stem.with_name(dest_stem.name + ".json")
    write_text_atomic(json_path, json.dumps(checkpoint, indent=2))
    return json_path


def sizes_mb(models_dir: Path | None = None) -> dict[str, float]:
    """{name: weight file size in MB} of every shipped model."""
    return {name: weights_path(name, models_dir).stat().st_size / 1e6 for name in shipped_names(models_dir)
            if weights_path(name, models_dir).is_file()}

"""Checkpoints: tensors in safetensors, everything else in JSON, never half-written.

A checkpoint is a pair of files with one stem: ``<stem>.safetensors`` (model and optimizer
tensors) and ``<stem>.json`` (model name and config, progress, history, the datasets it
learned from, origin and licence). Each file is written to a temporary name and renamed into
place; the JSON is written last and records the SHA-256 of the tensor file, so a pair is
complete exactly when its JSON exists and the hash matches. Nothing is ever unpickled.

Training runs keep ``checkpoints/step-00000100.*`` pairs; a ready model is one pair anywhere
(``models/meso4-df.*``).
"""

from __future__ import annotations

import hashlib
import json
import os
import re
from pathlib import Path

import torch
from safetensors.torch import load_file, save_file

from deepfake_edu.errors import LabError
from deepfake_edu.fileio import atomic_path, write_text_atomic

CHECKPOINT_FORMAT = "deepfake-edu-checkpoint/1"
_STEP_NAME = re.compile(r"^step-(\d{8})\.json$")


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def save_model_file(stem: str | os.PathLike, tensors: dict[str, torch.Tensor], info: dict) -> Path:
    """Write ``stem.safetensors`` then ``stem.json``; returns the JSON path."""
    stem = Path(stem)
    if stem.suffix in (".json", ".safetensors"):
        stem = stem.with_suffix("")
    tensor_path = stem.with_name(stem.name + ".safetensors")
    json_path = stem.with_name(stem.name + ".json")
    cpu = {key: value.detach().to("cpu").contiguous().clone() for key, value in tensors.items()}
    with atomic_path(tensor_path) as tmp:
        save_file(cpu, str(tmp))
    info = {"format": CHECKPOINT_FORMAT, **info, "tensors": tensor_path.name, "sha256": _sha256(tensor_path)}
    write_text_atomic(json_path, json.dumps(info, indent=2))
    return json_path


def checkpoint_json(path: str | os.PathLike) -> Path:
    """The JSON of the checkpoint that ``path`` means: either file of a pair, its stem, or a run
    folder (its newest complete checkpoint). Raises a one-line LabError for an empty folder; the
    JSON itself may still be missing (``load_model_file`` says so)."""
    path = Path(path)
    if path.is_dir():
        found = latest_checkpoint(path)
        if found is None:
            raise LabError(f"no checkpoint in {path}: train first, or point at a .json/.safetensors file")
        return found
    return path.with_suffix(".json") if path.suffix in (".safetensors", ".json") else path.with_name(path.name + ".json")


def load_model_file(path: str | os.PathLike) -> tuple[dict[str, torch.Tensor], dict]:
    """Read a checkpoint pair given either file, its stem, or a run folder (its latest).

    Returns (tensors on the CPU, info). A one-line LabError names the file to fix.
    """
    json_path = checkpoint_json(path)
    if not json_path.exists():
        raise LabError(f"no checkpoint at {json_path}: check the path (a checkpoint is a .json beside a .safetensors)")
    try:
        info = json.loads(json_path.read_text())
    except json.JSONDecodeError:
        raise LabError(f"{json_path} is not valid JSON: the checkpoint is damaged, use another one") from None
    if info.get("format") != CHECKPOINT_FORMAT:
        raise LabError(f"{json_path} is not a deepfake-edu checkpoint")
    tensor_path = json_path.with_name(info["tensors"])
    if not tensor_path.exists():
        raise LabError(f"{tensor_path} is missing: the checkpoint is incomplete, use another one")
    if _sha256(tensor_path) != info["sha256"]:
        raise LabError(f"{tensor_path} does not match its {json_path.name} (damaged or replaced): use another checkpoint")
    return load_file(str(tensor_path)), info


def load_state_into(module: torch.nn.Module, tensors: dict[str, torch.Tensor], prefix: str = "model/") -> None:
    """Load ``prefix``-ed tensors into ``module`` after checking every name and shape."""
    own = module.state_dict()
    given = {key[len(prefix):]: value for key, value in tensors.items() if key.startswith(prefix)}
    missing = sorted(set(own) - set(given))
    extra = sorted(set(given) - set(own))
    if missing or extra:
        raise LabError(f"checkpoint does not fit this model: missing {missing[:3]}, unexpected {extra[:3]}")
    for key, value in own.items():
        if tuple(value.shape) != tuple(given[key].shape):
            raise LabError(f"checkpoint does not fit this model: {key} is {tuple(given[key].shape)}, model wants {tuple(value.shape)}")
    module.load_state_dict(given)


def optimizer_to_tensors(optimizer: torch.optim.Optimizer) -> tuple[dict[str, torch.Tensor], dict]:
    """Split an optimizer's state into flat tensors (for safetensors) and JSON-able rest."""
    state = optimizer.state_dict()
    tensors: dict[str, torch.Tensor] = {}
    scalars: dict[str, dict] = {}
    for index, entry in state["state"].items():
        for key, value in entry.items():
            if isinstance(value, torch.Tensor):
                tensors[f"optim/{index}/{key}"] = value
            else:
                scalars.setdefault(str(index), {})[key] = value
    return tensors, {"param_groups": state["param_groups"], "scalars": scalars}


def optimizer_from_tensors(optimizer: torch.optim.Optimizer, tensors: dict[str, torch.Tensor], meta: dict) -> None:
    state: dict[int, dict] = {}
    for key, value in tensors.items():
        if key.startswith("optim/"):
            _, index, name = key.split("/", 2)
            state.setdefault(int(index), {})[name] = value
    for index, values in meta.get("scalars", {}).items():
        state.setdefault(int(index), {}).update(values)
    optimizer.load_state_dict({"state": state, "param_groups": meta["param_groups"]})


def save_checkpoint(folder: str | os.PathLike, step: int, tensors: dict[str, torch.Tensor], info: dict, keep: int = 2) -> Path:
    """Write ``folder/step-<step>.*`` and delete all but the newest ``keep`` pairs."""
    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    json_path = save_model_file(folder / f"step-{step:08d}", tensors, {**info, "step": step})
    complete = sorted(p for p in folder.iterdir() if _STEP_NAME.match(p.name))
    for old in complete[:-keep] if keep > 0 else []:
        # The JSON goes first: a kill between the two deletions then leaves a stray tensor
        # file (swept below next time), never a JSON that points at missing tensors.
        old.unlink(missing_ok=True)
        old.with_suffix(".safetensors").unlink(missing_ok=True)
    for tensor_file in folder.glob("step-*.safetensors"):
        if not tensor_file.with_suffix(".json").exists():
            tensor_file.unlink(missing_ok=True)
    return json_path


def latest_checkpoint(folder: str | os.PathLike) -> Path | None:
    """The JSON of the newest complete step checkpoint in ``folder`` (or its checkpoints/)."""
    folder = Path(folder)
    if (folder / "checkpoints").is_dir():
        folder = folder / "checkpoints"
    if not folder.is_dir():
        return None
    for json_path in sorted((p for p in folder.iterdir() if _STEP_NAME.match(p.name)), reverse=True):
        try:
            info = json.loads(json_path.read_text())
            tensor_path = json_path.with_name(info["tensors"])
            if tensor_path.exists() and _sha256(tensor_path) == info["sha256"]:
                return json_path
        except (json.JSONDecodeError, KeyError):
            continue
    return None


def load_checkpoint(path: str | os.PathLike) -> tuple[dict[str, torch.Tensor], dict]:
    """Alias of :func:`load_model_file` for step checkpoints and run folders."""
    return load_model_file(path)

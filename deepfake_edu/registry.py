"""A small model registry in the manner of timm: ``create_model("meso4")``.

Each model file registers a factory that takes its config dataclass's fields as keyword
arguments. The registry lets checkpoints name their model and the CLI list what exists, and
``load_model`` is the one place a saved model is rebuilt: every loader (detectors, face-swap
runs, the forensics commands) goes through it.
"""

from __future__ import annotations

import importlib
import os
from pathlib import Path
from typing import Callable, Iterable

import torch.nn as nn

from deepfake_edu.errors import LabError

_FACTORIES: dict[str, Callable[..., nn.Module]] = {}

# Modules whose import registers models; imported on first use so that `import deepfake_edu`
# stays cheap.
_MODEL_MODULES = ("deepfake_edu.swap.model", "deepfake_edu.detect.mesonet")


def register_model(name: str):
    def decorate(factory: Callable[..., nn.Module]):
        if name in _FACTORIES:
            raise ValueError(f"model {name!r} is registered twice")
        _FACTORIES[name] = factory
        return factory

    return decorate


def _load_all() -> None:
    for module in _MODEL_MODULES:
        importlib.import_module(module)


def list_models() -> list[str]:
    _load_all()
    return sorted(_FACTORIES)


def create_model(name: str, **config) -> nn.Module:
    _load_all()
    if name not in _FACTORIES:
        raise LabError(f"unknown model {name!r}; choose one of: {', '.join(sorted(_FACTORIES))}")
    return _FACTORIES[name](**config)


class WrongModelKind(LabError):
    """A checkpoint holds another kind of model than the caller asked for (see ``load_model``).

    Carries ``path`` (the checkpoint's JSON), ``model`` (the registry name it holds) and
    ``kinds`` (what was asked for), so a caller can say it in its own words."""

    def __init__(self, path: Path, model: str, kinds: tuple[str, ...]) -> None:
        self.path, self.model, self.kinds = path, model, kinds
        wanted = " or ".join(kinds)
        super().__init__(f"{path} holds a {model!r} model, not {wanted}: point at a {wanted} checkpoint instead")


def load_model(path: str | os.PathLike, device="cpu", kinds: Iterable[str] | None = None) -> tuple[nn.Module, dict]:
    """Rebuild a saved model: ``(model in eval mode on device, checkpoint info)``.

    path: a checkpoint's ``.json`` or ``.safetensors``, their stem, or a run folder (its newest
    checkpoint). The checkpoint's "model" field names the registry entry, its "config" gives the
    factory's keyword arguments, and the weights are loaded with every name and shape checked.
    kinds: the registry names the caller accepts (e.g. ``("meso4", "mesoinception4")``); another
    kind is refused with ``WrongModelKind``. None accepts any registered model. Every refusal is a
    one-line LabError naming the file.
    """
    import torch

    from deepfake_edu.training.checkpoint import (
        check_state_fits,
        checkpoint_json,
        load_model_file,
        load_state_into,
    )

    if kinds is not None:
        kinds = (kinds,) if isinstance(kinds, str) else tuple(kinds)
    json_path = checkpoint_json(path)
    tensors, info = load_model_file(json_path)  # the one reader: every malformed pair is one LabError
    name = info.get("model")
    if not isinstance(name, str) or not name:
        raise LabError(f"{json_path} does not say which model it holds (no 'model' field): point at a checkpoint deepfake-edu wrote")
    if kinds is not None and name not in kinds:
        raise WrongModelKind(json_path, name, kinds)
    _load_all()
    if name not in _FACTORIES:
        shown = " ".join(repr(name).split())[:80]
        raise LabError(f"{json_path} holds a {shown} model, which this deepfake-edu does not know "
                       f"(it knows {', '.join(sorted(_FACTORIES))}): use another checkpoint")
    config = info.get("config") or {}
    if not isinstance(config, dict):
        raise LabError(f"{json_path}: its 'config' field is not an object ({type(config).__name__}): "
                       f"use a checkpoint written by this deepfake-edu, or retrain")

    def refuse(error: BaseException) -> LabError:
        detail = " ".join(str(error).split())[:200] or type(error).__name__
        return LabError(f"{json_path}: its config does not build a {name!r} model ({detail}): "
                        f"use a checkpoint written by this deepfake-edu, or retrain")

    # First on the meta device (no memory): a hostile config (a million channels) is refused by
    # the name and shape check before anything is allocated, since the file's tensors are real.
    try:
        with torch.device("meta"):
            skeleton = _FACTORIES[name](**config)
    except Exception:  # noqa: BLE001 - the real build below says what is wrong
        skeleton = None
    if skeleton is not None:
        try:
            check_state_fits(skeleton, tensors)
        except LabError as error:
            raise LabError(f"{json_path}: {error} (use a checkpoint written by this deepfake-edu, or retrain)") from None
    try:
        model = _FACTORIES[name](**config)
    except Exception as error:  # noqa: BLE001 - any failure of a factory on the file's config
        raise refuse(error) from None
    try:
        load_state_into(model, tensors)
    except LabError as error:
        raise LabError(f"{json_path}: {error} (use a checkpoint written by this deepfake-edu, or retrain)") from None
    return model.to(device).eval(), info

"""A small model registry in the manner of timm: ``create_model("meso4")``.

Each model file registers a factory that takes its config dataclass's fields as keyword
arguments. The registry lets checkpoints name their model and the CLI list what exists.
"""

from __future__ import annotations

import importlib
from typing import Callable

import torch.nn as nn

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
        try:
            importlib.import_module(module)
        except ModuleNotFoundError as error:  # a capability not built yet
            if not (module == error.name or module.startswith(f"{error.name}.")):
                raise


def list_models() -> list[str]:
    _load_all()
    return sorted(_FACTORIES)


def create_model(name: str, **config) -> nn.Module:
    _load_all()
    if name not in _FACTORIES:
        from deepfake_edu.errors import LabError

        raise LabError(f"unknown model {name!r}; choose one of: {', '.join(sorted(_FACTORIES))}")
    return _FACTORIES[name](**config)

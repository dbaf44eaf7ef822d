"""Choosing where the tensors live: cpu, cuda or mps."""

from __future__ import annotations

import torch

from deepfake_edu.errors import LabError


def pick_device(name: str = "auto") -> torch.device:
    """'auto' takes CUDA, then Apple's MPS, then the CPU; a named device must exist."""
    name = (name or "auto").lower()
    if name == "auto":
        if torch.cuda.is_available():
            return torch.device("cuda")
        if getattr(torch.backends, "mps", None) is not None and torch.backends.mps.is_available():
            return torch.device("mps")
        return torch.device("cpu")
    if name.startswith("cuda") and not torch.cuda.is_available():
        raise LabError("--device cuda asked for, but this torch sees no CUDA GPU: use --device cpu (README says how to install a CUDA build)")
    if name == "mps" and not (getattr(torch.backends, "mps", None) is not None and torch.backends.mps.is_available()):
        raise LabError("--device mps asked for, but no Apple GPU is available: use --device cpu")
    if name.split(":")[0] not in ("cpu", "cuda", "mps"):
        raise LabError(f"unknown device {name!r}: use auto, cpu, cuda or mps")
    return torch.device(name)

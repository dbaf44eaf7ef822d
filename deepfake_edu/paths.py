"""Where the lab keeps its data: datasets/, runs/ and models/ under one home folder.

The home is $DEEPFAKE_EDU_HOME when set, else the current folder (a teacher runs the lab from
the clone, so generated data lands beside the dataset cards and is ignored by git).
"""

from __future__ import annotations

import os
from pathlib import Path


def lab_home() -> Path:
    return Path(os.environ.get("DEEPFAKE_EDU_HOME", ".")).resolve()


def datasets_dir() -> Path:
    return lab_home() / "datasets"


def runs_dir() -> Path:
    """Training runs: checkpoints, previews, loss history."""
    return lab_home() / "runs"


def models_dir() -> Path:
    """Ready models: imported weights and the demo's prepared models."""
    return lab_home() / "models"
